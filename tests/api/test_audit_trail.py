"""Every mutation leaves who did what, with before and after, in its own transaction."""

from sqlmodel import Session, col, select

from tests.support.households import (
    CHANGE_HEAD,
    MOVE,
    REGISTER,
    enrol,
    register,
    second_household,
    three_member_household,
)
from tests.support.ids import row_of
from yibao.core.access_log import ACTIONS
from yibao.core.models import AuditEvent


def events(engine) -> list[AuditEvent]:
    """The changes; the reads a response holds are the access log's (tests/security/test_read_audit.py)."""
    with Session(engine) as session:
        changes = select(AuditEvent).where(col(AuditEvent.action).not_in(ACTIONS))
        return list(session.exec(changes.order_by(AuditEvent.id)))


def test_registration_is_audited_with_the_caller_role_and_region(client_as, engine):
    clerk = client_as("VILLAGE_CLERK", "341721", name="clerk-041")
    response = clerk.post(
        "/graphql", json={"query": REGISTER, "variables": {"input": three_member_household()}}
    )
    assert response.json()["data"]["registerHousehold"]["__typename"] == "Household"

    trail = events(engine)
    assert {(e.actor, e.role, e.region_code) for e in trail} == {("clerk-041", "VILLAGE_CLERK", "341721")}
    assert [event.action for event in trail] == ["register_household"] + ["register_person", "add_member"] * 3
    person = trail[1]
    assert person.before is None
    assert person.after["name"] == "王大山"


def test_change_head_records_before_and_after(client, engine):
    household = register(client)
    new_head = household["members"][1]["person"]["id"]
    client.post("/graphql", json={"query": CHANGE_HEAD, "variables": {"h": household["id"], "p": new_head}})

    changes = [event for event in events(engine) if event.action == "change_head"]
    assert [(e.before["is_head"], e.after["is_head"]) for e in changes] == [(True, False), (False, True)]


def test_a_refused_mutation_leaves_no_audit_event(client, engine):
    household = register(client)
    enrol(client, household["members"][0]["person"]["id"])
    count = len(events(engine))
    client.post("/graphql", json={"query": REGISTER, "variables": {"input": three_member_household()}})
    assert len(events(engine)) == count


def test_a_removal_keeps_the_last_state_as_before(client, engine):
    household = register(client)
    other = second_household(client)
    child = household["members"][2]["person"]["id"]
    client.post("/graphql", json={"query": MOVE, "variables": {"p": child, "h": other["id"]}})

    [removal] = [event for event in events(engine) if event.action == "remove_member"]
    assert removal.before["person_id"] == row_of(child)
    assert removal.before["household_id"] == row_of(household["id"])
    assert removal.after is None
