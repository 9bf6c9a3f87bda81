"""The change table (变动表): this year's collection roster against last year's enrolments.

东政办〔2021〕6号 四（三） counts hardship subsidies "根据各行政村（社区）2022年参保数据变动表" and
五（三） has villages note the changes (变动情况) on the roster. Three kinds of row:
- ADDED: on this year's roster, not enrolled last year in the region (NEWBORN, MOVED_IN when
  enrolled last year elsewhere, NEW otherwise);
- REMOVED: enrolled last year in the region, not on this year's roster (the departure's reason,
  MOVED_OUT when the household now lies elsewhere, NO_HOUSEHOLD when the person has none);
- CHANGED: on both, with another hardship identity (SUBSIDY_CATEGORY) or amount due (AMOUNT_DUE)
  than last year's enrolment decided;
- READJUSTED: this year's paid enrolment whose subsidy the 12-31 re-adjustment changed (四（四）),
  with the settlement item the change of its amount due became: the difference, who settles it
  and whether it is still UNSETTLED (core/services/settlements.py).
An enrolment counts as last year's unless it was terminated. For a year yibao holds no policy for,
last year's enrolments are the imported 参保底表 (core/services/history_import.py): its PAID and
UNPAID rows count as enrolled (续保 when on this year's roster), a STOPPED (停保) one does not — such
a person back on the roster is ADDED with the reason RESUMED. Each row says last year's status
(上年参保状态) and where it comes from. History has no amount due nor subsidy to compare, so it
makes no CHANGED row.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from ..models import (
    Departure,
    Enrolment,
    EnrolmentHistory,
    Household,
    HouseholdMember,
    Person,
    Region,
    Settlement,
)
from ..money import fen_to_yuan
from ..regions import codes_under
from ..rules.registry import Registry
from ..scope import Scope
from ..statuses import EnrolmentStatus, HistoryStatus, SettlementStatus
from .collection_roster import STATUS_NAMES, RosterRow, collection_roster, members_in, roster_region
from .last_year import FROM_HISTORY, HISTORY, REGISTER


@dataclass(frozen=True)
class ChangeRow:
    change: str  # ADDED, REMOVED, CHANGED
    reason: str  # see the module docstring; CHANGED: SUBSIDY_CATEGORY and/or AMOUNT_DUE, comma-joined
    village_code: str
    village_name: str
    household_id: int | None  # this year's household; None for a removed person
    person_id: int
    name: str
    id_number: str | None
    departed_on: date | None = None
    tier_before: str | None = None
    tier_after: str | None = None
    category_before: str | None = None
    category_after: str | None = None
    amount_before: Decimal | None = None
    amount_after: Decimal | None = None
    settlement: Decimal | None = None  # READJUSTED: due after − due before; > 0 owed by the person's side
    settlement_party: str | None = None  # PERSON or FUNDING_DEPARTMENT; None while unsettled
    settlement_status: str | None = None  # UNSETTLED, OWED or SETTLED
    # 上年参保状态: PAID, ENROLLED, TERMINATED or STOPPED (停保); None: no record last year.
    last_year_status: str | None = None
    last_year_source: str | None = None  # REGISTER or HISTORY (the 参保底表)


HEADINGS = [
    "变动类型",
    "变动原因",
    "村（社区）代码",
    "村（社区）",
    "户编号",
    "居民编号",
    "姓名",
    "身份证号码",
    "减少日期",
    "上年参保状态",
    "上年档次",
    "本年档次",
    "上年资助类别",
    "本年资助类别",
    "上年应缴（元）",
    "本年应缴（元）",
    "调整差额（元）",
    "结算方",
    "结算状态",
]
CHANGE_NAMES = {"ADDED": "增加", "REMOVED": "减少", "CHANGED": "变更", "READJUSTED": "调整"}
SETTLEMENT_NAMES = {
    "PERSON": "参保人",
    "FUNDING_DEPARTMENT": "资助资金承担部门",
    SettlementStatus.UNSETTLED: "未定结算方式",
    SettlementStatus.OWED: "待结算",
    SettlementStatus.SETTLED: "已结算",
}
REASON_NAMES = {
    "NEWBORN": "新生儿",
    "MOVED_IN": "迁入",
    "NEW": "新参保",
    "RESUMED": "上年停保后续保",
    "DEATH": "死亡",
    "MOVED_OUT": "迁出",
    "EMPLOYEE_INSURANCE": "参加职工医保",
    "NO_HOUSEHOLD": "未登记户籍家庭",
    "SUBSIDY_CATEGORY": "资助身份变化",
    "AMOUNT_DUE": "应缴金额变化",
    "READJUSTMENT": "12月31日重新调整资助对象",
}


def as_cells(row: ChangeRow, categories: dict[str, str]) -> tuple:
    """A row as the export writes it under HEADINGS: Chinese names for codes."""

    def category(code: str | None) -> str | None:
        return categories.get(code, code) if code else None

    return (
        CHANGE_NAMES[row.change],
        "、".join(REASON_NAMES.get(r, r) for r in row.reason.split(",")),
        row.village_code,
        row.village_name,
        row.household_id,
        row.person_id,
        row.name,
        row.id_number,
        row.departed_on,
        _last_year(row),
        row.tier_before,
        row.tier_after,
        category(row.category_before),
        category(row.category_after),
        row.amount_before,
        row.amount_after,
        row.settlement,
        SETTLEMENT_NAMES.get(row.settlement_party) if row.settlement_party else None,
        SETTLEMENT_NAMES.get(row.settlement_status) if row.settlement_status else None,
    )


def _last_year(row: ChangeRow) -> str:
    status = STATUS_NAMES.get(row.last_year_status, "未参保") if row.last_year_status else "未参保"
    return f"{status}（参保底表）" if row.last_year_source == HISTORY else status


_UNKNOWN = object()


def decided(enrolment: Enrolment) -> tuple[object, object]:
    """Last year's subsidy category and amount due: the deciding quote kept on payment, else the
    columns enrolment filled in; unknown (never quoted) otherwise."""
    quote = (enrolment.snapshot or {}).get("quote")
    if quote:
        return quote.get("subsidyCategory"), Decimal(quote["amountDue"])
    if enrolment.amount_due_fen is not None:
        return enrolment.subsidy_category, fen_to_yuan(enrolment.amount_due_fen)
    return _UNKNOWN, _UNKNOWN


def change_table(
    session: Session, scope: Scope, rules: Registry, region_code: str, coverage_year: int
) -> list[ChangeRow]:
    """Added, removed and changed persons of the region, each with its before and after."""
    path = roster_region(session, scope, region_code)
    roster = {
        row.person_id: row for row in collection_roster(session, scope, rules, region_code, coverage_year)
    }
    previous = session.exec(
        select(Enrolment, Person)
        .join(Person, col(Person.id) == col(Enrolment.person_id))
        .where(
            Enrolment.coverage_year == coverage_year - 1,
            col(Enrolment.region_code).in_(codes_under(path)),
            Enrolment.status != EnrolmentStatus.TERMINATED,
            scope.visible(Enrolment),
        )
    ).all()
    before = {person.id: (enrolment, person) for enrolment, person in previous}
    # The 参保底表 for people yibao has no enrolment of last year for (the register wins).
    history = {
        h.person_id: h
        for h in session.exec(
            select(EnrolmentHistory).where(
                EnrolmentHistory.coverage_year == coverage_year - 1,
                col(EnrolmentHistory.region_code).in_(codes_under(path)),
                col(EnrolmentHistory.person_id).not_in(list(before)),
            )
        ).all()
    }
    enrolled_history = {pid: h for pid, h in history.items() if h.status != HistoryStatus.STOPPED}
    names = dict(
        session.exec(
            select(Region.code, Region.name).where(
                col(Region.code).in_(
                    {e.region_code for e, _ in previous} | {h.region_code for h in history.values()}
                )
            )
        ).all()
    )
    last = {pid: (e.status, REGISTER) for pid, (e, _) in before.items()}
    last |= {pid: (FROM_HISTORY[h.status], HISTORY) for pid, h in history.items()}

    rows: list[ChangeRow] = []
    added = [
        row
        for person_id, row in roster.items()
        if person_id not in before and person_id not in enrolled_history
    ]
    on_roster = members_in(path, scope)
    # Whether an added person was enrolled last year elsewhere: only the reason is shown.
    elsewhere = set(
        session.exec(
            select(Enrolment.person_id).where(
                Enrolment.coverage_year == coverage_year - 1,
                col(Enrolment.person_id).in_(on_roster),
                col(Enrolment.region_code).not_in(codes_under(path)),
                Enrolment.status != EnrolmentStatus.TERMINATED,
            )
        ).all()
    )
    births = dict(
        session.exec(select(Person.id, Person.birth_date).where(col(Person.id).in_(on_roster))).all()
    )
    for row in added:
        if births[row.person_id] >= date(coverage_year - 1, 1, 1):
            reason = "NEWBORN"
        elif row.person_id in history:  # 停保 last year, on the roster again
            reason = "RESUMED"
        else:
            reason = "MOVED_IN" if row.person_id in elsewhere else "NEW"
        status, source = last.get(row.person_id, (None, None))
        rows.append(_row("ADDED", reason, row, after=row, last_year_status=status, last_year_source=source))

    removed = [person_id for person_id in [*before, *enrolled_history] if person_id not in roster]
    if removed:
        departures = {
            d.person_id: d
            for d in session.exec(select(Departure).where(col(Departure.person_id).in_(removed))).all()
        }
        addresses = dict(
            session.exec(
                select(HouseholdMember.person_id, Household.address_region_code)
                .join(Household, col(Household.id) == col(HouseholdMember.household_id))
                .where(col(HouseholdMember.person_id).in_(removed))
            ).all()
        )
        persons = {
            p.id: p
            for p in session.exec(select(Person).where(col(Person.id).in_(list(enrolled_history)))).all()
        }
        for person_id in removed:
            if person_id in before:
                enrolment, person = before[person_id]
                region, tier, (category, amount) = enrolment.region_code, enrolment.tier, decided(enrolment)
            else:
                enrolment, person = None, persons[person_id]
                region, tier, category, amount = enrolled_history[person_id].region_code, None, None, None
            departure = departures.get(person_id)
            if departure is not None:
                reason = departure.reason
            elif person_id in addresses:
                reason = "MOVED_OUT"  # a household outside the region (a departed one is above)
            else:
                reason = "NO_HOUSEHOLD"
            status, source = last[person_id]
            rows.append(
                ChangeRow(
                    change="REMOVED",
                    reason=reason,
                    village_code=region,
                    village_name=names.get(region, ""),
                    household_id=None,
                    person_id=person_id,
                    name=person.name,
                    id_number=person.id_number,
                    departed_on=departure.departed_on if departure else None,
                    tier_before=tier,
                    category_before=None if category is _UNKNOWN else category,
                    amount_before=None if amount is _UNKNOWN else amount,
                    last_year_status=status,
                    last_year_source=source,
                )
            )

    for person_id, (enrolment, _) in before.items():
        row = roster.get(person_id)
        if row is None:
            continue
        category, amount = decided(enrolment)
        changed = []
        if category is not _UNKNOWN and row.amount_due is not None and category != row.subsidy_category:
            changed.append("SUBSIDY_CATEGORY")
        if amount is not _UNKNOWN and row.amount_due is not None and amount != row.amount_due:
            changed.append("AMOUNT_DUE")
        if changed:
            rows.append(
                _row(
                    "CHANGED",
                    ",".join(changed),
                    row,
                    after=row,
                    tier_before=enrolment.tier,
                    category_before=category,
                    amount_before=amount,
                    last_year_status=enrolment.status,
                    last_year_source=REGISTER,
                )
            )
    rows += _readjusted(session, scope, path, coverage_year, roster)
    order = {"ADDED": 0, "REMOVED": 1, "CHANGED": 2, "READJUSTED": 3}
    rows.sort(key=lambda r: (r.village_code, order[r.change], r.household_id or 0, r.person_id))
    return rows


def _readjusted(
    session: Session, scope: Scope, path: str, coverage_year: int, roster: dict[int, RosterRow]
) -> list[ChangeRow]:
    """One row per settlement item of the year's enrolments in the region (东政办〔2021〕6号 四（四））."""
    items = session.exec(
        select(Settlement, Enrolment, Person)
        .join(Enrolment, col(Enrolment.id) == col(Settlement.enrolment_id))
        .join(Person, col(Person.id) == col(Enrolment.person_id))
        .where(
            Enrolment.coverage_year == coverage_year,
            col(Enrolment.region_code).in_(codes_under(path)),
            scope.visible(Enrolment),
        )
        .order_by(Settlement.id)
    ).all()
    names = dict(
        session.exec(
            select(Region.code, Region.name).where(col(Region.code).in_({e.region_code for _, e, _ in items}))
        ).all()
    )
    rows = []
    for item, enrolment, person in items:
        listed = roster.get(person.id)
        rows.append(
            ChangeRow(
                change="READJUSTED",
                reason="READJUSTMENT",
                village_code=listed.village_code if listed else enrolment.region_code,
                village_name=listed.village_name if listed else names.get(enrolment.region_code, ""),
                household_id=listed.household_id if listed else None,
                person_id=person.id,
                name=person.name,
                id_number=person.id_number,
                tier_before=enrolment.tier,
                tier_after=enrolment.tier,
                category_before=item.subsidy_before,
                category_after=item.subsidy_after,
                amount_before=fen_to_yuan(item.due_before_fen),
                amount_after=fen_to_yuan(item.due_after_fen),
                settlement=fen_to_yuan(item.difference_fen),
                settlement_party=item.party,
                settlement_status=item.status,
            )
        )
    return rows


def _row(change: str, reason: str, row: RosterRow, after: RosterRow, **before) -> ChangeRow:
    return ChangeRow(
        change=change,
        reason=reason,
        village_code=row.village_code,
        village_name=row.village_name,
        household_id=row.household_id,
        person_id=row.person_id,
        name=row.name,
        id_number=row.id_number,
        tier_after=after.tier,
        category_after=after.subsidy_category,
        amount_after=after.amount_due,
        **before,
    )
