"""A figure a notice leaves open never blocks a quote whose amount due does not depend on it.

方政办明电〔2021〕35号 二（一） collects the full 320 from every 先征后返 person and returns the subsidy
afterwards "按照规定标准", which the notice does not print: the payment is taken now and the
refund waits for its parameter. An open figure the amount due does depend on still refuses.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from yibao.core.rules.facts import CategoryFact, PersonFacts, QuoteRequest
from yibao.core.rules.policy import FromParameter, Grant, Method, Parameter
from yibao.core.rules.registry import Registry
from yibao.core.testing.scenarios import registry

HENAN = "henan/411322/2022"
PAID_ON = date(2021, 10, 8)


def henan_quote(*codes: str, rules: Registry | None = None):
    person = PersonFacts(date(1970, 1, 1), categories=tuple(CategoryFact(code) for code in codes))
    return (rules or registry()).quote(QuoteRequest(HENAN, PAID_ON, person))


def test_an_unset_refund_takes_the_full_share_and_names_the_parameter_it_waits_for():
    quote = henan_quote("MINIMUM_LIVING")
    assert quote.accepted and quote.amount_due == Decimal("320.00")
    assert (quote.refund_due, quote.subsidy) == (Decimal("0.00"), Decimal("0.00"))
    assert quote.pending == ["refund.MINIMUM_LIVING"]
    assert (quote.subsidy_category, quote.refunded_by) == ("MINIMUM_LIVING", "CIVIL_AFFAIRS")
    assert quote.as_contract()["pendingParameters"] == ["refund.MINIMUM_LIVING"]
    assert any("待参数 refund.MINIMUM_LIVING" in step.detail for step in quote.explanation)


def test_two_unset_refunds_leave_the_ground_open_until_both_are_known():
    quote = henan_quote("MINIMUM_LIVING", "OUT_OF_POVERTY")
    assert quote.accepted and quote.amount_due == Decimal("320.00")
    assert sorted(quote.pending) == ["refund.MINIMUM_LIVING", "refund.OUT_OF_POVERTY"]
    assert quote.subsidy_category is None and quote.refunded_by is None


def test_a_known_refund_that_an_unset_one_could_beat_waits_too():
    rules = registry().with_parameters(HENAN, {"refund.MINIMUM_LIVING": "200"})
    quote = henan_quote("MINIMUM_LIVING", "OUT_OF_POVERTY", rules=rules)
    assert quote.pending == ["refund.OUT_OF_POVERTY"] and quote.refund_due == 0
    both = rules.with_parameters(HENAN, {"refund.OUT_OF_POVERTY": "150"})
    decided = henan_quote("MINIMUM_LIVING", "OUT_OF_POVERTY", rules=both)
    assert decided.pending == [] and (decided.subsidy_category, decided.refund_due) == ("MINIMUM_LIVING", 200)


def test_a_full_upfront_subsidy_cannot_be_beaten_so_nothing_waits():
    quote = henan_quote("EXTREME_POVERTY", "MINIMUM_LIVING")
    assert quote.accepted and quote.pending == [] and quote.amount_due == 0


def _with(policy_id: str, **changes) -> Registry:
    base = registry()
    policies = [replace(p, **changes) if p.id == policy_id else p for p in base.policies()]
    return Registry(policies)


def test_an_unset_upfront_subsidy_decides_the_amount_due_and_still_refuses():
    dongzhi = registry().get("anhui/341721/2022")
    open_grant = Grant("MINIMUM_LIVING", FromParameter("open"), dongzhi.grants[0].cite, Method.UPFRONT)
    rules = _with(
        dongzhi.id,
        grants=(open_grant,),
        parameters=(*dongzhi.parameters, Parameter("open", "test", dongzhi.grants[0].cite)),
    )
    person = PersonFacts(date(1970, 1, 1), categories=(CategoryFact("MINIMUM_LIVING"),))
    quote = rules.quote(QuoteRequest(dongzhi.id, date(2021, 10, 8), person))
    assert not quote.accepted and "open" in quote.rejection_reason


def test_an_unset_fiscal_subsidy_waits_unless_a_late_payer_is_charged_it():
    fengdu = registry().get("chongqing/500230/2022")
    unset = tuple(replace(p, default=None) if p.name == "fiscal_subsidy" else p for p in fengdu.parameters)
    rules = _with(fengdu.id, parameters=unset)
    person = PersonFacts(date(1970, 1, 1))
    on_time = rules.quote(QuoteRequest(fengdu.id, date(2022, 1, 10), person))
    assert on_time.accepted and on_time.pending == ["fiscal_subsidy"]
    assert on_time.amount_due == Decimal("320.00") and on_time.fiscal_subsidy == 0
    late = rules.quote(QuoteRequest(fengdu.id, date(2022, 8, 1), person))  # after 06-30: share + subsidy
    assert not late.accepted and "fiscal_subsidy" in late.rejection_reason
    configured = rules.with_parameters(fengdu.id, {"fiscal_subsidy": "610"}).quote(
        QuoteRequest(fengdu.id, date(2022, 8, 1), person)
    )
    assert configured.accepted and configured.amount_due == Decimal("930.00")
