"""东至县's “四个一致” check, person by person: 东政办〔2021〕6号 五（二）.

"缴纳参保资金时……打印《安徽省城乡居民基本医疗保险费专用票据》，做到参保资金、参保人数、
参保花名册、开具收据“四个一致”". The four are compared for each person — each enrolment of the
year in the asked region — as of the as-of date, never only in sums, where a +290 and a −290
(one person's subsidy raised, another's lowered on the 12-31 roster, 四（四）) would cancel:

- 参保资金: the enrolment's ledger net (payments less reversals), terminated or not;
- 参保人数: whether the person is 参保 — on the roster, accepted, payment standing
  (core/reports/counting.py);
- 参保花名册: whether the enrolment is on the roster — registered and not terminated — and what
  the roster says the person owes (its amount due, which the 12-31 re-adjustment may have changed
  after payment, core/services/readjust.py);
- 开具收据: the receipts standing for the enrolment (payments less reversals).

A person agrees when on the roster with one receipt and exactly the amount due collected, or off
the roster with no receipt and no money. Anyone else disagrees, and the reason says which of
the four parts (`DISAGREEMENTS`). This module gives the per-unit summary (the county's townships,
a township's villages) with the number of persons who disagree; reports_four_consistent_persons
lists them.
"""

from sqlalchemy import and_, case, func, not_
from sqlmodel import select

from yibao.plugins import Cite, Column, Kind, Report, ReportSource, counting

from .dongzhi_2022 import DOC

CITE = Cite(DOC, "五（二）")

# What can part a person's four figures, with the clerk's wording.
DISAGREEMENTS = {
    "UNPAID": "在参保花名册但无收据（未缴费或已冲正）",
    "OFF_ROSTER": "已不在参保花名册，仍有收据或参保资金",
    "RECEIPTS": "收据张数不为1",
    "REFUSED": "报价未通过，花名册无应缴金额",
    "AMOUNT": "参保资金与花名册应缴金额不符",
}

COLUMNS = (
    Column("unit_code", "代码"),
    Column("unit_name", "乡镇"),
    Column("funds", "参保资金（元）", Kind.MONEY),
    Column("headcount", counting.INSURED, Kind.INT),
    Column("roster", "参保花名册人数", Kind.INT),
    Column("receipts", "开具收据（张）", Kind.INT),
    Column("amount_due", "花名册应缴金额（元）", Kind.MONEY),
    Column("disagreeing", "不一致人数", Kind.INT),
    Column("consistent", "是否“四个一致”", Kind.BOOL),
)


def per_person(source: ReportSource):
    """One row per enrolment of the year in the region: enrolment_id, person_id, region_code,
    on_roster, insured (0/1), receipts, funds, amount_due (fen, the roster's: null off it) and
    agrees (0/1), all in SQL."""
    e = source.enrolments()
    held = counting.ledger(source)
    insured = counting.paid(source)
    listed = counting.on_roster_condition(e, source.as_of)
    receipts = func.coalesce(held.c.receipts, 0)
    funds = func.coalesce(held.c.funds, 0)
    agrees = case(
        (and_(listed, counting.accepted_condition(e), receipts == 1, funds == e.c.amount_due_fen), 1),
        (and_(not_(listed), receipts == 0, funds == 0), 1),
        else_=0,
    )
    return (
        select(
            e.c.id.label("enrolment_id"),
            e.c.person_id,
            e.c.region_code,
            case((listed, 1), else_=0).label("on_roster"),
            case((insured.c.id.is_not(None), 1), else_=0).label("insured"),
            receipts.label("receipts"),
            funds.label("funds"),
            case((listed, e.c.amount_due_fen)).label("amount_due"),
            agrees.label("agrees"),
        )
        .outerjoin(held, held.c.enrolment_id == e.c.id)
        .outerjoin(insured, insured.c.id == e.c.id)
        .subquery("per_person")
    )


def per_unit(source: ReportSource):
    """(code, name, funds, headcount, roster, receipts, amount due, disagreeing) per unit, in SQL."""
    persons = per_person(source)
    rolled = source.roll_up(
        persons,
        func.sum(persons.c.funds).label("funds"),
        func.sum(persons.c.insured).label("headcount"),
        func.sum(persons.c.on_roster).label("roster"),
        func.sum(persons.c.receipts).label("receipts"),
        # What the roster says the 参保 persons owe, to set beside the funds.
        func.sum(case((persons.c.insured == 1, persons.c.amount_due), else_=0)).label("amount_due"),
        func.sum(1 - persons.c.agrees).label("disagreeing"),
    )
    listed = source.unit_list().subquery("listed")
    figures = ("funds", "headcount", "roster", "receipts", "amount_due", "disagreeing")
    return source.fetch(
        select(
            listed.c.unit_code,
            listed.c.unit_name,
            *(func.coalesce(rolled.c[name], 0) for name in figures),
        )
        .outerjoin(rolled, rolled.c.unit_code == listed.c.unit_code)
        .order_by(listed.c.unit_code)
    )


def build(source: ReportSource):
    if source.region.level == "township":
        source.rename("unit_name", "村（社区）")
    for code, name, funds, headcount, roster, receipts, due, disagreeing in per_unit(source):
        # Persons who each agree make sums that agree; sums alone could hide opposite differences.
        yield code, name, funds, headcount, roster, receipts, due, disagreeing, disagreeing == 0


REPORT = Report(
    name="anhui_four_consistent",
    title="参保资金、参保人数、参保花名册、开具收据“四个一致”",
    cite=CITE,
    columns=COLUMNS,
    build=build,
    regions=("341721",),
    description=(
        "Per township (a township's villages when asked for one), as of a date: the ledger's net "
        "funds, 参保人数, enrolments on the roster, standing receipts, the amount the roster says the "
        "insured owe, and how many persons' own four figures disagree; consistent only when none do "
        "(anhuiFourConsistentPersons lists them)."
    ),
)
