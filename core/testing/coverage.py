"""Do a policy's scenarios cover what its notice states? The checks core's pytest plugin runs.

- at least MINIMUM_SCENARIOS scenarios per policy;
- every amount the policy states (each tier's share, a fixed fiscal subsidy, each fixed subsidy
  up to the largest share) expected by some scenario in the field that shows it;
- both sides of every date it states (a route's opening and closing day, the forfeiture date, a
  recognition cut-off, an age ground's birth date): the day itself and the day beyond;
- every step of every accepted scenario's explanation cites its clause.

Each check returns what is missing, one line each; nothing missing passes.
"""

from collections.abc import Iterator, Sequence
from datetime import timedelta
from decimal import Decimal

from ..rules.policy import Fixed, Policy
from ..rules.registry import Registry
from .cases import Scenario

MINIMUM_SCENARIOS = 20


def too_few(policy: Policy, scenarios: Sequence[Scenario]) -> list[str]:
    if len(scenarios) >= MINIMUM_SCENARIOS:
        return []
    return [f"{policy.id}: {len(scenarios)} scenarios, at least {MINIMUM_SCENARIOS} needed"]


def stated_dates(policy: Policy) -> Iterator[tuple[str, str, tuple]]:
    """(what, the scenario value it is about, the values that must appear on each side)."""
    day = timedelta(days=1)
    for route in policy.routes:
        if route.opens:
            yield f"route {route.key} opens", "paidOn", (route.opens - day, route.opens)
        if route.closes:
            yield f"route {route.key} closes", "paidOn", (route.closes, route.closes + day)
    if policy.forfeit:
        yield "fiscal subsidy forfeited after", "paidOn", (policy.forfeit.after, policy.forfeit.after + day)
    for grant in policy.grants:
        if grant.recognised_by:
            yield f"{grant.code} recognised by", "since", (grant.recognised_by, grant.recognised_by + day)
        if grant.born_on_or_before:
            yield (
                f"{grant.code} born by",
                "birthDate",
                (grant.born_on_or_before, grant.born_on_or_before + day),
            )


def _values(scenario: Scenario, kind: str) -> set:
    if kind == "paidOn":
        return {scenario.paid_on}
    facts = scenario.request().person
    if kind == "birthDate":
        return {facts.birth_date}
    return {c.since for c in facts.categories}


def missing_dates(policy: Policy, scenarios: Sequence[Scenario]) -> list[str]:
    missing = []
    for what, kind, sides in stated_dates(policy):
        seen = set().union(*(_values(s, kind) for s in scenarios)) if scenarios else set()
        missing += [f"{what}: no scenario with {kind} = {d}" for d in sides if d not in seen]
    return missing


def stated_amounts(policy: Policy) -> Iterator[tuple[str, Decimal]]:
    """(the quote field a scenario must expect it in, amount) for every figure the policy states."""
    shares = [tier.personal for tier in policy.tiers if isinstance(tier.personal, Decimal)]
    for tier in policy.tiers:
        if isinstance(tier.personal, Decimal):  # a share from a parameter is the deployment's figure
            yield "personalContribution", tier.personal
        if tier.student_personal is not None:
            yield "personalContribution", tier.student_personal
    if isinstance(policy.fiscal_subsidy, Fixed):
        yield "fiscalSubsidy", policy.fiscal_subsidy.value
    for grant in policy.grants:
        amounts = grant.amount.values() if isinstance(grant.amount, dict) else [grant.amount]
        for amount in amounts:
            if isinstance(amount, Fixed) and amount.value and shares and amount.value <= max(shares):
                yield "subsidy", amount.value


def missing_amounts(policy: Policy, scenarios: Sequence[Scenario]) -> list[str]:
    return [
        f"no scenario expects {field} = {amount}"
        for field, amount in stated_amounts(policy)
        if not any(field in s.expect and Decimal(str(s.expect[field])) == amount for s in scenarios)
    ]


def uncited_steps(registry: Registry, scenarios: Sequence[Scenario]) -> list[str]:
    missing = []
    for scenario in scenarios:
        quote = registry.quote(scenario.request())
        if quote.accepted and not quote.explanation:
            missing.append(f"{scenario.name}: accepted without an explanation")
        missing += [
            f"{scenario.name}: step {step.rule!r} cites no clause"
            for step in quote.explanation
            if quote.accepted and not step.citation
        ]
    return missing
