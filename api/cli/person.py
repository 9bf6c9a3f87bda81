"""`yibao person depart`: a person left resident insurance (death, moving away, employee insurance)."""

from datetime import date

import click

from .common import DATE, Refusal, operator


@click.group(help="residents")
def person() -> None:
    pass


@person.command(help="record that a person left resident insurance")
@click.option("--id-number", required=True)
@click.option("--reason", required=True, type=click.Choice(["DEATH", "MOVED_OUT", "EMPLOYEE_INSURANCE"]))
@click.option("--on", required=True, type=DATE, help="the day they left (YYYY-MM-DD)")
@click.option("--note")
@click.option("--region", help="act as the county office of this region (default: everywhere)")
def depart(id_number: str, reason: str, on: date, note: str | None, region: str | None) -> None:
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.services.departures import DepartureInput, record_departure
    from yibao.core.services.persons import person_id_of

    engine = make_engine()
    with Session(engine) as session:
        person_id = person_id_of(session, id_number)
    if person_id is None:
        raise Refusal(f"身份证号码 {id_number[:4]}…{id_number[-4:]} 未登记")
    found = record_departure(engine, operator(region), DepartureInput(person_id, reason, on, note))
    click.echo(f"{found.id}\t{found.name}\t{reason}\t{on.isoformat()}")
