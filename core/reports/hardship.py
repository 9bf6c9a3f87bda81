"""Coverage of hardship groups: who holds each identity, and how many of them are enrolled and paid.

方政办明电〔2021〕35号 一 and 兴义府发〔2022〕3号 一 demand 100% of the hardship groups; every
notice names them. A holder is a person whose hukou or residence lies in the region and who holds
the identity on the as-of date (core/models/category.py); enrolled and paid count that person's
enrolment in the region for the year as core/reports/counting.py does, on the as-of date.
"""

from collections.abc import Collection
from datetime import date

from sqlalchemy import and_, case, func, or_
from sqlmodel import select

from ..rules.cite import Cite
from . import counting
from .source import ReportSource, rate
from .spec import Column, Kind, Report

COLUMNS = (
    Column("category", "类别代码"),
    Column("category_name", "困难群体类别"),
    Column("holders", "应参保人数", Kind.INT),
    Column("enrolled", "已参保人数", Kind.INT),
    Column("paid", "已缴费人数", Kind.INT),
    Column("unpaid", "未缴费人数", Kind.INT),
    Column("rate", "参保率", Kind.RATE),
)


def coverage(source: ReportSource, codes: Collection[str] = (), paid_by: date | None = None):
    """Rows (code, holders, enrolled, paid) per identity code, counted in SQL.

    `codes` limits the identities; `paid_by` counts only payments made by that date (e.g. the
    end of a centralized period) instead of the as-of date.
    """
    identities = source.identities()
    roster = counting.on_roster(source)
    stands = counting.standing(source, paid_by or source.as_of)
    enrolled = roster.c.id.is_not(None)
    paid = and_(enrolled, stands.c.enrolment_id.is_not(None))
    statement = (
        select(
            identities.c.code,
            func.count(func.distinct(identities.c.person_id)),
            func.count(func.distinct(case((enrolled, identities.c.person_id)))),
            func.count(func.distinct(case((paid, identities.c.person_id)))),
        )
        .outerjoin(roster, roster.c.person_id == identities.c.person_id)
        .outerjoin(stands, stands.c.enrolment_id == roster.c.id)
        .group_by(identities.c.code)
        .order_by(identities.c.code)
    )
    if codes:
        statement = statement.where(or_(*(identities.c.code == code for code in codes)))
    return source.fetch(statement)


def rows(source: ReportSource, found, codes: Collection[str] = ()):
    """Report rows for `found`, with a zero row for each asked code nobody holds."""
    counted = {code: (holders, enrolled, paid) for code, holders, enrolled, paid in found}
    for code in codes or counted:
        holders, enrolled, paid = counted.get(code, (0, 0, 0))
        name = source.category_names.get(code, code)
        yield code, name, holders, enrolled, paid, holders - paid, rate(paid, holders)


def build(source: ReportSource):
    return rows(source, coverage(source))


REPORT = Report(
    name="hardship_coverage",
    title="困难群体参保情况",
    cite=Cite("方政办明电〔2021〕35号 一；兴义府发〔2022〕3号", "一"),
    columns=COLUMNS,
    build=build,
    description="Per hardship identity: holders in the region, enrolled, paid and the rate "
    "(the notices demand 100%).",
)
