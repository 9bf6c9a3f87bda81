"""A policy as the quote contract shows it (docs/contract/quote.graphql), plus its open parameters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from yibao.core.rules import policy as rules
from yibao.core.rules.diff import Change, Difference, Fact
from yibao.core.rules.result import ZERO
from yibao.core.rules.subsidies import ParameterUnset, tier_share
from yibao.core.rules.vocabulary import CHANNELS

CENT = Decimal("0.01")


def yuan(amount: Decimal | str | None) -> Decimal | None:
    return None if amount is None else Decimal(amount).quantize(CENT)


@strawberry.type
class PolicyDocument:
    number: str = strawberry.field(description="As printed, e.g. 东政办〔2021〕6号.")
    title: str


@strawberry.type
class Tier:
    code: str
    name: str
    personal_contribution: Decimal
    student_contribution: Decimal | None = strawberry.field(
        default=None, description="College-student personal share where the notice prints one."
    )
    outpatient_limit: Decimal | None = strawberry.field(
        default=None, description="门诊统筹 annual payment limit for this tier, where stated."
    )

    @classmethod
    def of(cls, policy: rules.Policy, tier: rules.Tier, configured: dict[str, str]) -> Tier:
        try:
            personal = tier_share(policy, tier.code, configured)
        except ParameterUnset:  # a share the notice leaves open reads 0.00 until it is configured
            personal = ZERO
        return cls(
            code=tier.code,
            name=tier.name,
            personal_contribution=personal,
            student_contribution=yuan(tier.student_personal),
            outpatient_limit=yuan(tier.outpatient_limit),
        )


@strawberry.type(description="A figure the notice leaves to another rule; a deployment may set it.")
class PolicyParameter:
    name: str
    description: str
    citation: str = strawberry.field(description="The clause that leaves the figure open.")
    value: Decimal | None = strawberry.field(
        description="In force: configured, else the default; null if unset."
    )
    default: Decimal | None
    basis: str = strawberry.field(description="Where the default comes from.")


@strawberry.type(description="A payment channel the notice names, with the clause.")
class PolicyChannel:
    code: str = strawberry.field(description="What payments and enrolments send as `channel`.")
    wording: str = strawberry.field(description="The notice's words.")
    citation: str


@strawberry.type(
    description="A window in which a route admits payments (inclusive dates, China time), with its clause; "
    "the dashboard marks each closing date on the collection curve."
)
class PolicyWindow:
    key: str = strawberry.field(description="The route's stable name, e.g. centralized.")
    name: str = strawberry.field(description="The notice's wording, e.g. 集中参保登记缴费期限.")
    opens: date | None
    closes: date | None
    citation: str


@strawberry.type(description="Whether members enrol as a household: WHOLE (required) or PREFERRED.")
class HouseholdRule:
    mode: str
    citation: str


@strawberry.type
class Policy:
    id: strawberry.ID
    province: str
    region_code: str
    region_name: str
    coverage_year: int
    documents: list[PolicyDocument]
    tiers: list[Tier]
    parameters: list[PolicyParameter]
    channels: list[PolicyChannel] = strawberry.field(description="The payment channels the notice names.")
    household: HouseholdRule | None = strawberry.field(
        description="The notice's household rule; null where it sets none."
    )
    windows: list[PolicyWindow] = strawberry.field(
        description="Each route's payment window, in the policy's order (routes open all year included)."
    )

    @classmethod
    def of(cls, policy: rules.Policy, configured: dict[str, str]) -> Policy:
        return cls(
            id=strawberry.ID(policy.id),
            province=policy.province,
            region_code=policy.region_code,
            region_name=policy.region_name,
            coverage_year=policy.coverage_year,
            documents=[PolicyDocument(number=d.label, title=d.title) for d in policy.documents],
            tiers=[Tier.of(policy, t, configured) for t in policy.tiers],
            parameters=[
                PolicyParameter(
                    name=p.name,
                    description=p.description,
                    citation=str(p.cite),
                    value=yuan(configured.get(p.name, p.default)),
                    default=yuan(p.default),
                    basis=p.basis,
                )
                for p in policy.parameters
            ],
            channels=[
                PolicyChannel(code=code, wording=CHANNELS.get(code, code), citation=str(cite))
                for code, cite in policy.channels
            ],
            household=HouseholdRule(mode=str(policy.household.mode), citation=str(policy.household.cite))
            if policy.household
            else None,
            windows=[
                PolicyWindow(key=r.key, name=r.name, opens=r.opens, closes=r.closes, citation=str(r.cite))
                for r in policy.routes
            ],
        )


PolicyChangeKind = strawberry.enum(Change, name="PolicyChangeKind")


@strawberry.type(description="One side of a change: the value and the clause it comes from.")
class PolicyFact:
    value: str
    citation: str | None

    @classmethod
    def of(cls, fact: Fact | None) -> PolicyFact | None:
        return cls(value=fact.value, citation=str(fact.cite) if fact.cite else None) if fact else None


@strawberry.type
class PolicyChange:
    kind: PolicyChangeKind
    key: str = strawberry.field(
        description="What the fact is about, e.g. `tier.1.personal`, `grant.AGE_80_PLUS`."
    )
    subject: str
    before: PolicyFact | None
    after: PolicyFact | None

    @classmethod
    def of(cls, difference: Difference) -> PolicyChange:
        return cls(
            kind=difference.change,
            key=difference.key,
            subject=difference.subject,
            before=PolicyFact.of(difference.before),
            after=PolicyFact.of(difference.after),
        )


@strawberry.type
class PolicyDiff:
    from_policy: Policy = strawberry.field(name="from")
    to_policy: Policy = strawberry.field(name="to")
    changes: list[PolicyChange]
