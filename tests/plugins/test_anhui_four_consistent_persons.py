"""“四个一致” person by person (东政办〔2021〕6号 五（二）), and 参保 excluding the unpaid and the refused
in every anhui report.

The 12-31 re-adjustment (四（四）, core/services/readjust.py as it is) raises one paid person's
amount due by 290 and lowers another's by 290: the township's sums still agree, and only a check
per person finds the two. The expected figures are typed from the notice (320, 低保 30), never
read back from the reports.
"""

from datetime import date
from decimal import Decimal

from tests.support.anhui import (
    DADUKOU,
    DONGLIU,
    DONGZHI,
    DONGZHI_POLICY,
    GUICHI,
    GUICHI_POLICY,
    RULES,
    WUSHA_A,
    YAODU,
    YAODU_VILLAGE,
    expected_four,
    paid_now,
    resident,
    run,
)
from tests.support.counting import refused
from tests.support.graphql_client import gql
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.payments import PaymentInput, record_payment
from yibao.core.services.readjust import readjust_subsidies
from yibao.core.services.termination import TerminationInput, terminate_enrolment

PAID_ON = date(2021, 10, 8)


def category(engine, person_id: int, since: date, until: date | None = None) -> None:
    record_category(
        engine, DONGZHI, CategoryInput(person_id, "MINIMUM_LIVING", since, until), RULES.categories, None
    )


def paid(engine, person_id: int, amount: str):
    enrolment = enrol(
        engine, DONGZHI, EnrolmentInput(person_id, 2022, DONGZHI_POLICY, f"e-{person_id}", on=PAID_ON), RULES
    )
    data = PaymentInput(enrolment.id, Decimal(amount), PAID_ON, "VILLAGE_CASH", f"p-{person_id}")
    record_payment(engine, DONGZHI, data, RULES)
    return enrolment


def by_code(result) -> dict:
    return {row["unit_code"]: row for row in result.dicts()}


def test_opposite_readjustments_cancel_in_the_sums_but_both_persons_are_flagged(dongzhi, engine):  # noqa: F811 (the fixtures imported above)
    raised, lowered = resident(engine, DONGZHI, DADUKOU), resident(engine, DONGZHI, DADUKOU)
    category(engine, raised.id, date(2021, 7, 1), until=date(2021, 11, 30))  # 低保 ends before 12-31
    paid(engine, raised.id, "30.00")  # 320 − 290 (四（三）1)
    paid(engine, lowered.id, "320.00")
    before = by_code(run(engine, "anhui_four_consistent", "341721", 2022))[DADUKOU]
    assert (before["disagreeing"], before["consistent"]) == (0, True)

    category(engine, lowered.id, date(2021, 11, 1))  # 低保 recognised after paying
    changes = readjust_subsidies(engine, DONGZHI, RULES, DONGZHI_POLICY, date(2021, 12, 31))
    assert {c.person_id: c.after.amount_due for c in changes} == {
        raised.id: Decimal("320.00"),
        lowered.id: Decimal("30.00"),
    }

    township = by_code(run(engine, "anhui_four_consistent", "341721", 2022))[DADUKOU]
    # 30 + 320 collected against 320 + 30 due, two receipts for two persons on the roster: in sums
    # the four agree, and would have been called consistent.
    assert (township["funds"], township["amount_due"]) == (Decimal("350.00"), Decimal("350.00"))
    assert township["headcount"] == township["roster"] == township["receipts"] == 2
    assert (township["disagreeing"], township["consistent"]) == (2, False)

    listed = run(engine, "anhui_four_consistent_persons", "341721", 2022).dicts()
    flagged = {r["name"]: r for r in listed if r["village_code"] == DADUKOU}
    assert set(flagged) == {raised.name, lowered.name}
    owes = flagged[raised.name]
    assert (owes["funds"], owes["amount_due"], owes["difference"]) == (
        Decimal("30.00"),
        Decimal("320.00"),
        Decimal("-290.00"),
    )
    assert owes["codes"] == "AMOUNT" and "少收 290.00 元" in owes["reason"]
    owed = flagged[lowered.name]
    assert (owed["funds"], owed["amount_due"], owed["difference"]) == (
        Decimal("320.00"),
        Decimal("30.00"),
        Decimal("290.00"),
    )
    assert owed["codes"] == "AMOUNT" and "多收 290.00 元" in owed["reason"]
    assert (owed["on_roster"], owed["insured"], owed["receipts"]) == (True, True, 1)


def test_the_persons_who_disagree_are_listed_per_village_with_what_disagrees(dongzhi, engine):  # noqa: F811 (the fixtures imported above)
    terminate_enrolment(
        engine, DONGZHI, RULES, TerminationInput(dongzhi[0].id, "死亡", requested_on=date.today())
    )
    rows = run(engine, "anhui_four_consistent_persons", "341721", 2022).dicts()
    # DONGZHI_FIXTURE: 0 terminated with its receipt standing; 5 never paid; 6 paid and reversed.
    assert [(r["village_code"], r["codes"]) for r in rows] == [
        (YAODU_VILLAGE, "OFF_ROSTER"),
        (DONGLIU, "UNPAID"),
        ("341721002001", "UNPAID"),
    ]
    assert rows[0]["reason"] == "已不在参保花名册，仍有收据或参保资金（收据 1 张，资金 320.00 元）"
    assert (rows[0]["on_roster"], rows[0]["amount_due"], rows[0]["difference"]) == (
        False,
        None,
        Decimal("320.00"),
    )
    assert rows[2]["reason"] == "在参保花名册但无收据（未缴费或已冲正）"
    # The summary counts the same persons.
    summary = expected_four(terminated={0})
    assert sum(row[7] for row in summary) == len(rows)


def test_the_list_masks_id_numbers_for_the_auditor_and_not_for_the_county(dongzhi, client_as):  # noqa: F811 (the fixtures imported above)
    query = """{ reports { anhuiFourConsistentPersons(regionCode: "341721", coverageYear: 2022) {
                 rows { name idNumber codes } } } }"""
    county = gql(client_as("COUNTY_ADMIN", "341721"), query)["reports"]["anhuiFourConsistentPersons"]
    auditor = gql(client_as("AUDITOR", "341721"), query)["reports"]["anhuiFourConsistentPersons"]
    assert [r["name"] for r in county["rows"]] == [r["name"] for r in auditor["rows"]]
    assert all("*" not in r["idNumber"] for r in county["rows"])
    assert all(r["idNumber"][4:-4] == "*" * 10 for r in auditor["rows"])


def test_refused_and_unpaid_enrolments_are_insured_in_no_anhui_report(dongzhi, guichi, engine):  # noqa: F811 (the fixtures imported above)
    # 一: the 东至 window opens 2021-09-20; 五: 贵池's on 2023-09-10. Registered before: refused.
    refused(engine, DONGZHI, resident(engine, DONGZHI, YAODU_VILLAGE).id, DONGZHI_POLICY, date(2021, 9, 1))
    refused(engine, GUICHI, resident(engine, GUICHI, WUSHA_A).id, GUICHI_POLICY, date(2023, 9, 1))

    yaodu = by_code(run(engine, "anhui_four_consistent", "341721", 2022))[YAODU]
    want = next(row for row in expected_four() if row[0] == YAODU)
    assert (yaodu["headcount"], yaodu["roster"]) == (want[3], want[4] + 1)  # on the roster, not 参保
    assert (yaodu["disagreeing"], yaodu["consistent"]) == (1, False)
    listed = run(engine, "anhui_four_consistent_persons", "341721", 2022).dicts()
    assert "UNPAID,REFUSED" in [r["codes"] for r in listed if r["village_code"] == YAODU_VILLAGE]

    # 五（一）: 本年参保人数 counts the insured only (the fixture's never-paid and reversed too).
    base = {row[0]: row[4] for row in run(engine, "anhui_enrolment_base", "341721", 2022).rows}
    assert base == {code: paid_now().get(code, 0) for code in base}

    # 七 末段: 筹资人数 — 乌沙村 has two insured (one of them the 0.00 百岁 person), one never paid.
    fee = {row[1]: row[3:] for row in run(engine, "anhui_agency_fee", "341702", 2024).rows}
    assert fee[WUSHA_A] == (2, Decimal("2.00"))
