"""What the compiled path (api/graphql/compiled.py) can answer: per type, the fields it reads from
plain columns, each written to give exactly what the type's resolver gives (the differential test,
tests/api/test_compiled.py, holds the two to it for every field here, every role, both backends).

A household page reads, below the root field's own resolver: the households' members, their
persons, and the persons' enrolments — one statement each for all the objects of the level, of
the columns the fields read (never an enrolment's snapshot), as api/graphql/loaders.py reads them
through the caller's scope:

- members of a household the caller sees are visible (`Scope.visible(HouseholdMember)` is "its
  household is visible"), and the households here come from the root field's scoped list, so
  the members' statement needs no further condition;
- a member's person is visible for the same reason (`Scope.visible(Person)` includes "a member
  of a visible household");
- an enrolment is visible by its own region: the caller's region codes, read once per request,
  are bound as a list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import col

from yibao.core.access_log import HOUSEHOLD, PERSON
from yibao.core.idcard import mask_id_number, mask_phone
from yibao.core.ids import global_id
from yibao.core.models import Enrolment, HouseholdMember, Person, Region
from yibao.core.money import fen_to_yuan

from .types.enums import EnrolmentStatus, Gender
from .types.quote import SubsidyMethod

IDS = bindparam("ids", expanding=True)
CODES = bindparam("codes", expanding=True)

_SCOPE_CODES = select(Region.code).where(col(Region.path).like(bindparam("pattern"), escape="/"))
_MEMBERS = (
    select(
        HouseholdMember.household_id,
        HouseholdMember.relation,
        HouseholdMember.is_head,
        HouseholdMember.person_id,
    )
    .where(col(HouseholdMember.household_id).in_(IDS))
    .order_by(HouseholdMember.id)
)
_PERSONS = select(
    Person.id,
    Person.name,
    Person.id_number,
    Person.no_id_reason,
    Person.birth_date,
    Person.gender,
    Person.phone,
).where(col(Person.id).in_(IDS))
_ENROLMENT_COLUMNS = (
    Enrolment.person_id,
    Enrolment.id,
    Enrolment.coverage_year,
    Enrolment.policy_id,
    Enrolment.tier,
    Enrolment.status,
    Enrolment.channel,
    Enrolment.enrolled_on,
    Enrolment.amount_due_fen,
    Enrolment.subsidy_fen,
    Enrolment.subsidy_category,
    Enrolment.method,
    Enrolment.terminated_on,
    Enrolment.termination_reason,
)
_ENROLMENTS = select(*_ENROLMENT_COLUMNS).where(col(Enrolment.person_id).in_(IDS))
_ENROLMENTS_ALL = _ENROLMENTS.order_by(Enrolment.coverage_year)
_ENROLMENTS_SCOPED = _ENROLMENTS.where(col(Enrolment.region_code).in_(CODES)).order_by(
    Enrolment.coverage_year
)


def scope_codes(session, scope) -> list[str]:
    """The region codes at or below the caller's region (`Scope.visible`'s `codes_under`)."""
    return list(session.connection().execute(_SCOPE_CODES, {"pattern": scope.path_pattern}).scalars())


# ---------------------------------------------------------------- rows by key, kept per request


def _kept(run, loader: str, keys: Sequence, read: Callable[[list], dict], empty: Any) -> list:
    """What `loader` holds for each key, reading the keys not read before in one statement."""
    known = run.kept.setdefault(loader, {})
    missing = [key for key in dict.fromkeys(keys) if key not in known]
    if missing:
        found = read(missing)
        for key in missing:
            known[key] = found.get(key, empty)
    return [known[key] for key in keys]


def _members(run, household_ids: Sequence[int]) -> list[list]:
    def read(ids):
        found: dict[int, list] = {}
        for row in run.session.connection().execute(_MEMBERS, {"ids": ids}):
            found.setdefault(row.household_id, []).append(row)
        return found

    return _kept(run, "members", household_ids, read, [])


def _persons(run, person_ids: Sequence[int]) -> list:
    def read(ids):
        return {row.id: row for row in run.session.connection().execute(_PERSONS, {"ids": ids})}

    return _kept(run, "persons", person_ids, read, None)


def _enrolments(run, person_ids: Sequence[int]) -> list[list]:
    def read(ids):
        codes = run.codes()
        statement, params = (
            (_ENROLMENTS_ALL, {"ids": ids})
            if codes is None
            else (_ENROLMENTS_SCOPED, {"ids": ids, "codes": codes})
        )
        found: dict[int, list] = {}
        for row in run.session.connection().execute(statement, params):
            found.setdefault(row.person_id, []).append(row)
        return found

    return _kept(run, "enrolments", person_ids, read, [])


# ---------------------------------------------------------------- field kinds


def leaf(get: Callable[[Any], Any]):
    def complete(run, field_def, details, objects):
        return run.leaves(field_def, [get(o) for o in objects])

    return complete


def masked(get: Callable[[Any], Any], mask: Callable[[Any], Any]):
    """A leaf shown whole to roles that see identities (api/graphql/masking.py), else `mask`ed."""

    def complete(run, field_def, details, objects):
        if run.whole:
            return run.leaves(field_def, [get(o) for o in objects])
        return run.leaves(field_def, [mask(get(o)) for o in objects])

    return complete


def one(fetch: Callable[[Any, list], list]):
    def complete(run, field_def, details, objects):
        return run.value(field_def, details, fetch(run, objects))

    return complete


def many(fetch: Callable[[Any, list], list]):
    def complete(run, field_def, details, objects):
        return run.lists(field_def, details, fetch(run, objects))

    return complete


# ---------------------------------------------------------------- the types


def _node_id(kind: str):
    return leaf(lambda o: global_id(kind, o.id))


def _members_of(run, households):
    return _members(run, [h.id for h in households])


def _heads_of(run, households):
    members = _members_of(run, households)
    # The heads' persons are read with every member's, as the siblings of a page are.
    _persons(run, [m.person_id for each in members for m in each])
    heads = [next((m for m in each if m.is_head), None) for each in members]
    persons = _persons(run, [m.person_id for m in heads if m is not None])
    found = iter(persons)
    return [None if m is None else next(found) for m in heads]


def _person_of_member(run, members):
    return _persons(run, [m.person_id for m in members])


def _enrolments_of(run, persons):
    return _enrolments(run, [p.id for p in persons])


def _nodes(run, connections):
    return [[edge.node.row for edge in c.edges] for c in connections]


def _edge_nodes(run, edges):
    return [edge.node.row for edge in edges]


def _yuan(fen):
    return None if fen is None else fen_to_yuan(fen)


def _total_count(connection):
    from .errors import refusing

    with refusing():
        return connection.count()


FIELDS: dict[str, dict[str, Callable]] = {
    "HouseholdConnection": {
        "edges": many(lambda run, cs: [c.edges for c in cs]),
        "nodes": many(_nodes),
        "pageInfo": one(lambda run, cs: [c.page_info for c in cs]),
        "totalCount": leaf(_total_count),
    },
    "HouseholdEdge": {
        "cursor": leaf(lambda e: e.cursor),
        "node": one(_edge_nodes),
    },
    "PageInfo": {
        "hasNextPage": leaf(lambda p: p.has_next_page),
        "endCursor": leaf(lambda p: p.end_cursor),
        "hasPreviousPage": leaf(lambda p: p.has_previous_page),
        "startCursor": leaf(lambda p: p.start_cursor),
    },
    "Household": {
        "id": _node_id("Household"),
        "databaseId": leaf(lambda h: h.id),
        "address": leaf(lambda h: h.address),
        "members": many(_members_of),
        "head": one(_heads_of),
    },
    "HouseholdMember": {
        "relation": leaf(lambda m: m.relation),
        "isHead": leaf(lambda m: m.is_head),
        "person": one(_person_of_member),
    },
    "Person": {
        "id": _node_id("Person"),
        "databaseId": leaf(lambda p: p.id),
        "idNumber": masked(lambda p: p.id_number, mask_id_number),
        "noIdReason": leaf(lambda p: p.no_id_reason),
        "name": leaf(lambda p: p.name),
        "birthDate": masked(lambda p: p.birth_date, lambda _: None),
        "birthYear": leaf(lambda p: p.birth_date.year),
        "gender": leaf(lambda p: Gender(p.gender)),
        "phone": masked(lambda p: p.phone, mask_phone),
        "enrolments": many(_enrolments_of),
    },
    "Enrolment": {
        "id": _node_id("Enrolment"),
        "databaseId": leaf(lambda e: e.id),
        "coverageYear": leaf(lambda e: e.coverage_year),
        "policyId": leaf(lambda e: e.policy_id),
        "tier": leaf(lambda e: e.tier),
        "status": leaf(lambda e: EnrolmentStatus(e.status)),
        "channel": leaf(lambda e: e.channel),
        "enrolledOn": leaf(lambda e: e.enrolled_on),
        "amountDue": leaf(lambda e: _yuan(e.amount_due_fen)),
        "subsidy": leaf(lambda e: _yuan(e.subsidy_fen)),
        "subsidyCategory": leaf(lambda e: e.subsidy_category),
        "method": leaf(lambda e: None if e.method is None else SubsidyMethod(e.method)),
        "terminatedOn": leaf(lambda e: e.terminated_on),
        "terminationReason": leaf(lambda e: e.termination_reason),
    },
}

# The root fields answered here: their own resolver runs (api/graphql/compiled.py), then their type's fields.
ROOTS = {"households"}

# The keys api/graphql/access_log.py notes for an object of each type, for these rows.
SUBJECTS: dict[str, Callable[[Any], tuple[str, Any]]] = {
    "Household": lambda h: (HOUSEHOLD, h.id),
    "HouseholdMember": lambda m: (PERSON, m.person_id),
    "Person": lambda p: (PERSON, p.id),
    "Enrolment": lambda e: (PERSON, e.person_id),
}
