"""Every policy's scenarios cover every amount it states and both sides of every date."""

from datetime import timedelta
from decimal import Decimal

import pytest

from yibao.core.rules.policy import Fixed, Policy
from yibao.core.testing import scenarios
from yibao.core.testing.scenarios import registry

MINIMUM_SCENARIOS = 20


def _scenarios_by_policy() -> dict[str, list[scenarios.Scenario]]:
    found: dict[str, list] = {}
    from yibao.core.plugins import plugin_manager

    for paths in plugin_manager().hook.yibao_scenario_paths():
        for path in scenarios.files(paths):
            for scenario in scenarios.load(path):
                found.setdefault(scenario.policy, []).append(scenario)
    return found


BY_POLICY = _scenarios_by_policy()
POLICIES = registry().policies()


def _ids(policy: Policy) -> str:
    return policy.id


def test_the_five_notices_are_loaded():
    assert {p.id for p in POLICIES} >= {
        "anhui/341721/2022",
        "anhui/341702/2024",
        "henan/411322/2022",
        "chongqing/500230/2022",
        "guizhou/520100/2022",
    }


@pytest.mark.parametrize("policy", POLICIES, ids=_ids)
def test_enough_scenarios(policy):
    assert len(BY_POLICY.get(policy.id, [])) >= MINIMUM_SCENARIOS


def stated_dates(policy: Policy):
    """(what, date, the scenario values that must appear on each side)."""
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


def _values(scenario: scenarios.Scenario, kind: str):
    if kind == "paidOn":
        return {scenario.paid_on}
    facts = scenario.request().person
    if kind == "birthDate":
        return {facts.birth_date}
    return {c.since for c in facts.categories}


@pytest.mark.parametrize("policy", POLICIES, ids=_ids)
def test_both_sides_of_every_date(policy):
    mine = BY_POLICY.get(policy.id, [])
    missing = []
    for what, kind, sides in stated_dates(policy):
        seen = set().union(*(_values(s, kind) for s in mine)) if mine else set()
        missing += [f"{what}: no scenario with {kind} = {d}" for d in sides if d not in seen]
    assert not missing, "\n".join(missing)


def stated_amounts(policy: Policy):
    """(field a scenario must expect it in, amount) for every figure the policy states."""
    for tier in policy.tiers:
        yield "personalContribution", tier.personal
        if tier.student_personal is not None:
            yield "personalContribution", tier.student_personal
    if isinstance(policy.fiscal_subsidy, Fixed):
        yield "fiscalSubsidy", policy.fiscal_subsidy.value
    for grant in policy.grants:
        amounts = grant.amount.values() if isinstance(grant.amount, dict) else [grant.amount]
        for amount in amounts:
            if (
                isinstance(amount, Fixed)
                and amount.value
                and amount.value <= max(t.personal for t in policy.tiers)
            ):
                yield "subsidy", amount.value


@pytest.mark.parametrize("policy", POLICIES, ids=_ids)
def test_every_amount_is_expected_somewhere(policy):
    mine = BY_POLICY.get(policy.id, [])
    missing = []
    for field, amount in stated_amounts(policy):
        if not any(field in s.expect and Decimal(str(s.expect[field])) == amount for s in mine):
            missing.append(f"no scenario expects {field} = {amount}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("policy", POLICIES, ids=_ids)
def test_every_accepted_scenario_explains_with_citations(policy):
    for scenario in BY_POLICY.get(policy.id, []):
        quote = registry().quote(scenario.request())
        if quote.accepted:
            assert quote.explanation and all(step.citation for step in quote.explanation), scenario.name
