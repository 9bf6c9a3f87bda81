"""Each check of the plugin kit finds its problem and says how to fix it; a sound policy has none."""

import types
from dataclasses import replace
from datetime import date
from decimal import Decimal

from tests.support.continuity import POLICY as CONTINUITY_POLICY
from tests.support.policies import DOC, c, small_policy
from yibao.core.kit.checks import check_hooks, check_parameter_file, check_policy, covers
from yibao.core.plugins import HOOKS
from yibao.plugins import (
    Cite,
    ContinuityRule,
    Document,
    Event,
    FromParameter,
    Funding,
    FundingPart,
    Grant,
    Newborn,
    Parameter,
    Period,
    Route,
    Tier,
    WaitingRule,
    Waiver,
    hookimpl,
    incentive_parameters,
)

CENTRALIZED = Route("centralized", "集中缴费期", c("三"), opens=date(2029, 9, 1), closes=date(2029, 12, 31))


def problems(policy, declared=()) -> list[str]:
    return [str(problem) for problem in check_policy(policy.province, policy, declared)]


def test_a_sound_policy_has_no_problems():
    assert problems(small_policy()) == []


def test_a_route_that_an_earlier_one_covers_can_never_decide():
    later = Route("december", "十二月补缴", c("三（二）"), opens=date(2029, 12, 1), closes=date(2029, 12, 31))
    [found] = problems(small_policy(routes=(CENTRALIZED, later)))
    assert "缴费途径 december" in found and "永远不会生效" in found and "centralized" in found
    assert "把 december 移到 centralized 之前" in found


def test_a_narrower_population_first_or_a_wider_window_later_is_fine():
    newborns = replace(CENTRALIZED, key="newborn", newborn=Newborn(within=Period(months=3)))
    longer = replace(CENTRALIZED, key="longer", closes=date(2030, 1, 31))
    assert covers(CENTRALIZED, newborns)  # everyone, in the same window: newborns included
    assert not covers(newborns, CENTRALIZED) and not covers(CENTRALIZED, longer)
    assert problems(small_policy(routes=(newborns, CENTRALIZED, longer))) == []


def test_route_keys_are_unique():
    other = replace(CENTRALIZED, opens=date(2030, 1, 1), closes=date(2030, 3, 31))
    assert any(
        "重复" in p and "centralized" in p for p in problems(small_policy(routes=(CENTRALIZED, other)))
    )


def test_every_citation_names_a_document_and_a_clause():
    found = problems(small_policy(coverage_cite=Cite(DOC, " "), fiscal_cite=Cite("", "一")))
    assert any("coverage_cite" in p and "缺少条款" in p for p in found)
    assert any("fiscal_cite" in p and "缺少文件" in p for p in found)


def test_a_stated_value_needs_its_citation():
    tier = Tier("1", "统一标准", Decimal("400"), c("一"), student_personal=Decimal("280"))
    [found] = problems(small_policy(tiers=(tier,)))
    assert "student_personal 有值但没有出处" in found and "student_cite" in found


def test_unknown_codes_are_listed_with_the_nearest_one():
    grant = Grant(
        "MINIMUM_LIVNG",
        Decimal("300"),
        c("四"),
        funding=(Funding((FundingPart("COUNTY_FINANCES", ratio=1),), c("四")),),
    )
    route = replace(CENTRALIZED, event=Event(frozenset({"RELEASED_FROM_PRISN"})))
    waiver = replace(route, key="waived", waivers=(Waiver(c("五"), categories=frozenset({"ORPHANS"})),))
    found = "\n".join(
        problems(small_policy(grants=(grant,), routes=(route, waiver), channels=(("ALIPAYY", c("六")),)))
    )
    for code, nearest in (
        ("MINIMUM_LIVNG", "MINIMUM_LIVING"),
        ("COUNTY_FINANCES", "COUNTY_FINANCE"),
        ("RELEASED_FROM_PRISN", "RELEASED_FROM_PRISON"),
        ("ORPHANS", "ORPHAN"),
        ("ALIPAYY", "ALIPAY"),
    ):
        assert f"{code}（是否应为 {nearest}？" in found
    assert "可用：" in found and "EXTREME_POVERTY" in found


def test_a_declared_category_is_known():
    grant = Grant("LOCAL_HERO", Decimal("100"), c("四"))
    assert problems(small_policy(grants=(grant,)), declared={"LOCAL_HERO"}) == []


def test_a_parameter_must_be_declared():
    tier = Tier("1", "统一标准", FromParameter("tier.1.personl"), c("一"))
    declared = (Parameter("tier.1.personal", "个人缴费标准，通知未列明", c("一")),)
    [found] = problems(small_policy(tiers=(tier,), parameters=declared))
    assert "未声明的参数 tier.1.personl" in found and "是否应为 tier.1.personal" in found


def test_a_document_without_a_number_needs_its_issuer_and_date():
    bare = Document("", "某局关于做好参保工作的函")
    named = Document("", "某局关于做好参保工作的函", issuer="某市医疗保障局", issued_on=date(2029, 8, 1))
    [found] = problems(small_policy(documents=(bare,)))
    assert "既无文号" in found and "issuer=" in found
    assert problems(small_policy(documents=(named,))) == [] and named.label == "某市医疗保障局 2029-08-01"


def test_the_province_is_the_plugin_name():
    [found] = [str(p) for p in check_policy("other", small_policy(), ())]
    assert "province=" in found and "'other'" in found


def test_a_hook_typo_is_named_with_the_hook_it_should_be():
    module = types.ModuleType("yibao_typo")

    def yibao_policys():
        return []

    def yibao_categories():
        return []

    yibao_policys.__module__ = yibao_categories.__module__ = module.__name__
    module.yibao_policys = hookimpl(yibao_policys)
    module.yibao_categories = yibao_categories  # a real hook, but never marked: pluggy ignores it
    found = [str(p) for p in check_hooks(module, HOOKS, "yibao")]
    assert any("yibao_policys" in p and "改名为 yibao_policies" in p for p in found)
    assert any("yibao_categories" in p and "@hookimpl" in p for p in found)


def test_a_parameter_file_names_known_policies_and_parameters():
    policy = small_policy(parameters=(Parameter("refund.MINIMUM_LIVING", "返还金额", c("五")),))
    found = [
        str(p)
        for p in check_parameter_file(
            {"testing/110101/2030": {"refund.MINIMUM_LIVNG": "200.00"}, "testing/110101/2031": {}},
            {policy.id: policy},
        )
    ]
    assert any("没有参数 refund.MINIMUM_LIVNG" in p and "refund.MINIMUM_LIVING" in p for p in found)
    assert any("政策 testing/110101/2031 不存在" in p and "testing/110101/2030" in p for p in found)
    assert check_parameter_file({policy.id: {"refund.MINIMUM_LIVING": "200.00"}}, {policy.id: policy}) == []


def test_the_2025_waiting_rule_names_routes_and_categories_that_exist():
    waiting = WaitingRule(
        centralized_routes=frozenset({"centralised"}),
        exempt_routes=frozenset({"newborn"}),
        exempt_categories=frozenset({"MINIMUM_LIVNG"}),
    )
    found = problems(small_policy(routes=(CENTRALIZED,), continuity=ContinuityRule(waiting=waiting)))
    assert any("缴费途径 centralised 不存在" in p and "centralized" in p for p in found)
    assert any("缴费途径 newborn 不存在" in p for p in found)
    assert any(
        "等待期规则的免等待期人员" in p and "MINIMUM_LIVNG" in p and "MINIMUM_LIVING" in p for p in found
    )
    assert len(found) == 3
    sound = WaitingRule(exempt_categories=frozenset({"MINIMUM_LIVING"}))
    assert problems(small_policy(routes=(CENTRALIZED,), continuity=ContinuityRule(waiting=sound))) == []


def test_a_parameter_value_below_the_floor_a_higher_text_states_is_refused():
    policy = small_policy(parameters=incentive_parameters())
    values = {"incentive.continuous_per_year": "800", "incentive.zero_claim_per_year": "1000"}
    [found] = [str(p) for p in check_parameter_file({policy.id: values}, {policy.id: policy})]
    assert "incentive.continuous_per_year" in found and "低于 1000" in found


def test_only_core_s_national_defaults_may_cite_the_2025_text_without_a_clause():
    # The test-only 2025 policy keeps the national defaults (国办发〔2024〕38号, no clause: its clause
    # numbers could not be verified); it loads as a plugin would. A plugin's own cite needs a clause.
    assert problems(CONTINUITY_POLICY) == []
    own = ContinuityRule(waiting=WaitingRule(cite=Cite(DOC, "")))
    [found] = problems(small_policy(continuity=own))
    assert "continuity.waiting.cite 的出处缺少条款" in found
