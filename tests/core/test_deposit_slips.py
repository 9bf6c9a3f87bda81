"""Deposit slips (缴款单, 方政办明电〔2021〕35号 四（三）): a village's cash paid in at a credit-union branch.

A batch is stored whole or not at all; the same slip again is answered unchanged, the same number
with other content is a CONFLICT; every refusal names the slip's index and field.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.support.concurrency import at_once
from tests.support.db_state import stored
from tests.support.graphql_client import gql
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import AuditEvent, DepositSlip
from yibao.core.services.deposit_slips import SlipBatch, SlipInput, record_deposit_slips
from yibao.core.services.regions import RegionInput, add_region

SHIZHI, FENGRUI = "411322001", "411322002"  # 释之街道, 凤瑞街道 of 方城县
EAST, WEST, OTHER = "411322001001", "411322001002", "411322002001"  # two villages of 释之, one of 凤瑞
COUNTY = Actor("admin-411322", "COUNTY_ADMIN", "411322")
SHIZHI_OFFICER = Actor("officer-shizhi", "TOWNSHIP_OFFICER", SHIZHI)


@pytest.fixture
def villages(engine):
    for code, parent, name in ((EAST, SHIZHI, "东村"), (WEST, SHIZHI, "西村"), (OTHER, FENGRUI, "凤村")):
        add_region(engine, COUNTY, RegionInput(code, parent, name))


def slip(number="JK-001", region=EAST, amount="3200.00", on=date(2021, 10, 15), **more) -> SlipInput:
    return SlipInput(
        number, region, Decimal(amount), on, more.get("branch", "释之信用社"), more.get("handler")
    )


def slips_of(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(DepositSlip).order_by(DepositSlip.slip_number)).all()
        return [(s.slip_number, s.region_code, s.coverage_year, s.amount_fen, s.deposited_on) for s in rows]


def test_a_batch_is_stored_with_its_village_handler_and_an_audit_event(engine, villages):
    outcomes = record_deposit_slips(
        engine,
        SHIZHI_OFFICER,
        SlipBatch(2022, [slip("JK-001", handler="协办员甲"), slip("JK-002", WEST, "640.50")]),
    )
    assert [(o.slip.slip_number, o.recorded) for o in outcomes] == [("JK-001", True), ("JK-002", True)]
    assert slips_of(engine) == [
        ("JK-001", EAST, 2022, 320000, date(2021, 10, 15)),
        ("JK-002", WEST, 2022, 64050, date(2021, 10, 15)),
    ]
    with Session(engine) as session:
        first = session.exec(select(DepositSlip).where(DepositSlip.slip_number == "JK-001")).one()
        assert (first.handler, first.branch, first.actor) == ("协办员甲", "释之信用社", "officer-shizhi")
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "deposit_slip")).all()
    assert actions == ["record_deposit_slip", "record_deposit_slip"]


def test_the_same_batch_again_changes_nothing(engine, villages):
    batch = SlipBatch(2022, [slip("JK-001"), slip("JK-002", WEST)])
    record_deposit_slips(engine, COUNTY, batch)
    before = stored(engine)
    again = record_deposit_slips(engine, SHIZHI_OFFICER, batch)  # another clerk resends it
    assert [o.recorded for o in again] == [False, False]
    assert stored(engine) == before


def test_a_stored_number_with_other_content_is_a_conflict_and_the_batch_stores_nothing(engine, villages):
    record_deposit_slips(engine, COUNTY, SlipBatch(2022, [slip("JK-001")]))
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        record_deposit_slips(
            engine, COUNTY, SlipBatch(2022, [slip("JK-009"), slip("JK-001", amount="3200.01")])
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("slips.1.slipNumber", "CONFLICT")]
    assert stored(engine) == before


def test_one_number_twice_in_a_batch_is_stored_once_or_refused_when_it_differs(engine, villages):
    twice = record_deposit_slips(engine, COUNTY, SlipBatch(2022, [slip("JK-001"), slip("JK-001")]))
    assert [o.recorded for o in twice] == [True] and len(slips_of(engine)) == 1
    with pytest.raises(InputError) as refused:
        record_deposit_slips(engine, COUNTY, SlipBatch(2022, [slip("JK-005"), slip("JK-005", WEST)]))
    assert [(e.field, e.code) for e in refused.value.errors] == [("slips.1.slipNumber", "CONFLICT")]
    assert len(slips_of(engine)) == 1


@pytest.mark.parametrize(
    "bad, field, code",
    [
        (slip("JK-X", amount="0"), "slips.1.amount", "INVALID"),
        (slip("JK-X", amount="-320"), "slips.1.amount", "INVALID"),
        (slip("JK-X", amount="320.001"), "slips.1.amount", "INVALID"),
        # in the future even for a run crossing midnight (this list is built at collection)
        (slip("JK-X", on=date.today() + timedelta(days=30)), "slips.1.depositedOn", "INVALID"),
        (slip("JK-X", on=None), "slips.1.depositedOn", "REQUIRED"),
        (slip("JK-X", region="411322001099"), "slips.1.regionCode", "NOT_FOUND"),
        (slip("JK-X", region=SHIZHI), "slips.1.regionCode", "INVALID"),  # 四（三）: the slip names a village
        (slip("JK-X", region=OTHER), "slips.1.regionCode", "FORBIDDEN"),  # 凤瑞's village
        (slip(" "), "slips.1.slipNumber", "REQUIRED"),
        (slip("JK-X", handler="甲" * 65), "slips.1.handler", "INVALID"),
    ],
)
def test_a_bad_slip_is_refused_naming_its_index_and_field_and_nothing_is_stored(
    engine, villages, bad, field, code
):
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        record_deposit_slips(engine, SHIZHI_OFFICER, SlipBatch(2022, [slip("JK-OK"), bad]))
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    assert stored(engine) == before


def test_an_empty_batch_is_refused(engine, villages):
    with pytest.raises(InputError) as refused:
        record_deposit_slips(engine, COUNTY, SlipBatch(2022, []))
    assert [(e.field, e.code) for e in refused.value.errors] == [("slips", "REQUIRED")]


def test_the_same_slip_sent_at_once_is_stored_once(engine, villages):
    batch = SlipBatch(2022, [slip("JK-RACE")])
    outcomes = at_once(4, lambda: record_deposit_slips(engine, COUNTY, batch)[0].recorded)
    assert sorted(outcomes) == [False, False, False, True]
    assert len(slips_of(engine)) == 1


RECORD = """
mutation($input: RecordDepositSlipsInput!) {
  recordDepositSlips(input: $input) {
    __typename
    ... on DepositSlips {
      slips { slipNumber regionCode coverageYear amount depositedOn branch handler recorded }
    }
    ... on InputErrors { errors { field code } }
  }
}"""


def test_the_mutation_records_slips_and_names_the_refused_field(engine, villages, client_as):
    clerk = client_as("VILLAGE_CLERK", EAST)
    entry = {"slipNumber": "JK-100", "regionCode": EAST, "amount": "960.00", "depositedOn": "2021-10-20"}
    done = gql(clerk, RECORD, input={"coverageYear": 2022, "slips": [entry | {"handler": "协办员乙"}]})
    assert done["recordDepositSlips"] == {
        "__typename": "DepositSlips",
        "slips": [
            {
                "slipNumber": "JK-100",
                "regionCode": EAST,
                "coverageYear": 2022,
                "amount": "960.00",
                "depositedOn": "2021-10-20",
                "branch": None,
                "handler": "协办员乙",
                "recorded": True,
            }
        ],
    }
    neighbour = {**entry, "slipNumber": "JK-101", "regionCode": WEST}  # not the clerk's village
    refused = gql(clerk, RECORD, input={"coverageYear": 2022, "slips": [neighbour]})["recordDepositSlips"]
    assert refused == {
        "__typename": "InputErrors",
        "errors": [{"field": "slips.0.regionCode", "code": "FORBIDDEN"}],
    }
    assert [row[0] for row in slips_of(engine)] == ["JK-100"]
