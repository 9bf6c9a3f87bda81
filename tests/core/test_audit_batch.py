"""A unit of work's audit events are written at its end, in the order recorded, 32 to an INSERT;
a unit that fails writes none of them."""

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from yibao.core import audit
from yibao.core.audit import Actor
from yibao.core.models import AuditEvent
from yibao.core.services.unit import unit_of_work

CLERK = Actor("clerk-7", "VILLAGE_CLERK", "341721")


def _actions(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_seventy_events_are_written_in_order_by_three_inserts(engine):
    inserts = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            inserts.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with unit_of_work(engine, CLERK) as session:
            for i in range(70):
                audit.record_image(session, CLERK, f"change_{i}", "person", i, None, {"n": i})
            assert _actions(engine) == []  # nothing is written before the unit ends
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    assert len(inserts) == 3
    assert _actions(engine) == [f"change_{i}" for i in range(70)]
    with Session(engine) as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.entity, last.entity_id, last.before, last.after) == ("person", "69", None, {"n": 69})
    assert (last.actor, last.role, last.region_code) == ("clerk-7", "VILLAGE_CLERK", "341721")


def test_a_unit_that_fails_writes_none_of_its_events(engine):
    with pytest.raises(RuntimeError), unit_of_work(engine, CLERK) as session:
        audit.record_image(session, CLERK, "change", "person", 1, None, {"n": 1})
        raise RuntimeError("refused after recording")
    assert _actions(engine) == []
