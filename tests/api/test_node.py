"""Global object identification: opaque global ids, `node(id:)` through the caller's scope, and
the row ids of old still accepted wherever an id is."""

import base64

from tests.support.graphql_client import gql, gql_errors
from tests.support.households import PAY, enrol, enrol_input, payment_input, register

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id databaseId
    ... on Person { name }
    ... on Household { head { name } }
    ... on Enrolment { coverageYear person { name } }
    ... on Payment { receiptNumber }
  }
}"""

PERSON = "query($id: ID!) { person(id: $id) { id databaseId name } }"

ENROL = """
mutation($input: EnrolInput!) {
  enrol(input: $input) { __typename ... on InputErrors { errors { field code } } ... on Enrolment { id } }
}"""


def paid_household(client) -> dict:
    household = register(client)
    head = household["members"][0]["person"]
    enrolment = enrol(client, head["id"])
    payment = gql(client, PAY, input=payment_input(enrolment["id"]))["recordPayment"]
    return {"household": household, "person": head, "enrolment": enrolment, "payment": payment}


def test_every_node_is_found_again_by_its_global_id(client):
    made = paid_household(client)
    for kind in ("household", "person", "enrolment", "payment"):
        global_id = made[kind]["id"]
        found = gql(client, NODE, id=global_id)["node"]
        assert found["__typename"] == kind.capitalize() and found["id"] == global_id
        # opaque, but the kind and the row id are what it names
        assert base64.urlsafe_b64decode(global_id).decode() == f"{kind.capitalize()}:{found['databaseId']}"
    assert (
        gql(client, NODE, id=made["payment"]["id"])["node"]["receiptNumber"]
        == made["payment"]["receiptNumber"]
    )


def test_the_row_ids_of_old_are_still_taken_wherever_an_id_is(client):
    made = paid_household(client)
    person = gql(client, PERSON, id=made["person"]["id"])["person"]
    assert gql(client, PERSON, id=str(person["databaseId"]))["person"] == person
    # a mutation takes the global id or the row id, and refuses another kind's global id
    second = made["household"]["members"][1]["person"]
    by_row = gql(client, PERSON, id=second["id"])["person"]["databaseId"]
    enrolled = gql(client, ENROL, input=enrol_input(str(by_row)))["enrol"]
    assert enrolled["__typename"] == "Enrolment"
    third = made["household"]["members"][2]["person"]
    assert gql(client, ENROL, input=enrol_input(third["id"]))["enrol"]["__typename"] == "Enrolment"
    wrong = gql(client, ENROL, input=enrol_input(made["household"]["id"]))["enrol"]
    assert wrong == {"__typename": "InputErrors", "errors": [{"field": "personId", "code": "INVALID"}]}
    assert gql(client, PERSON, id=made["household"]["id"])["person"] is None


def test_another_region_s_node_answers_as_an_unknown_one(client, client_as):
    made = paid_household(client)  # in 东至县 341721
    elsewhere = client_as("COUNTY_ADMIN", "341702")
    home = client_as("VILLAGE_CLERK", "341721")
    unknown = base64.urlsafe_b64encode(b"Person:999999").decode()
    for kind in ("household", "person", "enrolment", "payment"):
        assert gql(elsewhere, NODE, id=made[kind]["id"]) == {"node": None}
        assert gql(home, NODE, id=made[kind]["id"])["node"]["id"] == made[kind]["id"]
    for nothing in (unknown, "not-an-id", base64.urlsafe_b64encode(b"AuditEvent:1").decode(), "12"):
        assert gql(home, NODE, id=nothing) == {"node": None}


def test_node_obeys_the_read_permissions(client, client_as):
    made = paid_household(client)
    uploader = client_as("ROSTER_UPLOADER", "341721", department="civil_affairs")
    [error] = gql_errors(uploader, NODE, id=made["person"]["id"])
    assert error["extensions"]["code"] == "FORBIDDEN"
    auditor = client_as("AUDITOR", "341721")
    query = "query($id: ID!) { node(id: $id) { ... on Person { idNumber birthDate } } }"
    seen = gql(auditor, query, id=made["person"]["id"])["node"]
    assert seen["birthDate"] is None and "*" in seen["idNumber"]  # masked as person(id:) shows it
