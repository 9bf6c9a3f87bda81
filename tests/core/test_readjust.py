"""Dongzhi's re-adjustment on the 12-31 roster (东政办〔2021〕6号 四（四）).

"对各类全额及定额资助对象以9月份在册人员先行征收，12月31日缴费工作结束后…再以12月31日在册人员
重新调整资助对象": one person leaves the 低保 roster on 2021-11-30, another joins it on 2021-12-01;
both paid in October on the September roster. 低保 gives 290 off the 320 share (四（三）1).
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from tests.support.concurrency import registered_people
from tests.support.db_state import stored
from yibao.api.cli import main
from yibao.core.audit import SYSTEM, Actor
from yibao.core.errors import InputError
from yibao.core.models import AuditEvent, Enrolment, Person, Settlement
from yibao.core.rules.registry import parse_parameters
from yibao.core.scope import Scope
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.change_table import HEADINGS, as_cells, change_table
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.payments import PaymentInput, record_payment
from yibao.core.services.pending import resolve_pending
from yibao.core.services.readjust import Decision, readjust_subsidies
from yibao.core.testing.scenarios import registry

DONGZHI = "anhui/341721/2022"
SEPTEMBER_ROSTER_PAYDAY = date(2021, 10, 8)


def _category(engine, person, since, until=None):
    rules = registry()
    record_category(
        engine, SYSTEM, CategoryInput(person, "MINIMUM_LIVING", since, until), rules.categories, None
    )


def _pay(engine, person, amount: str) -> int:
    rules = registry()
    enrolment = enrol(engine, SYSTEM, EnrolmentInput(person, 2022, DONGZHI, f"e{person}"), rules)
    data = PaymentInput(enrolment.id, Decimal(amount), SEPTEMBER_ROSTER_PAYDAY, "VILLAGE_CASH", f"p{person}")
    record_payment(engine, SYSTEM, data, rules)
    return enrolment.id


@pytest.fixture
def campaign(engine):
    leaving, joining, plain = registered_people(engine, 3)
    _category(engine, leaving, date(2021, 6, 1), until=date(2021, 11, 30))  # on the September roster
    ids = {
        "leaving": _pay(engine, leaving, "30"),  # 320 − 290
        "joining": _pay(engine, joining, "320"),  # not yet recognised in October
        "plain": _pay(engine, plain, "320"),
    }
    _category(engine, joining, date(2021, 12, 1))  # recognised before the 12-31 roster
    return ids


def test_the_12_31_roster_changes_both_and_leaves_the_rest_untouched(engine, campaign):
    with Session(engine) as session:
        plain_before = session.get(Enrolment, campaign["plain"]).model_dump()

    changes = readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 12, 31))

    by_enrolment = {c.enrolment_id: c for c in changes}
    assert set(by_enrolment) == {campaign["leaving"], campaign["joining"]}
    leaving, joining = by_enrolment[campaign["leaving"]], by_enrolment[campaign["joining"]]
    assert (leaving.before, leaving.after) == (
        Decision("MINIMUM_LIVING", Decimal("290"), Decimal("30")),
        Decision(None, Decimal("0"), Decimal("320")),
    )
    assert (joining.before, joining.after) == (
        Decision(None, Decimal("0"), Decimal("320")),
        Decision("MINIMUM_LIVING", Decimal("290"), Decimal("30")),
    )
    assert leaving.paid_on == joining.paid_on == SEPTEMBER_ROSTER_PAYDAY
    with Session(engine) as session:
        row = session.get(Enrolment, campaign["joining"])
        assert (row.subsidy_category, row.subsidy_fen, row.amount_due_fen) == ("MINIMUM_LIVING", 29000, 3000)
        assert row.snapshot["readjusted"]["asOf"] == "2021-12-31"
        assert row.snapshot["readjusted"]["before"] == {
            "subsidyCategory": None,
            "subsidy": "0.00",
            "amountDue": "320.00",
        }
        assert row.snapshot["quote"]["amountDue"] == "320.00"  # what was paid stays as decided
        assert session.get(Enrolment, campaign["plain"]).model_dump() == plain_before
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.action == "readjust_subsidy")).all()
        assert len(actions) == 2


def test_running_it_twice_changes_nothing_the_second_time(engine, campaign):
    readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 12, 31))
    before = stored(engine)

    assert readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 12, 31)) == []
    assert stored(engine) == before


def test_on_the_september_roster_nobody_changes(engine, campaign):
    before = stored(engine)
    assert readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 9, 30)) == []
    assert stored(engine) == before


def test_outside_the_callers_region_it_is_refused(engine, campaign):
    township = Actor(name="officer", role="TOWNSHIP_OFFICER", region_code="341702001")
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        readjust_subsidies(engine, township, registry(), DONGZHI, date(2021, 12, 31), "341721")
    assert [(e.field, e.code) for e in refused.value.errors] == [("regionCode", "FORBIDDEN")]
    # Without a region filter it sees nothing of 东至 and changes nothing.
    assert readjust_subsidies(engine, township, registry(), DONGZHI, date(2021, 12, 31)) == []
    assert stored(engine) == before


def test_the_cli_prints_the_table_of_changes(engine, campaign, monkeypatch, capsys):
    monkeypatch.setenv("YIBAO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    main(["roster", "readjust", "--policy", DONGZHI, "--as-of", "2021-12-31", "--region", "341721"])
    out = capsys.readouterr().out.splitlines()

    assert out[-1] == "2 changed"
    rows = sorted(line.split("\t")[3:] for line in out[1:-1])
    assert rows == sorted(
        [["MINIMUM_LIVING/290.00/30.00", "-/0.00/320.00"], ["-/0.00/320.00", "MINIMUM_LIVING/290.00/30.00"]]
    )


# --- Settlement items: what a re-adjustment changes in money (core/services/settlements.py) ---


def _items(engine) -> dict[int, tuple]:
    with Session(engine) as session:
        return {
            item.enrolment_id: (item.difference_fen, item.paid_fen, item.party, item.status)
            for item in session.exec(select(Settlement))
        }


def test_each_changed_amount_due_becomes_an_unsettled_item_until_the_policy_names_who_settles(
    engine, campaign
):
    """四（四） says nothing of the money: the difference is kept, its settlement left open."""
    readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 12, 31))

    assert _items(engine) == {
        campaign["leaving"]: (29000, 3000, None, "UNSETTLED"),  # paid 30, now owes 320
        campaign["joining"]: (-29000, 32000, None, "UNSETTLED"),  # paid 320, now owes 30
    }
    with Session(engine) as session:
        [citation] = set(session.exec(select(Settlement.citation)).all())
    assert citation == "东政办〔2021〕6号 四（四）"
    # Re-running on the same roster adds nothing: one item per enrolment and roster.
    readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 12, 31))
    assert len(_items(engine)) == 2


@pytest.mark.parametrize("party", ["PERSON", "FUNDING_DEPARTMENT"])
def test_once_the_deployment_names_who_settles_every_item_is_owed_by_or_to_that_party(
    engine, campaign, party
):
    readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 12, 31))
    configured = registry().with_parameters(DONGZHI, {"readjustment.settlement": party})

    assert resolve_pending(engine, configured) == 2

    assert {e: item[2:] for e, item in _items(engine).items()} == {
        campaign["leaving"]: (party, "OWED"),
        campaign["joining"]: (party, "OWED"),
    }
    assert resolve_pending(engine, configured) == 0


def test_with_the_choice_already_set_the_items_are_owed_at_once(engine, campaign):
    configured = registry().with_parameters(DONGZHI, {"readjustment.settlement": "PERSON"})
    readjust_subsidies(engine, SYSTEM, configured, DONGZHI, date(2021, 12, 31))
    assert {item[2:] for item in _items(engine).values()} == {("PERSON", "OWED")}


def test_a_settlement_choice_outside_the_named_ones_is_refused_at_start_up():
    policies = {p.id: p for p in registry().policies()}
    with pytest.raises(ValueError, match="PERSON、FUNDING_DEPARTMENT"):
        parse_parameters({DONGZHI: {"readjustment.settlement": "SPLIT"}}, policies)


def test_a_policy_that_names_no_readjustment_is_not_readjusted(engine):
    """贵医保组〔2023〕1号 三9: "9月1日后特殊群体属性的变更，不享受今年政府资助参保政策"."""
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        readjust_subsidies(engine, SYSTEM, registry(), "anhui/341702/2024", date(2023, 12, 31))
    assert [(e.field, e.code) for e in refused.value.errors] == [("policyId", "INVALID")]
    assert stored(engine) == before


def test_the_change_table_shows_each_settlement_item(engine, campaign):
    readjust_subsidies(engine, SYSTEM, registry(), DONGZHI, date(2021, 12, 31))
    with Session(engine) as session:
        rows = [
            r
            for r in change_table(session, Scope(path=None), registry(), "341721", 2022)
            if r.change == "READJUSTED"
        ]
        names = {e.id: session.get(Person, e.person_id).name for e in session.exec(select(Enrolment))}
    assert sorted(
        (
            r.name,
            r.category_before,
            r.category_after,
            r.amount_before,
            r.amount_after,
            r.settlement,
            r.settlement_status,
        )
        for r in rows
    ) == sorted(
        [
            (
                names[campaign["leaving"]],
                "MINIMUM_LIVING",
                None,
                Decimal("30.00"),
                Decimal("320.00"),
                Decimal("290.00"),
                "UNSETTLED",
            ),
            (
                names[campaign["joining"]],
                None,
                "MINIMUM_LIVING",
                Decimal("320.00"),
                Decimal("30.00"),
                Decimal("-290.00"),
                "UNSETTLED",
            ),
        ]
    )
    cells = as_cells(rows[0], registry().categories)
    assert cells[0] == "调整" and cells[-1] == "未定结算方式" and len(cells) == len(HEADINGS)
