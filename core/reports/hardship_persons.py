"""The hardship-group members not yet insured, by name: the list the offices work through.

筑医保通〔2021〕34号 四（二） has the bureaus "定期梳理未参保特殊困难群体名单，及时组织力量宣传动员" and
方政办明电〔2021〕35号 一 demands 100 % of the hardship groups. This names the holders that
`hardship_coverage` (core/reports/hardship.py) counts as 未参保: persons of the region holding an
identity on the as-of date whose enrolment of the year in the region is not 参保 — 登记未缴 when they
are on the roster (never paid, reversed, or refused), 未登记 when they are not. One row per person,
their identities joined; ordered by their hukou region, then person. ID numbers are masked for
roles that do not see identities, as every report's are.
"""

from itertools import groupby

from sqlmodel import select

from ..models import Person, Region
from ..rules.cite import Cite
from . import counting
from .source import ReportSource
from .spec import Column, Kind, Report

COLUMNS = (
    Column("region_code", "户籍地代码"),
    Column("region_name", "户籍地"),
    Column("name", "姓名"),
    Column("id_number", "身份证号码", Kind.ID_NUMBER),
    Column("categories", "类别代码"),
    Column("category_names", "困难群体类别"),
    Column("status", "参保状态"),
)
REGISTERED, NOT_REGISTERED = "登记未缴", "未登记"


def build(source: ReportSource):
    identities = source.identities()
    roster = counting.roster_status(source)
    statement = (
        select(
            identities.c.region_code,
            Region.name,
            Person.id,
            Person.name,
            Person.id_number,
            identities.c.code,
            roster.c.id,
        )
        .join(Person, Person.id == identities.c.person_id)
        .outerjoin(Region, Region.code == identities.c.region_code)
        .outerjoin(roster, roster.c.person_id == identities.c.person_id)
        .where((roster.c.insured.is_(None)) | (roster.c.insured == 0))
        .order_by(identities.c.region_code, Person.id, identities.c.code)
    )
    for (code, place, _), rows in groupby(source.fetch(statement), key=lambda r: r[:3]):
        rows = list(rows)
        codes = sorted({r[5] for r in rows})
        names = "、".join(source.category_names.get(c, c) for c in codes)
        status = REGISTERED if any(r[6] is not None for r in rows) else NOT_REGISTERED
        yield code, place, rows[0][3], rows[0][4], "、".join(codes), names, status


REPORT = Report(
    name="hardship_unpaid_persons",
    title="未参保特殊困难群体名单",
    cite=Cite("筑医保通〔2021〕34号 四（二）；方政办明电〔2021〕35号", "一"),
    columns=COLUMNS,
    build=build,
    description="The hardship-identity holders of the region not insured (on the roster, accepted, paid) "
    "as of a date, by name: registered unpaid or not registered; what hardship_coverage counts as 未参保.",
)
