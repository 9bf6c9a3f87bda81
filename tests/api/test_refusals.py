"""Bad input is refused with typed errors naming the field, and nothing stored changes."""

from datetime import date

import pytest

from tests.support.db_state import stored
from tests.support.factories import id_number, wrong_check_digit
from tests.support.graphql_client import gql
from tests.support.households import (
    ENROL,
    PAY,
    REGISTER,
    enrol,
    enrol_input,
    payment_input,
    register,
    three_member_household,
)
from tests.support.ids import row_of


def refused(client, engine, query, result_field, **variables) -> list[dict]:
    """Runs a mutation that must be refused; returns its errors after checking nothing changed."""
    before = stored(engine)
    result = gql(client, query, **variables)[result_field]
    assert result["__typename"] == "InputErrors", result
    assert stored(engine) == before
    return result["errors"]


def fields(errors: list[dict]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in errors]


def test_wrong_check_digit_is_refused(client, engine):
    household = three_member_household()
    household["members"][1]["person"]["idNumber"] = wrong_check_digit(id_number(seq=40))
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [("members.1.person.idNumber", "INVALID")]
    assert "校验码" in errors[0]["message"]


def test_duplicate_id_is_refused_and_the_first_registration_kept(client, engine):
    register(client)
    again = three_member_household()
    errors = refused(client, engine, REGISTER, "registerHousehold", input=again)
    assert fields(errors) == [
        ("members.0.person.idNumber", "DUPLICATE"),
        ("members.1.person.idNumber", "DUPLICATE"),
        ("members.2.person.idNumber", "DUPLICATE"),
    ]
    assert "已登记" in errors[0]["message"]


def test_same_id_under_another_name_is_flagged_differently(client, engine):
    register(client)
    again = three_member_household()
    again["members"] = again["members"][:1]
    again["members"][0]["person"]["name"] = "王大川"
    errors = refused(client, engine, REGISTER, "registerHousehold", input=again)
    assert fields(errors) == [("members.0.person.idNumber", "DUPLICATE")]
    assert "另一姓名" in errors[0]["message"]


def test_the_same_id_twice_in_one_household_is_refused(client, engine):
    household = three_member_household()
    household["members"][2]["person"]["idNumber"] = household["members"][1]["person"]["idNumber"]
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [("members.2.person.idNumber", "DUPLICATE")]


def test_second_head_is_refused(client, engine):
    household = three_member_household()
    household["members"][2]["isHead"] = True
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [("members.2.isHead", "CONFLICT")]


def test_household_without_head_is_refused(client, engine):
    household = three_member_household()
    household["members"][0]["isHead"] = False
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [("members", "REQUIRED")]


def test_stated_birth_date_and_gender_must_match_the_id(client, engine):
    household = three_member_household()
    household["members"][1]["person"].update(birthDate="1978-07-22", gender="M")
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [
        ("members.1.person.birthDate", "MISMATCH"),
        ("members.1.person.gender", "MISMATCH"),
    ]


def test_unknown_region_is_refused(client, engine):
    household = three_member_household(village="999999")
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert ("addressRegionCode", "NOT_FOUND") in fields(errors)
    assert ("members.0.person.hukouRegionCode", "NOT_FOUND") in fields(errors)


def test_person_without_id_needs_a_reason_birth_date_and_gender(client, engine):
    household = three_member_household()
    household["members"][2]["person"] = {"name": "王宝宝", "hukouRegionCode": "341721"}
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [("members.2.person.idNumber", "REQUIRED")]

    household["members"][2]["person"]["noIdReason"] = "NEWBORN"
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [
        ("members.2.person.birthDate", "REQUIRED"),
        ("members.2.person.gender", "REQUIRED"),
    ]


def test_newborn_without_id_is_registered_with_its_reason(client):
    household = three_member_household()
    household["members"].append(
        {
            "relation": "子女",
            "person": {
                "name": "王宝宝",
                "noIdReason": "NEWBORN",
                "birthDate": "2021-11-02",
                "gender": "F",
                "hukouRegionCode": "341721",
            },
        }
    )
    result = register(client, household)
    assert result["members"][3]["person"]["idNumber"] is None
    assert result["members"][3]["person"]["birthDate"] == "2021-11-02"


def test_second_enrolment_for_the_same_year_is_refused(client, engine):
    household = register(client)
    person_id = household["members"][0]["person"]["id"]
    first = enrol(client, person_id)
    errors = refused(
        client,
        engine,
        ENROL,
        "enrol",
        input=enrol_input(person_id, idempotencyKey="another-request"),
    )
    assert fields(errors) == [("coverageYear", "DUPLICATE")]
    assert f"参保登记编号 {row_of(first['id'])}" in errors[0]["message"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"policyId": "anhui/341721/2021"}, [("policyId", "NOT_FOUND")]),
        ({"coverageYear": 2023}, [("coverageYear", "MISMATCH")]),  # no carry-forward of 2022's rules
        ({"regionCode": "341702"}, [("regionCode", "MISMATCH")]),
        ({"regionCode": "411322"}, [("regionCode", "FORBIDDEN"), ("regionCode", "MISMATCH")]),  # not Anhui
        ({"tier": "2"}, [("tier", "INVALID")]),
    ],
)
def test_enrolment_needs_a_policy_for_that_year_region_and_tier(client, engine, change, expected):
    person_id = register(client)["members"][0]["person"]["id"]
    errors = refused(client, engine, ENROL, "enrol", input=enrol_input(person_id, **change))
    assert fields(errors) == expected


@pytest.mark.parametrize("amount", ["-0.01", "-320", "1.001", "NaN"])
def test_negative_or_malformed_amount_is_refused(client, engine, amount):
    household = register(client)
    enrolment = enrol(client, household["members"][0]["person"]["id"])
    errors = refused(
        client, engine, PAY, "recordPayment", input=payment_input(enrolment["id"], amount=amount)
    )
    assert fields(errors) == [("amount", "INVALID")]


def test_reused_idempotency_key_for_another_payment_is_refused(client, engine):
    household = register(client)
    first = enrol(client, household["members"][0]["person"]["id"])
    second = enrol(client, household["members"][1]["person"]["id"])
    gql(client, PAY, input=payment_input(first["id"], key="same"))
    errors = refused(client, engine, PAY, "recordPayment", input=payment_input(second["id"], key="same"))
    assert fields(errors) == [("idempotencyKey", "CONFLICT")]


def test_reused_enrolment_key_for_another_person_is_refused(client, engine):
    household = register(client)
    first, second = (m["person"]["id"] for m in household["members"][:2])
    enrol(client, first, idempotencyKey="same")
    errors = refused(
        client,
        engine,
        ENROL,
        "enrol",
        input=enrol_input(second, idempotencyKey="same"),
    )
    assert fields(errors) == [("idempotencyKey", "CONFLICT")]


@pytest.mark.parametrize(("key", "code"), [(" ", "REQUIRED"), ("k" * 65, "INVALID")])
def test_enrolment_key_must_be_given_and_fit(client, engine, key, code):
    person_id = register(client)["members"][0]["person"]["id"]
    errors = refused(client, engine, ENROL, "enrol", input=enrol_input(person_id, idempotencyKey=key))
    assert fields(errors) == [("idempotencyKey", code)]


def test_payment_for_unknown_enrolment_is_refused(client, engine):
    errors = refused(client, engine, PAY, "recordPayment", input=payment_input("424242"))
    assert fields(errors) == [("enrolmentId", "NOT_FOUND")]


def test_malformed_id_argument_is_refused_by_field(client, engine):
    errors = refused(client, engine, ENROL, "enrol", input=enrol_input("abc"))
    assert fields(errors) == [("personId", "INVALID")]


def test_birth_date_in_the_future_is_refused(client, engine):
    household = three_member_household()
    household["members"][2]["person"] = {
        "name": "未来",
        "noIdReason": "NEWBORN",
        "birthDate": date.today().replace(year=date.today().year + 1).isoformat(),
        "gender": "M",
        "hukouRegionCode": "341721",
    }
    errors = refused(client, engine, REGISTER, "registerHousehold", input=household)
    assert fields(errors) == [("members.2.person.birthDate", "INVALID")]
