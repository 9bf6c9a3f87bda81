"""The lists a clerk's screen needs: search by name, ID number (whole or masked, as the role may)
and phone; filters; sort orders; pages in both directions with a total count."""

import base64

import pytest

from tests.support.factories import id_number
from tests.support.graphql_client import gql, gql_errors
from tests.support.households import PAY, enrol, payment_input, register

COUNTY = "341721"
POLICY = "anhui/341721/2022"

PERSONS = """
query($search: String, $year: Int, $enrolled: Boolean, $paid: Boolean, $order: PersonOrder,
      $first: Int, $after: String, $last: Int, $before: String, $gender: Gender) {
  persons(search: $search, coverageYear: $year, enrolled: $enrolled, paid: $paid, orderBy: $order,
          first: $first, after: $after, last: $last, before: $before, gender: $gender) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { name idNumber }
  }
}"""

NUMBERS = {
    "王大山": id_number(seq=11),
    "李秀英": id_number(seq=12, male=False),
    "王小明": id_number(seq=13),
    "王小红": id_number(seq=21, male=False),
    "张三": id_number(seq=22),
    "陈一": id_number(seq=31),
}
PHONE = "13800001111"


def household(*names: str, phone_of: str | None = None) -> dict:
    def member(index: int, name: str) -> dict:
        person = {"name": name, "idNumber": NUMBERS[name], "hukouRegionCode": COUNTY}
        if name == phone_of:
            person["phone"] = PHONE
        return {"isHead": index == 0, "person": person}

    return {"addressRegionCode": COUNTY, "members": [member(i, n) for i, n in enumerate(names)]}


@pytest.fixture
def village(client) -> dict:
    """Three households: 王 (all enrolled, the head paid), 王小红/张三 (张三 enrolled, unpaid),
    陈一 (enrolled and paid). Returns each person's id and each household's id by name."""
    ids, households = {}, {}
    for names, phone in (
        (("王大山", "李秀英", "王小明"), "王大山"),
        (("王小红", "张三"), None),
        (("陈一",), None),
    ):
        created = register(client, household(*names, phone_of=phone))
        households[names[0]] = created["id"]
        for member in created["members"]:
            ids[member["person"]["name"]] = member["person"]["id"]
    for name in ("王大山", "李秀英", "王小明", "张三", "陈一"):
        enrolment = enrol(client, ids[name], POLICY)
        if name in ("王大山", "陈一"):
            paid = gql(client, PAY, input=payment_input(enrolment["id"], key=f"pay-{name}"))["recordPayment"]
            assert paid["__typename"] == "Payment", paid
    return {"persons": ids, "households": households}


def names(client, **variables) -> list[str]:
    return [node["name"] for node in gql(client, PERSONS, **variables)["persons"]["nodes"]]


def test_a_name_is_searched_by_its_beginning(client, village):
    assert sorted(names(client, search="王")) == ["王大山", "王小明", "王小红"]
    assert sorted(names(client, search="王小")) == ["王小明", "王小红"]
    assert names(client, search=" 张三 ") == ["张三"]
    assert names(client, search="赵") == []


def test_staff_find_a_person_by_whole_id_number_masked_number_or_phone(client, village):
    assert names(client, search=NUMBERS["李秀英"]) == ["李秀英"]
    assert names(client, search=NUMBERS["李秀英"].lower()) == ["李秀英"]  # a check digit typed x
    masked = NUMBERS["张三"][:4] + "*" * 10 + NUMBERS["张三"][-4:]
    assert names(client, search=masked) == ["张三"]
    assert names(client, search=PHONE) == ["王大山"]


def test_a_role_that_sees_numbers_masked_cannot_confirm_a_whole_number(client_as, village):
    auditor = client_as("AUDITOR", COUNTY)
    person = NUMBERS["李秀英"]
    held, nobodys = (
        gql_errors(auditor, PERSONS, search=person),
        gql_errors(auditor, PERSONS, search=id_number(seq=99)),
    )
    # refused alike for a number someone holds and one nobody does: the answer confirms nothing
    assert held == [{**nobodys[0], "path": held[0]["path"], "locations": held[0]["locations"]}]
    assert held[0]["extensions"]["code"] == "FORBIDDEN" and held[0]["extensions"]["field"] == "search"
    assert gql_errors(auditor, PERSONS, search=PHONE)[0]["extensions"]["code"] == "FORBIDDEN"
    # the masked form the auditor is shown finds the person, shown masked
    masked = person[:4] + "*" * 10 + person[-4:]
    found = gql(auditor, PERSONS, search=masked)["persons"]["nodes"]
    assert found == [{"name": "李秀英", "idNumber": masked}]


@pytest.mark.parametrize("text", ["3417", "3417**1980051701*", "", "x" * 65, "王*"])
def test_a_search_that_is_none_of_the_forms_is_refused(client, village, text):
    [error] = gql_errors(client, PERSONS, search=text)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID", "search")
    assert error["extensions"]["errors"] == [
        {"field": "search", "code": "INVALID", "message": error["message"]}
    ]


def test_persons_filter_by_enrolment_and_payment_of_a_year(client, village):
    assert sorted(names(client, year=2022)) == ["张三", "李秀英", "王大山", "王小明", "陈一"]
    assert sorted(names(client, year=2022, paid=False)) == ["张三", "李秀英", "王小明"]
    assert sorted(names(client, year=2022, paid=True)) == ["王大山", "陈一"]
    assert names(client, year=2022, enrolled=False) == ["王小红"]
    assert names(client, year=2023) == []
    assert sorted(names(client, gender="F")) == ["李秀英", "王小红"]
    [error] = gql_errors(client, PERSONS, paid=False)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("REQUIRED", "coverageYear")


HOUSEHOLDS = """
query($year: Int, $paid: Boolean, $search: String) {
  households(coverageYear: $year, paid: $paid, search: $search) { totalCount nodes { head { name } } }
}"""


def test_a_village_s_unpaid_households(client, village):
    def heads(**variables):
        found = gql(client, HOUSEHOLDS, **variables)["households"]
        assert found["totalCount"] == len(found["nodes"])
        return sorted(node["head"]["name"] for node in found["nodes"])

    assert heads(year=2022, paid=False) == ["王大山", "王小红"]  # a member of each has not paid
    assert heads(year=2022, paid=True) == ["陈一"]
    assert heads(search="张三") == ["王小红"]  # found by any member
    assert heads(search=NUMBERS["王小明"]) == ["王大山"]


ENROLMENTS = """
query($status: EnrolmentStatus, $paid: Boolean, $search: String, $from: Date, $to: Date) {
  enrolments(coverageYear: 2022, status: $status, paid: $paid, search: $search, enrolledFrom: $from,
             enrolledTo: $to) { totalCount nodes { person { name } status } }
}"""

PAYMENTS = """
query($search: String, $kind: PaymentKind, $from: Date, $to: Date, $order: PaymentOrder) {
  payments(coverageYear: 2022, search: $search, kind: $kind, paidFrom: $from, paidTo: $to, orderBy: $order) {
    totalCount nodes { receiptNumber paidOn enrolment { person { name } } }
  }
}"""


def test_enrolments_and_payments_filter_and_search(client, village):
    def enrolled(**variables):
        return sorted(
            n["person"]["name"] for n in gql(client, ENROLMENTS, **variables)["enrolments"]["nodes"]
        )

    assert enrolled(status="PAID") == enrolled(paid=True) == ["王大山", "陈一"]
    assert enrolled(paid=False) == ["张三", "李秀英", "王小明"]
    assert enrolled(search="王") == ["王大山", "王小明"]
    [error] = gql_errors(client, ENROLMENTS, **{"from": "2022-01-02", "to": "2022-01-01"})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID", "enrolledTo")

    payments = gql(client, PAYMENTS)["payments"]["nodes"]
    assert sorted(p["enrolment"]["person"]["name"] for p in payments) == ["王大山", "陈一"]
    receipt = payments[0]["receiptNumber"]
    found = gql(client, PAYMENTS, search=receipt)["payments"]["nodes"]
    assert [p["receiptNumber"] for p in found] == [receipt]
    assert [
        p["enrolment"]["person"]["name"] for p in gql(client, PAYMENTS, search="陈")["payments"]["nodes"]
    ] == ["陈一"]
    paid_on = payments[0]["paidOn"]
    assert gql(client, PAYMENTS, **{"from": paid_on, "to": paid_on})["payments"]["totalCount"] == 2
    assert gql(client, PAYMENTS, **{"to": "2021-01-01"})["payments"]["totalCount"] == 0
    assert gql(client, PAYMENTS, kind="REVERSAL")["payments"]["totalCount"] == 0


def test_pages_in_name_order_forwards_and_backwards(client, village):
    order = {"field": "NAME", "direction": "ASC"}
    everyone = sorted(NUMBERS)  # code-point order
    assert names(client, order=order, first=100) == everyone
    assert names(client, order={"field": "NAME", "direction": "DESC"}, first=100) == everyone[::-1]

    seen, after, pages = [], None, []
    while True:
        found = gql(client, PERSONS, order=order, first=4 if after is None else 2, after=after)["persons"]
        assert found["totalCount"] == len(everyone)
        pages.append(found["pageInfo"])
        seen += [n["name"] for n in found["nodes"]]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert seen == everyone
    assert [p["hasPreviousPage"] for p in pages] == [False, True]

    # back from the end with last/before: the same rows in the same order, page by page
    back, before = [], None
    while True:
        found = gql(client, PERSONS, order=order, last=4 if before is None else 2, before=before)["persons"]
        back = [n["name"] for n in found["nodes"]] + back
        assert found["pageInfo"]["hasNextPage"] == (before is not None)
        if not found["pageInfo"]["hasPreviousPage"]:
            break
        before = found["pageInfo"]["startCursor"]
    assert back == everyone


def test_page_arguments_are_refused_in_one_shape(client, village):
    by_name = gql(client, PERSONS, order={"field": "NAME"}, first=1)["persons"]["pageInfo"]["endCursor"]
    by_id = gql(client, PERSONS, first=1)["persons"]["pageInfo"]["endCursor"]
    for variables, field in (
        ({"after": by_name}, "after"),  # another order's cursor
        ({"before": by_id, "order": {"field": "NAME"}}, "before"),
        ({"first": 2, "last": 2}, "last"),
        ({"last": 0}, "last"),
        ({"last": 101}, "last"),
    ):
        [error] = gql_errors(client, PERSONS, **variables)
        assert error["extensions"]["field"] == field, variables
        assert error["extensions"]["code"] == "INVALID"
        assert error["extensions"]["errors"] == [
            {"field": field, "code": "INVALID", "message": error["message"]}
        ]


def test_old_id_cursors_keep_working(client, village):
    """A cursor handed out before sorting existed is still the id order's `id:<n>`."""
    first = gql(client, PERSONS, first=1)["persons"]
    assert base64.urlsafe_b64decode(first["pageInfo"]["endCursor"]).decode().startswith("id:")
    rest = names(client, after=first["pageInfo"]["endCursor"], first=100)
    assert len(rest) == len(NUMBERS) - 1 and first["nodes"][0]["name"] not in rest
