"""This year's collection roster (缴费清册) of a village or township, from last year's enrolments.

东政办〔2021〕6号 五（三）: the county gives each village last year's enrolment table as this year's
collection roster, on which the village notes collection and changes (last year: yibao's enrolment,
else the imported 参保底表, core/services/last_year.py); 方政办明电〔2021〕35号 三（二）:
the roster (缴费清册) is made from last year's and sent to every village. One row per member of
every household whose address lies in or below the region, departed persons left out, each
quoted under THIS year's policy for the region (never last year's: no carry-forward).

People, households, identities and last year's enrolments and payments are loaded by region
in a few queries; only the quoting runs per person, in Python.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from ..errors import ErrorCode, InputError
from ..models import CategoryFact, Departure, Household, HouseholdMember, Person, Region
from ..money import fen_to_yuan
from ..regions import codes_under, region_path
from ..rules.facts import QuoteRequest
from ..rules.policy import Policy, Route
from ..rules.registry import Registry
from ..scope import Scope
from ..statuses import EnrolmentStatus, HistoryStatus
from .facts import roster_facts
from .last_year import HISTORY, REGISTER, last_year


@dataclass(frozen=True)
class RosterRow:
    village_code: str
    village_name: str
    household_id: int
    head_name: str | None
    address: str | None
    person_id: int
    name: str
    id_number: str | None
    relation: str | None
    is_head: bool
    tier: str
    amount_due: Decimal | None  # None when this year's rules refuse the quote (see `note`)
    subsidy: Decimal | None
    subsidy_category: str | None
    method: str | None  # UPFRONT or COLLECT_THEN_REFUND
    last_year_status: str | None  # ENROLLED, PAID, TERMINATED; None: not enrolled last year
    last_year_paid: Decimal | None
    note: str | None = None
    # Not a column: what masking withholds from the note (a newborn is quoted on the day of birth).
    birth_date: date | None = None
    # Where last year's status comes from: REGISTER (yibao's enrolment) or HISTORY (the 参保底表).
    last_year_source: str | None = None


HEADINGS = [
    "村（社区）代码",
    "村（社区）",
    "户编号",
    "户主姓名",
    "家庭住址",
    "居民编号",
    "姓名",
    "身份证号码",
    "与户主关系",
    "档次",
    "应缴金额（元）",
    "资助金额（元）",
    "资助类别",
    "资助方式",
    "上年参保状态",
    "上年缴费金额（元）",
    "备注",
    "上年数据来源",
]
METHOD_NAMES = {"UPFRONT": "直接减免", "COLLECT_THEN_REFUND": "先征后返"}
STATUS_NAMES = {
    EnrolmentStatus.ENROLLED: "已登记未缴费",
    EnrolmentStatus.PAID: "已缴费",
    EnrolmentStatus.TERMINATED: "已终止",
    HistoryStatus.STOPPED: "停保",  # from the 参保底表 (core/services/last_year.py)
}
SOURCE_NAMES = {REGISTER: "本系统", HISTORY: "参保底表"}


def as_cells(row: RosterRow, categories: dict[str, str]) -> tuple:
    """A row as the export writes it under HEADINGS: Chinese names for codes."""
    return (
        row.village_code,
        row.village_name,
        row.household_id,
        row.head_name,
        row.address,
        row.person_id,
        row.name,
        row.id_number,
        row.relation or ("户主" if row.is_head else None),
        row.tier,
        row.amount_due,
        row.subsidy,
        categories.get(row.subsidy_category, row.subsidy_category) if row.subsidy_category else None,
        METHOD_NAMES.get(row.method, row.method) if row.method else None,
        STATUS_NAMES.get(row.last_year_status, "未参保") if row.last_year_status else "未参保",
        row.last_year_paid,
        row.note,
        SOURCE_NAMES.get(row.last_year_source) if row.last_year_source else None,
    )


def window_opens(policy: Policy) -> date:
    """The first day of the policy's centralized collection window (集中缴费期)."""
    route = next((r for r in policy.routes if r.key == "centralized" and r.opens), None)
    if route is None:
        general = [r.opens for r in policy.routes if r.opens and _for_everyone(r)]
        return min(general) if general else policy.coverage_start
    return route.opens


def _for_everyone(route: Route) -> bool:
    return not (route.newborn or route.event or route.college_student or route.migrant_worker)


def roster_region(session: Session, scope: Scope, region_code: str) -> str:
    """The region's path; an unknown region or one outside the caller's scope is refused."""
    path = region_path(session, region_code) if region_code else None
    if path is None:
        raise InputError.one("regionCode", ErrorCode.NOT_FOUND, f"行政区划代码 {region_code} 不存在")
    if not scope.covers(session, region_code):
        raise InputError.one(
            "regionCode",
            ErrorCode.FORBIDDEN,
            f"行政区划 {region_code} 不在您的管辖范围",
        )
    return path


def members_in(path: str, scope: Scope):
    """Person ids of the members of households addressed in or below the region, departed or not."""
    return (
        select(HouseholdMember.person_id)
        .join(Household, col(Household.id) == col(HouseholdMember.household_id))
        .where(col(Household.address_region_code).in_(codes_under(path)), scope.visible(Household))
    )


def collection_roster(
    session: Session,
    scope: Scope,
    rules: Registry,
    region_code: str,
    coverage_year: int,
    on: date | None = None,
) -> list[RosterRow]:
    """The roster, sorted by village, household, head first; amounts quoted on `on`.

    Each household is quoted under the policy of its own address (a county's roster may span
    areas); `on` defaults to the day that policy's centralized window opens. A newborn born
    later is quoted on the day of birth, the first day a payment for them can be made.
    """
    path = roster_region(session, scope, region_code)
    rules.for_region(region_code, coverage_year)  # no policy for the region and year: refused
    policies: dict[str, Policy | InputError] = {}  # each household is quoted under its own area's

    def policy_of(code: str) -> Policy | InputError:
        if code not in policies:
            try:
                policies[code] = rules.for_region(code, coverage_year)
            except InputError as exc:
                policies[code] = exc
        return policies[code]

    departed = select(Departure.person_id)
    members = session.exec(
        select(HouseholdMember, Household, Person)
        .join(Household, col(Household.id) == col(HouseholdMember.household_id))
        .join(Person, col(Person.id) == col(HouseholdMember.person_id))
        .where(
            col(Household.address_region_code).in_(codes_under(path)),
            scope.visible(Household),
            col(Person.id).not_in(departed),
        )
    ).all()
    person_ids = members_in(path, scope).where(col(HouseholdMember.person_id).not_in(departed))
    names = dict(
        session.exec(
            select(Region.code, Region.name).where(
                col(Region.code).in_({household.address_region_code for _, household, _ in members})
            )
        ).all()
    )
    heads = {household.id: person.name for member, household, person in members if member.is_head}
    categories: dict[int, list[CategoryFact]] = defaultdict(list)
    for fact in session.exec(select(CategoryFact).where(col(CategoryFact.person_id).in_(person_ids))).all():
        categories[fact.person_id].append(fact)
    before = last_year(session, scope, person_ids, coverage_year)  # the register, else the 参保底表

    rows = []
    for member, household, person in members:
        previous = before.get(person.id)
        last_tier = previous.tier if previous else None
        policy = policy_of(household.address_region_code)
        amount_due = subsidy = category = method = note = None
        if isinstance(policy, InputError):
            tier, note = last_tier or "1", "；".join(e.message for e in policy.errors)
        else:
            tier = last_tier if last_tier and policy.tier(last_tier) else policy.tiers[0].code
            paid_on = max(on or window_opens(policy), person.birth_date)
            facts = roster_facts(person, categories[person.id], paid_on, household.address_region_code)
            amount_due, subsidy, category, method, note = _quoted(rules, policy, paid_on, facts, tier)
        rows.append(
            RosterRow(
                village_code=household.address_region_code,
                village_name=names.get(household.address_region_code, ""),
                household_id=household.id,
                head_name=heads.get(household.id),
                address=household.address,
                person_id=person.id,
                name=person.name,
                id_number=person.id_number,
                relation=member.relation,
                is_head=member.is_head,
                tier=tier,
                amount_due=amount_due,
                subsidy=subsidy,
                subsidy_category=category,
                method=method,
                last_year_status=previous.status if previous else None,
                last_year_paid=fen_to_yuan(previous.paid_fen)
                if previous and previous.paid_fen is not None
                else None,
                note=note,
                last_year_source=previous.source if previous else None,
                birth_date=person.birth_date,
            )
        )
    rows.sort(key=lambda r: (r.village_code, r.household_id, not r.is_head, r.person_id))
    return rows


def _quoted(rules: Registry, policy: Policy, paid_on: date, facts, tier: str) -> tuple:
    """Amount due, subsidy, its category and method — or the reason there are none, as a note."""
    try:
        quote = rules.quote(QuoteRequest(policy.id, paid_on, facts, tier))
    except InputError as exc:
        return None, None, None, None, "；".join(e.message for e in exc.errors)
    if not quote.accepted:
        return None, None, None, None, f"{paid_on} 不能缴费：{quote.rejection_reason}"
    # The amount due never waits for a parameter; a refund may, and the roster says so.
    note = f"返还金额待参数 {'、'.join(quote.pending)} 配置" if quote.pending else None
    subsidy = None if quote.pending else quote.subsidy
    return quote.amount_due, subsidy, quote.subsidy_category, str(quote.subsidy_method), note
