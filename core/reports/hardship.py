"""Coverage of hardship groups: who holds each identity, and how many of them are insured (参保).

方政办明电〔2021〕35号 一 ("参保率达到100%") and 兴义府发〔2022〕3号 一 demand 100% of the hardship
groups; every notice names them. A holder (应参保) is a person whose hukou or residence lies in the
region and who holds the identity on the as-of date (core/models/category.py). 已参保 counts the
holders whose enrolment in the region for the year is 参保 as core/reports/counting.py defines it
(on the roster, accepted, payment standing); 未参保 = holders − 已参保, of whom 登记未缴 are on the
roster without being 参保 (never paid, reversed, or refused); 参保率 = 已参保 / 应参保.
"""

from collections.abc import Collection
from datetime import date

from sqlalchemy import case, func, or_
from sqlmodel import select

from ..rules.cite import Cite
from . import counting
from .source import ReportSource, rate
from .spec import Column, Kind, Report

COLUMNS = (
    Column("category", "类别代码"),
    Column("category_name", "困难群体类别"),
    Column("holders", "应参保人数", Kind.INT),
    Column("paid", "已" + counting.INSURED, Kind.INT),
    Column("unpaid", "未参保人数", Kind.INT),
    Column("registered_unpaid", "其中：" + counting.REGISTERED_UNPAID, Kind.INT),
    Column("rate", "参保率", Kind.RATE),
)


def coverage(source: ReportSource, codes: Collection[str] = (), paid_by: date | None = None):
    """Rows (code, holders, paid, registered_unpaid) per identity code, counted in SQL.

    `codes` limits the identities; `paid_by` counts only payments made by that date (e.g. the
    end of a centralized period) instead of the as-of date.
    """
    identities = source.identities()
    roster = counting.roster_status(source, paid_by=paid_by or source.as_of)
    insured = roster.c.insured == 1
    registered = roster.c.insured == 0
    statement = (
        select(
            identities.c.code,
            func.count(func.distinct(identities.c.person_id)),
            func.count(func.distinct(case((insured, identities.c.person_id)))),
            func.count(func.distinct(case((registered, identities.c.person_id)))),
        )
        .outerjoin(roster, roster.c.person_id == identities.c.person_id)
        .group_by(identities.c.code)
        .order_by(identities.c.code)
    )
    if codes:
        statement = statement.where(or_(*(identities.c.code == code for code in codes)))
    return source.fetch(statement)


def rows(source: ReportSource, found, codes: Collection[str] = ()):
    """Report rows for `found`, with a zero row for each asked code nobody holds."""
    counted = {code: (holders, paid, registered) for code, holders, paid, registered in found}
    for code in codes or counted:
        holders, paid, registered = counted.get(code, (0, 0, 0))
        name = source.category_names.get(code, code)
        yield code, name, holders, paid, holders - paid, registered, rate(paid, holders)


def build(source: ReportSource):
    return rows(source, coverage(source))


REPORT = Report(
    name="hardship_coverage",
    title="困难群体参保情况",
    cite=Cite("方政办明电〔2021〕35号 一；兴义府发〔2022〕3号", "一"),
    columns=COLUMNS,
    build=build,
    description="Per hardship identity: holders in the region, insured (on the roster, accepted, paid), "
    "not insured (of whom registered but unpaid) and 参保率 (the notices demand 100%).",
)
