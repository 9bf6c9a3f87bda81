"""The notices' payment channels: each policy names its own, and nothing else is taken.

Also: one contribution per enrolment — a payment into an enrolment already PAID is refused.
"""

from datetime import date
from decimal import Decimal

import pytest

from tests.support.concurrency import registered_people
from tests.support.db_state import stored
from yibao.core.audit import SYSTEM
from yibao.core.errors import InputError
from yibao.core.rules.vocabulary import CHANNELS
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.testing.scenarios import registry

DONGZHI = "anhui/341721/2022"

# What each notice names, read from the notices (seeds/000 … 004), independently of the plugins.
NAMED = {
    DONGZHI: {
        "WECHAT_OFFICIAL_ACCOUNT",
        "WANSHITONG",
        "PROVINCIAL_PC_SYSTEM",
        "VILLAGE_CASH",
        "FOUR_CODES_IN_ONE",
    },
    "henan/411322/2022": {
        "VILLAGE_CASH",
        "CREDIT_UNION_COUNTER",
        "HENAN_TAX",
        "ALIPAY",
        "TAX_TERMINAL",
        "SCHOOL",
    },
    "chongqing/500230/2022": {"CHONGQING_TAX", "BANK_CARD_AT_VILLAGE"},
    "anhui/341702/2024": {
        "WECHAT_OFFICIAL_ACCOUNT",
        "ALIPAY",
        "WANSHITONG",
        "ANHUI_MEDICAL_PLATFORM",
        "ANHUI_TAX_MINI_PROGRAM",
        "COLLECTION_POINT",
        "TAX_HALL",
    },
    "guizhou/520100/2022": {"TAX_MULTI_CHANNEL", "SCHOOL", "VILLAGE_CASH"},
}


@pytest.mark.parametrize("policy_id", sorted(NAMED))
def test_each_policy_names_its_notices_channels_with_a_clause_of_its_own_document(policy_id):
    policy = registry().get(policy_id)
    assert {code for code, _ in policy.channels} == NAMED[policy_id]
    for code, cite in policy.channels:
        assert code in CHANNELS
        assert cite.document == policy.documents[0].number and cite.clause


def _enrolment(engine, channel=None, key="e1") -> int:
    [person] = registered_people(engine, 1)
    return enrol(engine, SYSTEM, EnrolmentInput(person, 2022, DONGZHI, key, channel=channel), registry()).id


def _pay(engine, enrolment_id, channel="WECHAT_OFFICIAL_ACCOUNT", key="p1", amount="320"):
    data = PaymentInput(enrolment_id, Decimal(amount), date(2021, 10, 8), channel, key)
    return record_payment(engine, SYSTEM, data, registry())


def test_a_channel_the_notice_does_not_name_is_refused_listing_the_allowed_wordings(engine):
    enrolment_id = _enrolment(engine)
    before = stored(engine)

    with pytest.raises(InputError) as refused:
        _pay(engine, enrolment_id, channel="ALIPAY")  # 东政办〔2021〕6号 does not name 支付宝

    [error] = refused.value.errors
    assert (error.field, error.code) == ("channel", "INVALID")
    assert (
        "微信公众号" in error.message and "皖事通APP" in error.message and "（VILLAGE_CASH）" in error.message
    )
    assert "支付宝" not in error.message.split("可选：")[1]
    assert stored(engine) == before
    assert _pay(engine, enrolment_id, channel="WANSHITONG").channel == "WANSHITONG"


def test_an_enrolment_with_an_unnamed_channel_is_refused_and_a_named_one_is_kept(engine):
    [person] = registered_people(engine, 1)
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        enrol(engine, SYSTEM, EnrolmentInput(person, 2022, DONGZHI, "e1", channel="CASH"), registry())
    assert [(e.field, e.code) for e in refused.value.errors] == [("channel", "INVALID")]
    assert stored(engine) == before

    kept = enrol(
        engine, SYSTEM, EnrolmentInput(person, 2022, DONGZHI, "e1", channel="VILLAGE_CASH"), registry()
    )
    assert kept.channel == "VILLAGE_CASH"


def test_a_second_payment_into_a_paid_enrolment_is_refused_naming_the_receipt(engine):
    enrolment_id = _enrolment(engine)
    first = _pay(engine, enrolment_id)
    before = stored(engine)

    with pytest.raises(InputError) as refused:
        _pay(engine, enrolment_id, key="p2")

    [error] = refused.value.errors
    assert (error.field, error.code) == ("enrolmentId", "CONFLICT")
    assert f"该参保登记已缴费（收据号 {first.receipt_number}）" in error.message
    assert stored(engine) == before
    assert _pay(engine, enrolment_id).id == first.id  # the same key is still a replay, not a refusal

    # Once reversed, nothing stands paid and a new payment is taken.
    reverse_payment(engine, SYSTEM, ReversalInput(first.id, "重复", "r1"))
    again = _pay(engine, enrolment_id, key="p3")
    assert again.id != first.id and again.receipt_number.endswith("00000003")
