"""A unit of work's audit events are written at its end, in the order recorded: up to 32 by one
INSERT, more (an import's batch) by one COPY / executemany; a unit that fails writes none of them."""

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


@pytest.mark.parametrize("count", [20, 70])
def test_events_are_written_in_order_by_one_statement(engine, count):
    inserts = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().replace('"', "").startswith("INSERT INTO AUDIT_EVENT"):
            inserts.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with unit_of_work(engine, CLERK) as session:
            for i in range(count):
                audit.record_image(session, CLERK, f"change_{i}", "person", i, None, {"n": i})
            assert _actions(engine) == []  # nothing is written before the unit ends
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    # 20: one multi-row INSERT; 70: one executemany on SQLite, a COPY on PostgreSQL (no INSERT).
    bulk = count > 32 and engine.dialect.name == "postgresql"
    assert len(inserts) == (0 if bulk else 1)
    assert _actions(engine) == [f"change_{i}" for i in range(count)]
    with Session(engine) as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.entity, last.entity_id, last.before, last.after) == (
        "person",
        str(count - 1),
        None,
        {"n": count - 1},
    )
    assert (last.actor, last.role, last.region_code) == ("clerk-7", "VILLAGE_CLERK", "341721")


def test_a_unit_that_fails_writes_none_of_its_events(engine):
    with pytest.raises(RuntimeError), unit_of_work(engine, CLERK) as session:
        audit.record_image(session, CLERK, "change", "person", 1, None, {"n": 1})
        raise RuntimeError("refused after recording")
    assert _actions(engine) == []
