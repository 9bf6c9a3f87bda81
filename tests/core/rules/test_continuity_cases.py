"""The YAML cases of the test-only 2025 policy (tests/plugin_packages/continuity), and what YAML
cannot state: figures pending their parameters, impossible histories, and the explanation's clauses."""

from datetime import date

import pytest

from tests.support.continuity import CASES, POLICY_ID, with_continuity
from yibao.core.errors import InputError
from yibao.core.rules.facts import Continuity, PersonFacts, QuoteRequest
from yibao.core.testing.scenarios import files, load, mismatches

CASE_LIST = [case for path in files([CASES]) for case in load(path)]


@pytest.fixture(scope="module")
def rules():
    return with_continuity()


def test_there_are_at_least_twenty_cases():
    assert len(CASE_LIST) >= 20


@pytest.mark.parametrize("case", CASE_LIST, ids=lambda c: c.name)
def test_case(rules, case):
    quote = rules.quote(case.request())
    assert mismatches(case.expect, quote.as_contract()) == [], [
        f"{s.rule}: {s.detail} [{s.citation}]" for s in quote.explanation
    ]


def quote(rules, history: Continuity, paid_on=date(2024, 11, 20)):
    facts = PersonFacts(date(1975, 5, 5), continuity=history)
    return rules.quote(QuoteRequest(POLICY_ID, paid_on, facts))


def test_the_waiting_period_explains_each_part_with_the_national_document(rules):
    found = quote(rules, Continuity(lapsed_years=2, repair_years=1))
    steps = {s.rule: s for s in found.explanation}
    assert "3个月" in steps["固定待遇等待期 fixed waiting period"].detail
    assert "1个月" in steps["变动待遇等待期 variable waiting period"].detail
    assert "减少变动待遇等待期1个月" in steps["缴费修复 repair"].detail
    for rule in ("固定待遇等待期 fixed waiting period", "缴费修复 repair payment", "等待期 waiting period"):
        assert steps[rule].citation == "国办发〔2024〕38号"


def test_incentive_figures_wait_for_their_parameters_and_the_amount_due_does_not():
    found = quote(with_continuity(parameters={}), Continuity(continuous_years=4))
    assert found.accepted and str(found.amount_due) == "400.00"
    assert str(found.incentive) == "0.00"
    assert set(found.pending) == {"incentive.continuous_per_year", "critical_illness.cap"}


def test_without_the_cap_parameter_the_raise_is_given_and_the_cap_pending():
    rules = with_continuity(parameters={"incentive.continuous_per_year": "1500"})
    found = quote(rules, Continuity(continuous_years=5))
    assert str(found.incentive) == "3000.00"
    assert found.pending == ["critical_illness.cap"]


@pytest.mark.parametrize(
    "history, field",
    [
        (Continuity(lapsed_years=1, repair_years=2), "person.continuity.repairYears"),
        (Continuity(continuous_years=2, lapsed_years=1), "person.continuity.lapsedYears"),
        (Continuity(continuous_years=1, zero_claim_years=2), "person.continuity.zeroClaimYears"),
        (Continuity(lapsed_years=-1), "person.continuity.lapsedYears"),
    ],
)
def test_an_impossible_history_is_refused_naming_the_field(rules, history, field):
    with pytest.raises(InputError) as refused:
        quote(rules, history)
    assert field in [e.field for e in refused.value.errors]


def test_a_policy_without_the_2025_rules_ignores_the_history():
    # 东至县 2022: a lapse before 2025 changes nothing (the national rules start with 2025).
    rules = with_continuity()
    facts = PersonFacts(date(1975, 5, 5), continuity=Continuity(lapsed_years=3))
    found = rules.quote(QuoteRequest("anhui/341721/2022", date(2021, 10, 8), facts))
    assert found.accepted and found.coverage_start == date(2022, 1, 1) and found.waiting_months is None


def test_a_deployment_may_not_set_an_incentive_below_the_national_floor():
    from tests.support.continuity import POLICY
    from yibao.core.rules.registry import parse_parameters

    with pytest.raises(ValueError, match="低于 1000"):
        parse_parameters({POLICY_ID: {"incentive.continuous_per_year": "800"}}, {POLICY_ID: POLICY})
