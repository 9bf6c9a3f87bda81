"""`yibao roster …`: department rosters in, collection rosters and change tables out.

roster import            a department's roster (花名册) as hardship identities, with progress
roster collection        this year's collection roster (缴费清册) of a village or township
roster changes           the change table (变动表) against last year's enrolments
roster readjust          re-quote paid enrolments on a later roster (东政办〔2021〕6号 四（四）)
roster zero-declarations the fully subsidised persons the tax office declares at zero
                         (零申报, 筑医保通〔2021〕34号 四（二）)
"""

from datetime import date

import click

from .common import DATE, FORMATS, POSITIVE, operator, write_export
from .progress import run_import

ZERO_HEADINGS = ("姓名", "身份证号码", "参保地代码", "资助类别", "资助金额", "资金来源", "参保状态")


def _departments() -> list[str]:
    from yibao.core.departments import DEPARTMENT_CATEGORIES

    return sorted(DEPARTMENT_CATEGORIES)


@click.group(help="department rosters and collection rosters")
def roster() -> None:
    pass


@roster.command(name="import", help="import a department's roster (CSV or XLSX) as hardship identities")
@click.argument("file", help="the roster: .xlsx, or .csv in UTF-8 or GBK")
@click.option("--source", required=True, type=click.Choice(_departments()), help="department")
@click.option("--as-of", required=True, type=DATE, help="the roster date (在册日期)")
@click.option("--region", required=True, help="the county whose persons the roster lists")
@click.option("--batch-size", type=POSITIVE, default=500, help="rows per transaction (500)")
@click.option("--report", help="write every row's outcome to this CSV (UTF-8 with BOM)")
def import_roster(
    file: str, source: str, as_of: date, region: str, batch_size: int, report: str | None
) -> None:
    from yibao.core.plugins import load_registry
    from yibao.core.services.rosters import import_roster

    run_import(
        file,
        region,
        report,
        lambda engine, actor, path, bar: import_roster(
            engine,
            actor,
            path,
            source=source,
            as_of=as_of,
            region_code=region,
            categories=load_registry().categories,
            batch_size=batch_size,
            progress=bar,
        ),
    )


def _table(table: str, region: str, year: int, on: date | None, output: str, fmt: str | None) -> None:
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.plugins import load_registry
    from yibao.core.scope import Scope
    from yibao.core.services import change_table, collection_roster

    registry = load_registry()
    module = collection_roster if table == "collection" else change_table
    title = "缴费清册" if table == "collection" else "参保数据变动表"
    with Session(make_engine()) as session:
        scope = Scope.of(session, operator(region).region_code)
        if table == "collection":
            rows = module.collection_roster(session, scope, registry, region, year, on)
        else:
            rows = module.change_table(session, scope, registry, region, year)
    cells = [module.as_cells(row, registry.categories) for row in rows]
    write_export(output, fmt, module.HEADINGS, cells, f"{title}{year}")


REGION = click.option("--region", required=True, help="a village or township code")
YEAR = click.option("--year", type=int, required=True, help="the coverage year")
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="default: from the file name, else xlsx"
)
OUTPUT = click.option("-o", "--output", required=True, help="the file to write")


@roster.command(help="this year's collection roster (缴费清册) of a village or township")
@REGION
@YEAR
@click.option("--on", type=DATE, help="quote date (default: the centralized window opens)")
@FORMAT
@OUTPUT
def collection(region: str, year: int, on: date | None, fmt: str | None, output: str) -> None:
    _table("collection", region, year, on, output, fmt)


@roster.command(help="the change table (变动表) against last year's enrolments")
@REGION
@YEAR
@FORMAT
@OUTPUT
def changes(region: str, year: int, fmt: str | None, output: str) -> None:
    _table("changes", region, year, None, output, fmt)


@roster.command(help="re-quote paid enrolments with the identities of a later roster and list changes")
@click.option("--policy", required=True, help="e.g. anhui/341721/2022")
@click.option("--as-of", required=True, type=DATE, help="the roster's date")
@click.option("--region", required=True, help="the county (or township) to re-adjust")
def readjust(policy: str, as_of: date, region: str) -> None:
    from yibao.core.db import make_engine
    from yibao.core.plugins import load_registry
    from yibao.core.services.readjust import readjust_subsidies

    found = readjust_subsidies(make_engine(), operator(region), load_registry(), policy, as_of, region)
    click.echo(format_changes(found))


def format_changes(found) -> str:
    show = lambda value: "-" if value is None else str(value)  # noqa: E731
    lines = ["enrolment\tperson\tpaid on\tbefore (category/subsidy/due)\tafter (category/subsidy/due)"]
    for c in found:
        before = "/".join(show(v) for v in (c.before.category, c.before.subsidy, c.before.amount_due))
        after = "/".join(show(v) for v in (c.after.category, c.after.subsidy, c.after.amount_due))
        lines.append(f"{c.enrolment_id}\t{c.person_name}\t{c.paid_on}\t{before}\t{after}")
    lines.append(f"{len(found)} changed")
    return "\n".join(lines)


@roster.command(
    name="zero-declarations",
    help="fully subsidised persons for the tax office's zero declaration (零申报)",
)
@click.option("--region", required=True)
@click.option("--year", required=True, type=int, help="coverage year")
@click.option("-o", "--output", required=True, help="FILE.xlsx or FILE.csv")
@click.option("--format", "fmt", type=click.Choice(FORMATS))
def zero_declarations(region: str, year: int, output: str, fmt: str | None) -> None:
    from sqlmodel import Session

    from yibao.core.db import make_engine
    from yibao.core.scope import Scope
    from yibao.core.services.zero_declaration import zero_declarations

    with Session(make_engine()) as session:
        found = zero_declarations(session, Scope.of(session, region), region, year)
    rows = [
        (
            z.name,
            z.id_number or "",
            z.enrolment.region_code,
            z.subsidy_category or "",
            z.subsidy,
            "；".join(f"{f.source} {f.amount}" for f in z.funding),
            z.enrolment.status,
        )
        for z in found
    ]
    write_export(output, fmt, ZERO_HEADINGS, rows, f"零申报{year}")
