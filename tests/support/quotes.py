"""Quote requests built from the plugins' YAML scenarios: every policy, route and category they cover."""

from yibao.core.plugins import plugin_manager
from yibao.core.testing import scenarios


def quote_input(scenario: scenarios.Scenario) -> dict:
    person = dict(scenario.person)
    person["birthDate"] = str(person["birthDate"])
    person["categories"] = [
        {**c, "since": c.get("since") and str(c["since"])} for c in person.get("categories", [])
    ]
    person["events"] = [
        {
            "kind": e["kind"],
            "on": str(e.get("on", e.get(True))),
            "priorContinuousMonths": e.get("priorContinuousMonths"),
        }
        for e in person.get("events", [])
    ]
    if "areaCode" in person:
        person["areaCode"] = str(person["areaCode"])
    return {
        "policyId": scenario.policy,
        "tier": scenario.tier,
        "paidOn": str(scenario.paid_on),
        "person": person,
    }


def all_scenarios() -> list[scenarios.Scenario]:
    return [
        s
        for paths in plugin_manager().hook.yibao_scenario_paths()
        for f in scenarios.files(paths)
        for s in scenarios.load(f)
    ]
