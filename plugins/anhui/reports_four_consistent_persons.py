"""The persons whose “四个一致” disagree, per village: 东政办〔2021〕6号 五（二）.

Each person (enrolment) of the year in the asked region whose 参保资金, 参保人数, 参保花名册 and
开具收据 do not agree as of the as-of date (reports_four_consistent.py `per_person`), listed by the
village (or whatever region) the enrolment is registered in, with the four figures and what
disagrees: stable codes (`DISAGREEMENTS`) and a sentence for the clerk. A person re-adjusted on
the 12-31 roster after paying (四（四）) is listed with the amount over- or under-collected, even
where another person's opposite change leaves the township's sums equal.
"""

from sqlmodel import select

from yibao.plugins import Column, Kind, Report, ReportSource, fen_to_yuan

from .reports_four_consistent import CITE, DISAGREEMENTS, per_person

COLUMNS = (
    Column("village_code", "村（社区）代码"),
    Column("village", "村（社区）"),
    Column("name", "姓名"),
    Column("id_number", "身份证号码", Kind.ID_NUMBER),
    Column("on_roster", "在参保花名册", Kind.BOOL),
    Column("insured", "已参保", Kind.BOOL),
    Column("receipts", "开具收据（张）", Kind.INT),
    Column("funds", "参保资金（元）", Kind.MONEY),
    Column("amount_due", "花名册应缴金额（元）", Kind.MONEY),
    Column("difference", "差额（资金−应缴，元）", Kind.MONEY),
    Column("codes", "不一致代码"),
    Column("reason", "不一致情况"),
)


def disagreements(on_roster: bool, receipts: int, funds: int, due: int | None) -> list[str]:
    """The codes of what parts one person's four figures (the person disagrees, so at least one)."""
    if not on_roster:
        return ["OFF_ROSTER"]
    if receipts <= 0:
        return ["UNPAID"] + (["REFUSED"] if due is None else [])
    found = [] if receipts == 1 else ["RECEIPTS"]
    if due is None:
        found.append("REFUSED")
    elif funds != due:
        found.append("AMOUNT")
    return found


def reason(codes: list[str], funds: int, due: int | None, receipts: int) -> str:
    parts = []
    for code in codes:
        text = DISAGREEMENTS[code]
        if code == "AMOUNT":
            gap = funds - due
            more = f"多收 {fen_to_yuan(gap)} 元" if gap > 0 else f"少收 {fen_to_yuan(-gap)} 元"
            text += f"（资金 {fen_to_yuan(funds)} 元，应缴 {fen_to_yuan(due)} 元，{more}）"
        elif code == "RECEIPTS":
            text += f"（{receipts} 张）"
        elif code == "OFF_ROSTER" and (receipts or funds):
            text += f"（收据 {receipts} 张，资金 {fen_to_yuan(funds)} 元）"
        parts.append(text)
    return "；".join(parts)


def build(source: ReportSource):
    persons = per_person(source)
    people, regions = source.enrolled_persons(), source.regions()
    statement = (
        select(
            persons.c.region_code,
            regions.c.name,
            people.c.name,
            people.c.id_number,
            persons.c.on_roster,
            persons.c.insured,
            persons.c.receipts,
            persons.c.funds,
            persons.c.amount_due,
        )
        .join(people, people.c.id == persons.c.person_id)
        .join(regions, regions.c.code == persons.c.region_code)
        .where(persons.c.agrees == 0)
        .order_by(persons.c.region_code, persons.c.enrolment_id)
    )
    for code, place, name, id_number, listed, insured, receipts, funds, due in source.fetch(statement):
        receipts, funds = int(receipts), int(funds)
        found = disagreements(bool(listed), receipts, funds, due)
        difference = funds - (due or 0)
        yield (
            code,
            place,
            name,
            id_number,
            bool(listed),
            bool(insured),
            receipts,
            funds,
            due,
            difference,
            ",".join(found),
            reason(found, funds, due, receipts),
        )


REPORT = Report(
    name="anhui_four_consistent_persons",
    title="“四个一致”不一致人员明细",
    cite=CITE,
    columns=COLUMNS,
    build=build,
    regions=("341721",),
    description=(
        "Per village, as of a date: every person whose own 参保资金, 参保人数, 参保花名册 and 开具收据 "
        "disagree, with the four figures, the difference and codes (UNPAID, OFF_ROSTER, RECEIPTS, "
        "REFUSED, AMOUNT) saying what disagrees."
    ),
)
