"""Noting, as an operation's answer is built, whose personal data it holds (core/access_log.py).

Every field whose value is an object of a type in `SUBJECTS` notes the person (or the enrolment,
household or ID number that names one) behind each object it returns — in a query, a mutation's
result or a federation entity alike, and whatever fields of it were asked. The reports are the
fields of `Reports`: theirs are the ID numbers of their rows. When the operation ends, one `read`
event lists the persons; an operation that returned none writes nothing.

Only those fields note anything, so only their resolvers are wrapped, once, when the schema is
built (`note_subjects`): the operation's subjects are found through a context variable its
`AccessLog` sets. (A schema extension's `resolve` hook ran for every field of every answer.)
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from inspect import isawaitable
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
    get_operation_ast,
    is_abstract_type,
)
from strawberry.extensions import SchemaExtension

from yibao.core.access_log import (
    ENROLMENT,
    HOUSEHOLD,
    ID_NUMBER,
    PERSON,
    READ,
    AccessLogError,
    Subjects,
    record_access,
)

Keys = Iterable[tuple[str, Any]]


def _audit_event(event) -> Keys:
    """A change's event is about the person, enrolment or household it names; a read names none
    (reading the access log is not reading the records it lists)."""
    row = event.row
    if row.action in ("read", "export"):
        return []
    found = []
    if row.entity in (PERSON, ENROLMENT, HOUSEHOLD) and row.entity_id.isdigit():
        found.append((row.entity, int(row.entity_id)))
    for state in (row.before or {}, row.after or {}):
        for key, kind in (("person_id", PERSON), ("enrolment_id", ENROLMENT)):
            if isinstance(state.get(key), int):
                found.append((kind, state[key]))
    return found


# GraphQL type → the keys naming the persons behind one of its objects.
SUBJECTS: dict[str, Callable[[Any], Keys]] = {
    "Person": lambda o: [(PERSON, o.row.id)],
    "Household": lambda o: [(HOUSEHOLD, o.row.id)],
    "HouseholdMember": lambda o: [(PERSON, o.row.person_id)],
    "Enrolment": lambda o: [(PERSON, o.row.person_id)],
    "Entitlement": lambda o: [(PERSON, o.row.person_id)],
    "Payment": lambda o: [(ENROLMENT, o.row.enrolment_id)],
    "Refund": lambda o: [(ENROLMENT, o.row.enrolment_id)],
    "CoverageAnswer": lambda o: [(PERSON, o.person_id)],
    "CollectionRosterRow": lambda o: [(PERSON, o.row.person_id)],
    "ChangeRow": lambda o: [(PERSON, o.row.person_id)],
    "ZeroDeclaration": lambda o: [(PERSON, o.row.person.id)],
    "SubsidyChange": lambda o: [(PERSON, int(o.person_id))],
    "ImportRow": lambda o: [(ID_NUMBER, o.row.id_number)],
    "AuditEvent": _audit_event,
    "HistoryRecord": lambda o: [(PERSON, o.row.person_id)],
    "ContinuityFacts": lambda o: [(PERSON, o.person_id)],
}
REPORTS = "Reports"  # the type whose fields are the reports (api/graphql/reports.py)


def _report(result) -> Keys:
    return [(ID_NUMBER, number) for number in result.id_numbers]


def _keys(item) -> Keys:
    """By the object's own type, so a union's member (a mutation's result, a federation entity)
    counts as the type it is."""
    definition = getattr(item, "__strawberry_definition__", None)
    extract = SUBJECTS.get(definition.name) if definition else None
    return extract(item) if extract else ()


# The subjects of the operation running in this context: set by AccessLog for the operation's
# task, whose resolvers (and the tasks it starts) see it; operations of a batch each set their own.
_subjects: ContextVar[Subjects | None] = ContextVar("yibao_access_subjects", default=None)


def current_subjects() -> Subjects | None:
    """The subjects of the operation running in this context (None outside one)."""
    return _subjects.get()


def note_subjects(schema: GraphQLSchema) -> None:
    """Wraps the resolver of every field whose value holds subjects — objects of a SUBJECTS type
    or of an abstract type (a union, an interface), and the reports — to note them."""
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field in type_.fields.values():
            named = get_named_type(field.type)
            if type_.name == REPORTS:
                extract = _report
            elif named.name in SUBJECTS or is_abstract_type(named):
                extract = _keys
            else:
                continue
            field.resolve = _noting(field.resolve or default_field_resolver, extract)


def _noting(resolve, extract):
    def noting(root, info, /, **arguments):  # positional: an argument may have any name
        result = resolve(root, info, **arguments)
        subjects = _subjects.get()
        return result if subjects is None else _noted(subjects, result, extract)

    return noting


def _noted(subjects: Subjects, value, extract):
    """The value as resolved, its subjects noted — now, or once it (or a list item) is awaited:
    `_entities` answers a list of awaitables, one per representation."""
    if isinstance(value, list | tuple):
        return [_noted(subjects, item, extract) for item in value]
    if isawaitable(value):
        return _noted_later(subjects, value, extract)
    if value is not None and not isinstance(value, Exception):  # e.g. a refused representation
        for kind, key in extract(value):
            subjects.note(kind, key)
    return value


async def _noted_later(subjects: Subjects, awaitable, extract):
    return _noted(subjects, await awaitable, extract)


class AccessLog(SchemaExtension):
    """Collects one operation's subjects and writes its `read` event when the operation ends."""

    def on_operation(self):
        subjects = Subjects()
        token = _subjects.set(subjects)
        try:
            yield
        finally:
            _subjects.reset(token)
        context = self.execution_context.context
        # The compiled path's reads leave the request's session clean (api/graphql/compiled.py):
        # the event is written on it, before CloseSession (after this extension) returns it. For
        # this operation only: a batch's next one starts unmarked.
        clean = getattr(context, "session_clean", False)
        if clean:
            context.session_clean = False
        if not subjects or getattr(context, "engine", None) is None:
            return
        request = _request(self.execution_context)
        session = context.session if clean else None
        try:
            record_access(context.engine, context.actor, READ, request, subjects, session)
        except AccessLogError as error:  # an answer whose reading was not logged is not sent
            raise GraphQLError(str(error), extensions={"code": "UNAVAILABLE"}) from None


def _request(execution) -> str:
    return asked(execution.graphql_document, execution.operation_name)


def asked(document, operation_name: str | None) -> str:
    """What was asked, e.g. `query persons` or `mutation recordCategory`: the event's entity_id."""
    node = get_operation_ast(document, operation_name) if document else None
    if node is None:
        return "operation"
    fields = [s.name.value for s in node.selection_set.selections if isinstance(s, FieldNode)]
    return f"{node.operation.value} {','.join(fields)}"
