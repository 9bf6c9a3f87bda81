"""The access matrix's queries: every root field asked for with what each role may or may not read."""

PERSON_FIELDS = "id name idNumber phone household { id members { person { id name idNumber } } }"


ENROLMENT_FIELDS = "enrolments { id payments { id amount } entitlements { id } }"


DEEP_PERSON = f"{PERSON_FIELDS} {ENROLMENT_FIELDS} categories {{ code }}"


QUERIES = {
    "policies": ("{ policies { id } }", None),
    "quote": (
        '{ quote(input: {policyId: "anhui/341702/2024", paidOn: "2023-10-01", '
        'person: {birthDate: "1980-01-01"}}) { amountDue } }',
        None,
    ),
    "person": (f"query($id: ID!) {{ person(id: $id) {{ {DEEP_PERSON} }} }}", "head"),
    "persons": (f"{{ persons(first: 100) {{ nodes {{ {DEEP_PERSON} }} }} }}", None),
    # a person by global id: the same scope and read rules as person(id:)
    "node": (f"query($id: ID!) {{ node(id: $id) {{ ... on Person {{ {DEEP_PERSON} }} }} }}", "head"),
    "household": (
        f"query($id: ID!) {{ household(id: $id) {{ id members {{ person {{ {PERSON_FIELDS} }} }} }} }}",
        "household",
    ),
    "households": (
        # 10 a page: the fan-out household → members → person → household costs 1,762 a household
        # against the query cost limit (api/cost.py); a township here has one.
        f"{{ households(first: 10) {{ nodes {{ id members {{ person {{ {PERSON_FIELDS} }} }} }} }} }}",
        None,
    ),
    "enrolment": (
        "query($id: ID!) { enrolment(id: $id) { id person { id name idNumber } payments { id } } }",
        "enrolment",
    ),
    "enrolments": ("{ enrolments(first: 100) { nodes { id person { id name idNumber } } } }", None),
    "payments": (
        "{ payments(first: 100) { nodes { id amount enrolment { person { name idNumber } } } } }",
        None,
    ),
    "entitlements": ("{ entitlements(first: 100) { nodes { id person { name } } } }", None),
    "coverage": (
        'query($id: String!) { coverage(idNumber: $id, on: "2024-03-01") { covered reason } }',
        "head_id_number",
    ),
    "auditEvents": ("{ auditEvents(first: 100) { nodes { actor regionCode action before after } } }", None),
    "collectionRoster": (
        "query($id: String!) { collectionRoster(regionCode: $id, coverageYear: 2024) "
        "{ name idNumber headName amountDue } }",
        "region",
    ),
    "changeTable": (
        "query($id: String!) { changeTable(regionCode: $id, coverageYear: 2024) { change name idNumber } }",
        "region",
    ),
    "refundLedger": (
        "query($id: String!) { refundLedger(regionCode: $id) { department townshipCode owed outstanding } }",
        "region",
    ),
    "zeroDeclarations": (
        "query($id: String!) { zeroDeclarations(regionCode: $id, coverageYear: 2024) { name idNumber } }",
        "region",
    ),
    "reports": (
        "query($id: String!) { reports { "
        "collectionProgress(regionCode: $id, coverageYear: 2024) { regionCode rows { unitName paid } } "
        "hardshipCoverage(regionCode: $id, coverageYear: 2024) { rows { category holders paid } } "
        "paymentsByChannel(regionCode: $id, coverageYear: 2024) { rows { channel amount } } "
        "unpaidHouseholds(regionCode: $id, coverageYear: 2024) { rows { headName unpaidNames } } "
        "hardshipUnpaidPersons(regionCode: $id, coverageYear: 2024) { rows { name idNumber } } "
        "collectionDaily(regionCode: $id, coverageYear: 2024) { rows { day amount } } } }",
        "region",
    ),
    "reportCatalog": (
        "query($id: String!) { reportCatalog(regionCode: $id) { field applies columns { key kind } } }",
        "region",
    ),
    "viewer": ("{ viewer { name role region { code name } permissions } }", None),
    "importJob": (
        "query($id: ID!) { importJob(id: $id) { id status refused rows { nodes { idNumber reason } } } }",
        "import_job",
    ),
    "_entities": (
        'query($id: String!) { _entities(representations: [{__typename: "Person", idNumber: $id}]) '
        f"{{ ... on Person {{ {DEEP_PERSON} }} }} }}",
        "head_id_number",
    ),
    "_service": ("{ _service { sdl } }", None),
    "enrolmentHistory": (
        "query($id: ID!) { enrolmentHistory(personId: $id) { coverageYear status } }",
        "head",
    ),
    "continuity": (
        "query($id: ID!) { continuity(personId: $id, coverageYear: 2025) { continuousYears yearsEnrolled } }",
        "head",
    ),
}
