"""A policy: one notice's rules for one region and coverage year, every value cited.

Plugins build these from their notice; the engine (`engine.py`) reads them. Nothing
here knows a regional figure.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from .cite import Cite
from .dates import Period

if TYPE_CHECKING:
    from .continuity import ContinuityRule


class Method(StrEnum):
    UPFRONT = "UPFRONT"  # the subsidy is taken off the bill
    COLLECT_THEN_REFUND = "COLLECT_THEN_REFUND"  # 先征后返: full share collected, subsidy paid back


# A field added after enrolments began recording policy versions: left out of the digest while it
# holds its default, so a policy that does not use it keeps the version it had.
LATER = {"digest": "when set"}


# How much a share, a subsidy or a fiscal figure is.
@dataclass(frozen=True)
class Fixed:
    value: Decimal


@dataclass(frozen=True)
class FullShare:
    """The whole personal share of the tier (全额资助)."""


@dataclass(frozen=True)
class PercentOf:
    """A percentage of one tier's personal share, e.g. 一档标准的90%."""

    percent: Decimal
    tier: str


@dataclass(frozen=True)
class FromParameter:
    name: str


Amount = Fixed | FullShare | PercentOf | FromParameter


@dataclass(frozen=True)
class Document:
    """A notice the policy implements, cited by its 文号 exactly as printed.

    Some notices carry no 文号 (a bureau's letter, a published plan): give `issuer` and `issued_on`
    instead, and cite them by `label` (e.g. `Cite(doc.label, "三")`).
    """

    number: str  # 文号 exactly as printed; "" when the notice has none
    title: str
    issuer: str = field(default="", metadata=LATER)  # 发文机关, for a notice without a 文号
    issued_on: date | None = field(default=None, metadata=LATER)  # 成文日期, likewise

    @property
    def label(self) -> str:
        """How citations name it: the 文号, else issuer and date (贵阳市医疗保障局 2021-10-15)."""
        if self.number:
            return self.number
        return " ".join(part for part in (self.issuer, self.issued_on and self.issued_on.isoformat()) if part)


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    # The share a person of this tier pays; a parameter where the notice leaves it to another rule.
    personal: Decimal | FromParameter
    cite: Cite
    # A separate college-student rate where the notice prints one (e.g. Chongqing 280/655).
    student_personal: Decimal | None = None
    student_cite: Cite | None = None
    outpatient_limit: Decimal | None = None  # 门诊统筹 annual payment limit, where stated
    outpatient_cite: Cite | None = None


@dataclass(frozen=True)
class Parameter:
    """A figure the notice leaves to another rule: documented, never silently invented.

    `default` is used only when a deployment supplies no value, and `basis` says where
    it comes from; with no default the quote is refused until the value is configured.
    """

    name: str
    description: str
    cite: Cite  # the clause that leaves the figure open
    default: Decimal | None = None
    basis: str = ""
    # A choice instead of an amount: the value must be one of these (e.g. who settles a difference).
    choices: tuple[str, ...] = ()
    # The least value a deployment may set, where a higher text states a floor (e.g. "不低于1000元").
    minimum: Decimal | None = field(default=None, metadata=LATER)


@dataclass(frozen=True)
class FundingPart:
    """A funding source's part: a fixed amount first, then a ratio of what remains."""

    source: str  # a code from categories.md "Funding sources"
    fixed: Decimal | None = None
    ratio: int | None = None


@dataclass(frozen=True)
class Funding:
    parts: tuple[FundingPart, ...]
    cite: Cite
    # Applies when the person's areaCode starts with this prefix; None is the policy-wide split.
    area: str | None = None


@dataclass(frozen=True)
class Grant:
    """One ground for a hardship subsidy: a category (or an age) and what it gives."""

    code: str
    amount: Amount | Mapping[str, Amount]  # one amount, or one per tier code
    cite: Cite
    method: Method = Method.UPFRONT
    # A category counts if recognised on or before this date; None: on or before paidOn.
    recognised_by: date | None = None
    recognised_by_cite: Cite | None = None
    max_grade: int | None = None  # e.g. SEVERE_DISABILITY grades 1–2 only
    born_on_or_before: date | None = None  # an age-based ground instead of a category
    funding: tuple[Funding, ...] = ()
    refunded_by: str | None = None  # department that pays a COLLECT_THEN_REFUND refund
    refunded_by_cite: Cite | None = None
    # Only for persons whose household registration lies in this region (e.g. "户籍在贵池区");
    # a quote that does not state the hukou does not get it.
    hukou_in: str | None = field(default=None, metadata=LATER)
    hukou_cite: Cite | None = field(default=None, metadata=LATER)

    def amount_for(self, tier: str) -> Amount | None:
        if isinstance(self.amount, Mapping):
            return self.amount.get(tier)
        return self.amount

    def funding_for(self, area_code: str | None) -> Funding | None:
        for funding in self.funding:
            if funding.area and area_code and area_code.startswith(funding.area):
                return funding
        return next((f for f in self.funding if f.area is None), None)


class Start(StrEnum):
    YEAR_START = "YEAR_START"  # the policy's coverage start
    BIRTH = "BIRTH"
    PAYMENT_DAY = "PAYMENT_DAY"
    DAY_AFTER_PAYMENT = "DAY_AFTER_PAYMENT"
    PAYMENT_MONTH = "PAYMENT_MONTH"  # 缴费当月: first day of the payment's month
    FIXED = "FIXED"  # `Route.start_date`


@dataclass(frozen=True)
class Newborn:
    born_from: date | None = None
    born_to: date | None = None
    within: Period | None = None  # paid no later than this period after birth
    beyond: Period | None = None  # paid after this period after birth
    guardian_enrolled: bool | None = None


@dataclass(frozen=True)
class Event:
    kinds: frozenset[str]
    within: Period | None = None  # paid no later than this period after the event
    beyond: Period | None = None  # paid after this period after the event
    min_prior_months: int | None = None  # EMPLOYEE_INSURANCE_LAPSE: months insured before
    on_from: date | None = None
    on_to: date | None = None


@dataclass(frozen=True)
class Waiver:
    """Who is spared a route's waiting period: holders of these categories, or an event."""

    cite: Cite
    categories: frozenset[str] = frozenset()
    event: Event | None = None


@dataclass(frozen=True)
class Route:
    """One way to pay for the coverage year: who may, when, and when benefits start.

    Routes are tried in order and the first that admits the payment decides it.
    """

    key: str  # stable name used by policy diffs, e.g. "centralized"
    name: str  # the notice's wording, e.g. 集中缴费期
    cite: Cite
    opens: date | None = None  # inclusive calendar dates
    closes: date | None = None
    college_student: bool | None = None  # None: anyone
    migrant_worker: bool | None = None
    newborn: Newborn | None = None
    event: Event | None = None
    start: Start = Start.YEAR_START
    start_date: date | None = None
    end_date: date | None = None  # when coverage ends elsewhere than the policy's year end
    waiting: Period | None = None  # benefits start the day after paidOn + waiting
    waivers: tuple[Waiver, ...] = ()
    late: bool = False  # a late payment: the policy's fiscal-subsidy forfeiture applies
    free: bool = False  # enrolled without a payment of one's own (e.g. following a guardian)


@dataclass(frozen=True)
class Forfeit:
    """Late payments after `after` lose the fiscal subsidy; the person pays it instead.

    `total` is what the notice says such a payer is charged (e.g. 按 900 元标准), when it prints one;
    otherwise the charge is the tier's share plus the fiscal subsidy.
    """

    after: date
    cite: Cite
    total: Decimal | None = None


# Who settles what a re-adjustment changes (Readjustment.settlement's choices).
SETTLEMENT_PARTIES = ("PERSON", "FUNDING_DEPARTMENT")


@dataclass(frozen=True)
class Readjustment:
    """Subsidies re-decided on a later roster once collection ends (e.g. 东政办〔2021〕6号 四（四）).

    `settlement` names the choice parameter saying who settles a changed amount due: PERSON
    (多退少补 with the person) or FUNDING_DEPARTMENT (the person's payment stands; the department
    that funds the subsidy makes up or keeps the difference). Until it is set the differences are
    listed unsettled (core/services/settlements.py).
    """

    cite: Cite
    settlement: str


class HouseholdMode(StrEnum):
    WHOLE = "WHOLE"  # the whole household enrols or no one (以户为单位缴费参保，不得选择性参保)
    PREFERRED = "PREFERRED"  # a household is preferred (原则上以家庭为单位参保); a partial one is noted


@dataclass(frozen=True)
class HouseholdRule:
    mode: HouseholdMode
    cite: Cite


@dataclass(frozen=True)
class Policy:
    province: str  # plugin name
    region_code: str
    region_name: str
    coverage_year: int
    documents: tuple[Document, ...]
    tiers: tuple[Tier, ...]
    coverage_start: date
    coverage_end: date
    coverage_cite: Cite
    fiscal_subsidy: Fixed | FromParameter
    fiscal_cite: Cite
    routes: tuple[Route, ...]
    grants: tuple[Grant, ...] = ()
    default_method: Method = Method.UPFRONT  # the method of a quote without a subsidy
    method_cite: Cite | None = None
    combination_cite: Cite | None = None  # the clause on several grounds (highest wins)
    forfeit: Forfeit | None = None
    parameters: tuple[Parameter, ...] = ()
    areas: tuple[str, ...] = ()  # further region codes the policy governs (e.g. 贵安新区)
    # The payment channels the notice names (codes of core/rules/vocabulary.py CHANNELS), each cited.
    channels: tuple[tuple[str, Cite], ...] = ()
    household: HouseholdRule | None = None  # whether members enrol as a household
    # The clause allowing a refund, on request, when an enrolment ends before coverage starts
    # (e.g. 筑医保通〔2021〕34号 五（三）); None: the notice provides none.
    termination_refund: Cite | None = None
    readjustment: Readjustment | None = None
    # From 2025 (国办发〔2024〕38号): waiting periods after a lapse and the incentives of continuous
    # and zero-claim years (core/rules/continuity.py); None for the years before.
    continuity: "ContinuityRule | None" = field(default=None, metadata=LATER)

    @property
    def id(self) -> str:
        return f"{self.province}/{self.region_code}/{self.coverage_year}"

    @cached_property
    def version(self) -> str:
        """A digest of every rule and figure, the same in every process: enrolments record it."""
        text = json.dumps(_canonical(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def tier(self, code: str | None) -> Tier | None:
        if code is None:
            return self.tiers[0]
        return next((t for t in self.tiers if t.code == code), None)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def channel(self, code: str) -> Cite | None:
        return next((cite for c, cite in self.channels if c == code), None)


def _canonical(value):
    """Plain, ordered data (sets sorted) so the digest does not depend on hash randomisation."""
    if is_dataclass(value):
        return {
            "@": type(value).__name__,
            **{
                f.name: _canonical(getattr(value, f.name))
                for f in fields(value)
                if not _unset_later(value, f)
            },
        }
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def _unset_later(value, found) -> bool:
    """A field added LATER that still holds its default."""
    later = found.metadata.get("digest") == LATER["digest"]
    return later and found.default is not MISSING and getattr(value, found.name) == found.default
