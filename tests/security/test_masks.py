"""Attack: rebuild the masked ID numbers of a township from everything a masked role can read.

The mask keeps 3417**********0231: province and city (digits 1–4), the sequence with its gender
digit (15–17) and the check digit (18). Hidden are the county (5–6) and the birth date (7–14).
The attacker here holds an AUDITOR token of 贵池区 — or a ROSTER_UPLOADER token of its township —
reads every root field, nested field, report and export its role allows, then enumerates, for
every masked number, the ID numbers consistent with all it saw: the county of the person's hukou
(the strongest guess), the birth date or year where shown, a newborn's 90-day window from its
quote, and the GB 11643 check digit. It then tries to confirm candidates through the lookups by ID
number (`coverage`, `_entities`). A number counts as rebuilt if exactly one candidate remains and
it is right, or a lookup tells the right one from a wrong one. No number may be rebuilt, and
neither a whole ID number nor a birth date may appear anywhere in what the role read.
"""

import re
from datetime import date, timedelta

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    is_non_null_type,
)
from stdnum.cn import ric

from tests.support.graphql_client import gql
from tests.support.residents import COUNTY, EVERYONE, NEWBORN, TOWNSHIP, populate

PAGE = 10  # small pages: the seed has five persons, and cost limits count page sizes
ROOT_LISTS = ("persons", "households", "enrolments", "payments", "entitlements", "auditEvents")
ROOT_TABLES = ("collectionRoster", "changeTable", "zeroDeclarations")
EXPORTS = ("collection-roster", "change-table")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def client_schema(client) -> GraphQLSchema:
    return build_client_schema(gql(client, get_introspection_query()))


def selection(schema: GraphQLSchema, type_, depth: int) -> str:
    """Every field of the type that takes no required argument, objects `depth` levels down."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLUnionType):
        parts = [f"... on {member.name} {selection(schema, member, depth)}" for member in named.types]
        return "{ __typename " + " ".join(parts) + " }"
    if not isinstance(named, GraphQLObjectType):
        return ""
    fields = []
    for name, field in named.fields.items():
        required = any(is_non_null_type(a.type) and a.default_value is None for a in field.args.values())
        if name == "edges" or required:
            continue
        inner = get_named_type(field.type)
        if isinstance(inner, GraphQLObjectType | GraphQLUnionType):
            if depth > 0:
                fields.append(f"{name} {selection(schema, inner, depth - 1)}")
        else:
            fields.append(name)
    return "{ __typename " + " ".join(fields) + " }"


def post(client, query: str, **variables) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


class Reader:
    """What one role read: every response text, and per person id the facts the attacker keeps."""

    def __init__(self, client):
        self.client = client
        self.texts: list[str] = []
        self.persons: dict[str, dict] = {}

    def ask(self, query: str, **variables) -> dict:
        body = post(self.client, query, **variables)
        self.texts.append(str(body))
        self.collect(body.get("data"))
        return body

    def collect(self, value) -> None:
        """Keeps every Person object seen anywhere, merging what each answer showed of it."""
        if isinstance(value, list):
            for item in value:
                self.collect(item)
        elif isinstance(value, dict):
            if value.get("__typename") == "Person" and value.get("id") and value.get("idNumber"):
                known = self.persons.setdefault(value["id"], {})
                known.update({k: v for k, v in value.items() if v is not None})
            for item in value.values():
                self.collect(item)


def read_as_auditor(client, township) -> Reader:
    reader = Reader(client)
    schema = client_schema(client)
    query = schema.query_type
    for name in ROOT_LISTS:
        fields = selection(schema, query.fields[name].type, 3)
        after = None
        while True:
            body = reader.ask(
                f"query($after: String) {{ {name}(first: {PAGE}, after: $after) {fields} }}", after=after
            )
            page = body["data"][name]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    for name in ROOT_TABLES:
        fields = selection(schema, query.fields[name].type, 3)
        for region in (TOWNSHIP, COUNTY):
            reader.ask(
                f"query($r: String!) {{ {name}(regionCode: $r, coverageYear: 2024) {fields} }}", r=region
            )
    ledger = selection(schema, query.fields["refundLedger"].type, 2)
    reader.ask(f'{{ refundLedger(regionCode: "{COUNTY}") {ledger} }}')
    reports = get_named_type(query.fields["reports"].type)
    for name, field in reports.fields.items():
        fields = selection(schema, field.type, 2)
        reader.ask(f'{{ reports {{ {name}(regionCode: "{COUNTY}", coverageYear: 2024) {fields} }} }}')
        path = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        response = client.get(f"/exports/reports/{path}.csv?regionCode={COUNTY}&coverageYear=2024")
        reader.texts.append(response.text)
    job = selection(schema, query.fields["importJob"].type, 3)
    reader.ask(f"query($id: ID!) {{ importJob(id: $id) {job} }}", id=township.import_job)
    for table in EXPORTS:
        response = client.get(f"/exports/{table}.csv?regionCode={COUNTY}&coverageYear=2024")
        assert response.status_code == 200, response.text
        reader.texts.append(response.text)
    entity = selection(schema, schema.type_map["Payment"], 3)
    receipts = [{"__typename": "Payment", "receiptNumber": r} for r in township.receipts]
    reader.ask(
        f"query($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on Payment {entity} }} }}", r=receipts
    )
    return reader


def read_as_uploader(client, township) -> Reader:
    """The uploader may call recordCategory and importJob: it asks each field of what comes back on
    its own, and keeps every field it is not refused."""
    reader = Reader(client)
    schema = client_schema(client)
    person = schema.type_map["Person"]
    kept = []
    for n, (name, field) in enumerate(person.fields.items()):
        sub = selection(schema, field.type, 2)
        probe = (
            "mutation($input: RecordCategoryInput!) { recordCategory(input: $input) "
            f"{{ __typename ... on Person {{ id idNumber {name} {sub} }} }} }}"
        )
        recording = {"personId": "1", "code": "MINIMUM_LIVING", "since": f"2023-01-{n + 1:02d}"}
        body = post(client, probe, input=recording)
        if not body.get("errors"):
            kept.append(f"{name} {sub}")
    for person_id in township.person_ids.values():
        reader.ask(
            "mutation($input: RecordCategoryInput!) { recordCategory(input: $input) "
            f"{{ __typename ... on Person {{ {' '.join(kept)} }} }} }}",
            input={"personId": person_id, "code": "MINIMUM_LIVING", "since": "2023-03-01"},
        )
    job = selection(schema, schema.query_type.fields["importJob"].type, 3)
    reader.ask(f"query($id: ID!) {{ importJob(id: $id) {job} }}", id=township.import_job)
    return reader


def candidates(facts: dict, limit: int = 1000) -> list[str]:
    """ID numbers consistent with what was seen of one person, up to `limit`."""
    masked = facts["idNumber"]
    prefix, sequence, check = masked[:4], masked[14:17], masked[17]
    hukou = (facts.get("hukouRegion") or {}).get("code", "")
    counties = [hukou[:6]] if hukou.startswith(prefix) else [f"{prefix}{n:02d}" for n in range(1, 100)]
    if facts.get("birthDate"):
        first = last = date.fromisoformat(facts["birthDate"])
    elif facts.get("birthYear"):
        first, last = date(facts["birthYear"], 1, 1), date(facts["birthYear"], 12, 31)
    else:
        first, last = date(1900, 1, 1), date.today()
    for enrolment in facts.get("enrolments") or []:  # a newborn paid within 90 days of birth (四1)
        quote = (enrolment.get("snapshot") or {}).get("quote") or {}
        if quote.get("route") == "newborn_within":
            on = date.fromisoformat(quote["on"])
            first, last = max(first, on - timedelta(days=90)), min(last, on)
    found = []
    day = first
    while day <= last and len(found) < limit:
        for county in counties:
            body = f"{county}{day:%Y%m%d}{sequence}"
            if ric.calc_check_digit(body + "0") == check:
                found.append(body + check)
        day += timedelta(days=1)
    return found


def rebuilt(reader: Reader) -> dict[str, int]:
    """Per masked number the attacker saw: how many candidates remain (1 means rebuilt)."""
    truth = {r.id_number[:4] + "*" * 10 + r.id_number[-4:]: r.id_number for r in EVERYONE}
    remaining = {}
    for facts in reader.persons.values():
        found = candidates(facts)
        if len(found) < 1000:  # the enumeration was complete: the right number must be among them
            assert truth[facts["idNumber"]] in found, facts
        remaining[facts["name"]] = len(found)
    return remaining


def assert_nothing_leaked(reader: Reader) -> None:
    seen = "\n".join(reader.texts)
    for resident in EVERYONE:
        assert resident.id_number not in seen, resident.name
        for form in (resident.born.isoformat(), f"{resident.born:%Y%m%d}", f"{resident.born:%Y年%-m月%-d日}"):
            assert form not in seen, f"{resident.name}'s birth date {form} was read"


def test_an_auditor_rebuilds_no_masked_id_number(client_as):
    township = populate(client_as)
    reader = read_as_auditor(client_as("AUDITOR", COUNTY), township)

    remaining = rebuilt(reader)
    assert set(remaining) == {r.name for r in EVERYONE}, "the auditor reads every resident"
    assert all(count > 1 for count in remaining.values()), remaining
    assert min(remaining.values()) >= 5, remaining  # even the newborn's 90-day window leaves several
    assert_nothing_leaked(reader)


def test_a_roster_uploader_rebuilds_no_masked_id_number(client_as):
    township = populate(client_as)
    reader = read_as_uploader(client_as("ROSTER_UPLOADER", TOWNSHIP, department="CIVIL_AFFAIRS"), township)

    remaining = rebuilt(reader)
    assert set(remaining) == {r.name for r in EVERYONE}
    assert all(count > 1 for count in remaining.values()), remaining
    assert_nothing_leaked(reader)


def test_lookups_by_id_number_tell_a_masked_role_nothing(client_as):
    """The right number and a wrong candidate get the same refusal: nothing confirms a guess."""
    populate(client_as)
    right = NEWBORN.id_number
    seen = {"idNumber": right[:4] + "*" * 10 + right[-4:], "birthYear": 2024}
    wrong = next(c for c in candidates(seen) if c != right)
    lookups = (
        'query($n: String!) { coverage(idNumber: $n, on: "2024-06-01") { covered reason } }',
        'query($n: String!) { _entities(representations: [{__typename: "Person", idNumber: $n}]) '
        "{ ... on Person { id name } } }",
        'query($n: String!) { _entities(representations: [{__typename: "Enrolment", '
        'person: {idNumber: $n}, coverageYear: 2024, region: {code: "341702001"}}]) '
        "{ ... on Enrolment { id } } }",
    )
    for role in ("AUDITOR",):
        auditor = client_as(role, COUNTY)
        for lookup in lookups:
            answers = [post(auditor, lookup, n=number) for number in (right, wrong)]
            assert answers[0] == answers[1], lookup
            assert answers[0]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Staff who register people need the lookup, and get it.
    clerk = client_as("VILLAGE_CLERK", TOWNSHIP)
    assert gql(clerk, lookups[0], n=right)["coverage"]["covered"] is True
    assert gql(clerk, lookups[1], n=right)["_entities"][0]["name"] == NEWBORN.name


def test_roles_that_see_whole_numbers_still_see_the_birth_date(client_as):
    township = populate(client_as)
    query = (
        "query($id: ID!) { person(id: $id) "
        "{ idNumber birthDate birthYear enrolments { entitlements { startDate } } } }"
    )
    newborn = township.person_ids[NEWBORN.name]
    clerk = gql(client_as("VILLAGE_CLERK", TOWNSHIP), query, id=newborn)["person"]
    auditor = gql(client_as("AUDITOR", COUNTY), query, id=newborn)["person"]

    assert clerk["idNumber"] == NEWBORN.id_number and clerk["birthDate"] == "2024-03-17"
    assert clerk["enrolments"][0]["entitlements"][0]["startDate"] == "2024-03-17"  # covered from birth
    assert auditor["birthDate"] is None and auditor["birthYear"] == 2024
    assert auditor["enrolments"][0]["entitlements"][0]["startDate"] is None
