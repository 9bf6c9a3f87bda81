"""Each kind of search is answered from an index (migration 0009_search), on both backends: the
statements core/queries.py builds are planned with the index even with sequential scans made as
expensive as they can be, which they could not be if the SQL did not match the index's expression."""

import re

import pytest
from sqlalchemy import text
from sqlmodel import Session

from yibao.core import queries, search
from yibao.core.paging import page
from yibao.core.scope import Scope

CASES = [
    ("张三", "ix_person_name"),
    ("3417**********0231", "ix_person_id_suffix"),
    ("13800001111", "ix_person_phone"),
    # the unique constraint's index: uq_person_id_number on PostgreSQL, an automatic one on SQLite
    ("341721198005170231", r"person_id_number|sqlite_autoindex_person_1 \(id_number=\?\)"),
]


def plan(session: Session, statement) -> str:
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SET enable_seqscan = off"))
        rows = session.execute(text(f"EXPLAIN {compiled}")).all()
    else:
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(("typed", "index"), CASES)
def test_a_search_reads_its_index(engine, typed, index):
    with Session(engine) as session:
        needle = search.parse(typed, whole=True)
        statement = queries.search_persons(session, Scope(path=None), queries.PersonFilter(search=needle))
        shown = plan(session, statement.order_by(text("person.id")).limit(21))
    assert re.search(index, shown), shown


def test_the_name_order_reads_the_name_index(engine):
    with Session(engine) as session:
        order = queries.order(session, queries.models.Person, "NAME")
        statement = queries.search_persons(session, Scope(path=None), queries.PersonFilter())
        page(session, statement, queries.models.Person.id, 5, order=order)  # it runs
        shown = plan(session, statement.order_by(order.key, queries.models.Person.id).limit(6))
    assert "ix_person_name" in shown, shown
