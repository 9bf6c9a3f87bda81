"""`policies`, `quote` and `policyDiff` over HTTP-free GraphQL: the registry answers, no database."""

import pytest

from tests.support.quotes import quote_input
from yibao.api.graphql.context import Context
from yibao.api.graphql.schema import default_schema
from yibao.core.plugins import plugin_manager
from yibao.core.testing import scenarios
from yibao.core.testing.scenarios import registry

QUOTE = """
query Quote($input: QuoteInput!) {
  quote(input: $input) {
    accepted rejectionReason tier personalContribution fiscalSubsidy subsidy subsidyCategory
    subsidyMethod amountDue refundDue refundedBy route waitingUntil coverageStart coverageEnd
    pendingParameters waitingMonths repairAmount incentive
    fundingShares { source amount }
    explanation { rule detail amount citation }
  }
}
"""


def run(query: str, rules=None, **variables):
    result = default_schema().execute_sync(
        query, variable_values=variables, context_value=Context(None, rules or registry())
    )
    return result


def data(query: str, rules=None, **variables) -> dict:
    result = run(query, rules, **variables)
    assert not result.errors, result.errors
    return result.data


ALL = [
    s
    for paths in plugin_manager().hook.yibao_scenario_paths()
    for f in scenarios.files(paths)
    for s in scenarios.load(f)
]


@pytest.mark.parametrize("scenario", ALL, ids=lambda s: f"{s.policy}: {s.name}")
def test_graphql_quote_answers_every_scenario(scenario):
    rules = registry()
    for name, value in (scenario.parameters or {}).items():
        rules = rules.with_parameters(scenario.policy, {name: value})
    answer = data(QUOTE, rules, input=quote_input(scenario))["quote"]
    expected = rules.quote(scenario.request()).as_contract()
    assert scenarios.mismatches(scenario.expect, {**answer, "explanation": None}) == []
    for key in expected:
        assert answer[key] == expected[key], key


def test_graphql_quote_answers_every_case_of_the_test_only_2025_policy():
    """The 2025 rules' cases (tests/plugin_packages/continuity) through GraphQL, history as facts."""
    from tests.support.continuity import CASES, with_continuity

    rules = with_continuity()
    for case in [c for path in scenarios.files([CASES]) for c in scenarios.load(path)]:
        answer = data(QUOTE, rules, input=quote_input(case))["quote"]
        expected = rules.quote(case.request()).as_contract()
        assert scenarios.mismatches(case.expect, {**answer, "explanation": None}) == [], case.name
        assert {key: answer[key] for key in expected} == expected, case.name


def test_policies_lists_the_five_notices_with_their_documents():
    found = {
        p["id"]: [d["number"] for d in p["documents"]]
        for p in data("{ policies { id documents { number } } }")["policies"]
    }
    assert found == {
        "anhui/341702/2024": ["贵医保组〔2023〕1号"],
        "anhui/341721/2022": ["东政办〔2021〕6号"],
        "chongqing/500230/2022": ["兴义府发〔2022〕3号", "渝医保发〔2021〕70号"],
        "guizhou/520100/2022": ["筑医保通〔2021〕34号"],
        "henan/411322/2022": ["方政办明电〔2021〕35号"],
    }


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("340000", {"anhui/341702/2024", "anhui/341721/2022"}),
        ("341721", {"anhui/341721/2022"}),
        ("341721001", {"anhui/341721/2022"}),
        ("520190", {"guizhou/520100/2022"}),
        ("500000", {"chongqing/500230/2022"}),
        ("110000", set()),
    ],
)
def test_policies_filter_by_region(region, expected):
    found = data("query($r: String) { policies(regionCode: $r) { id } }", r=region)["policies"]
    assert {p["id"] for p in found} == expected


def test_every_accepted_quote_step_cites_a_clause():
    answer = data(
        QUOTE,
        input={
            "policyId": "anhui/341721/2022",
            "paidOn": "2021-10-08",
            "person": {"birthDate": "1950-02-03", "categories": [{"code": "MINIMUM_LIVING"}]},
        },
    )
    steps = answer["quote"]["explanation"]
    assert len(steps) >= 4 and all(step["citation"] for step in steps)
    assert answer["quote"]["amountDue"] == "30.00"


def test_a_payment_the_rules_do_not_allow_is_a_rejected_quote_not_an_error():
    answer = data(
        QUOTE,
        input={
            "policyId": "anhui/341721/2022",
            "paidOn": "2021-09-19",
            "person": {"birthDate": "1980-01-01"},
        },
    )["quote"]
    assert answer["accepted"] is False and "2021-09-20" in answer["rejectionReason"]
    assert answer["coverageStart"] is None and answer["amountDue"] == "0.00"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"policyId": "anhui/2022"}, "input.policyId", "NOT_FOUND"),
        ({"tier": "3"}, "input.tier", "INVALID"),
        (
            {"person": {"birthDate": "1980-01-01", "categories": [{"code": "POOR"}]}},
            "input.person.categories.0.code",
            "INVALID",
        ),
        (
            {"person": {"birthDate": "1980-01-01", "events": [{"kind": "WEDDING", "on": "2021-10-01"}]}},
            "input.person.events.0.kind",
            "INVALID",
        ),
    ],
)
def test_invalid_quote_input_is_a_typed_error_naming_the_field(change, field, code):
    request = {
        "policyId": "anhui/341721/2022",
        "paidOn": "2021-10-08",
        "person": {"birthDate": "1980-01-01"},
        **change,
    }
    result = run(QUOTE, input=request)
    assert result.data is None
    errors = result.errors[0].extensions["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]


DIFF = """
query { policyDiff(from: "anhui/341721/2022", to: "anhui/341702/2024") {
  from { id } to { id }
  changes { kind key subject before { value citation } after { value citation } }
} }
"""


def test_policy_diff_shows_the_raised_share_and_the_new_age_subsidies_with_clauses():
    diff = data(DIFF)["policyDiff"]
    changes = {c["key"]: c for c in diff["changes"]}
    share = changes["tier.1.personal"]
    assert share["kind"] == "CHANGED"
    assert (share["before"]["value"], share["after"]["value"]) == ("320.00", "380.00")
    assert (
        share["before"]["citation"] == "东政办〔2021〕6号 二"
        and share["after"]["citation"] == "贵医保组〔2023〕1号 三"
    )
    for code, clause in (("AGE_100_PLUS", "三1"), ("AGE_80_PLUS", "三5")):
        added = changes[f"grant.{code}"]
        assert added["kind"] == "ADDED" and added["before"] is None
        assert added["after"]["citation"] == f"贵医保组〔2023〕1号 {clause}"
    assert changes["grant.MINIMUM_LIVING"]["after"]["value"].startswith("342.00")


def test_configured_parameters_show_in_policies(tmp_path, monkeypatch):
    from yibao.core.plugins import load_registry

    path = tmp_path / "parameters.toml"
    path.write_text('["henan/411322/2022"]\n"refund.MINIMUM_LIVING" = "150.00"\n', encoding="utf-8")
    monkeypatch.setenv("YIBAO_PARAMETERS", str(path))
    rules = load_registry()
    found = data('{ policies(regionCode: "411322") { parameters { name value default } } }', rules)[
        "policies"
    ][0]
    values = {p["name"]: (p["value"], p["default"]) for p in found["parameters"]}
    assert values["refund.MINIMUM_LIVING"] == ("150.00", None)
    assert values["fiscal_subsidy"] == ("580.00", "580.00")
    low_income = {
        "policyId": "henan/411322/2022",
        "paidOn": "2021-10-08",
        "person": {"birthDate": "1970-01-01", "categories": [{"code": "MINIMUM_LIVING"}]},
    }
    answer = data(QUOTE, rules, input=low_income)["quote"]
    assert (answer["subsidyMethod"], answer["amountDue"], answer["refundDue"]) == (
        "COLLECT_THEN_REFUND",
        "320.00",
        "150.00",
    )
