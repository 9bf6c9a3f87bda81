"""`yibao roster collection|changes` (缴费清册, 变动表) and `yibao person depart`."""

import argparse
import sys
from datetime import date

from .cli_common import operator, write_export


def _export(args: argparse.Namespace, table: str) -> None:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.errors import InputError
    from yibao.core.plugins import load_registry
    from yibao.core.scope import Scope
    from yibao.core.services import change_table, collection_roster

    registry = load_registry()
    module = collection_roster if table == "collection" else change_table
    title = "缴费清册" if table == "collection" else "参保数据变动表"
    try:
        with Session(make_engine()) as session:
            scope = Scope.of(session, operator(args.region).region_code)
            if table == "collection":
                rows = module.collection_roster(session, scope, registry, args.region, args.year, args.on)
            else:
                rows = module.change_table(session, scope, registry, args.region, args.year)
    except InputError as error:
        sys.exit(f"yibao: {error}")
    except SQLAlchemyError:
        sys.exit("yibao: the database is not ready; run `yibao db upgrade` first")
    cells = [module.as_cells(row, registry.categories) for row in rows]
    write_export(args.output, args.format, module.HEADINGS, cells, f"{title}{args.year}")


def roster_collection(args: argparse.Namespace) -> None:
    _export(args, "collection")


def roster_changes(args: argparse.Namespace) -> None:
    _export(args, "changes")


def person_depart(args: argparse.Namespace) -> None:
    from sqlmodel import Session, select

    from yibao.core.db import make_engine
    from yibao.core.errors import InputError
    from yibao.core.models import Person
    from yibao.core.services.departures import DepartureInput, record_departure

    engine = make_engine()
    with Session(engine) as session:
        person_id = session.exec(
            select(Person.id).where(Person.id_number == args.id_number.strip().upper())
        ).first()
    if person_id is None:
        sys.exit(f"yibao: 身份证号码 {args.id_number[:4]}…{args.id_number[-4:]} 未登记（no such person）")
    try:
        person = record_departure(
            engine, operator(args.region), DepartureInput(person_id, args.reason, args.on, args.note)
        )
    except InputError as error:
        sys.exit(f"yibao: {error}")
    print(f"{person.id}\t{person.name}\t{args.reason}\t{args.on.isoformat()}")


def add_commands(commands, roster_commands) -> None:
    for name, handler, help_text in (
        (
            "collection",
            roster_collection,
            "this year's collection roster (缴费清册) of a village or township",
        ),
        ("changes", roster_changes, "the change table (变动表) against last year's enrolments"),
    ):
        command = roster_commands.add_parser(name, help=help_text)
        command.add_argument("--region", required=True, help="a village or township code")
        command.add_argument("--year", type=int, required=True, help="the coverage year")
        if name == "collection":
            command.add_argument(
                "--on", type=date.fromisoformat, help="quote date (default: the centralized window opens)"
            )
        command.add_argument(
            "--format", choices=["xlsx", "csv"], help="default: from the file name, else xlsx"
        )
        command.add_argument("-o", "--output", required=True, help="the file to write")
        command.set_defaults(handler=handler)

    person = commands.add_parser("person", help="residents").add_subparsers(dest="person", required=True)
    depart = person.add_parser("depart", help="record that a person left resident insurance")
    depart.add_argument("--id-number", required=True)
    depart.add_argument("--reason", required=True, choices=["DEATH", "MOVED_OUT", "EMPLOYEE_INSURANCE"])
    depart.add_argument("--on", type=date.fromisoformat, required=True, help="the day they left (YYYY-MM-DD)")
    depart.add_argument("--note")
    depart.add_argument("--region", help="act as the county office of this region (default: everywhere)")
    depart.set_defaults(handler=person_depart)
