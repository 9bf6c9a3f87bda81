"""How a province on distributed PostgreSQL (Citus) would place the tables (docs/scaling.md §3).

Listed once, here, for the migration that adds the distribution column (0018_county_code), for
the services that state it, and for the check that every hot statement names it
(tests/core/test_county_routing.py).
"""

from collections.abc import Callable

from sqlalchemy import text

COLUMN = "county_code"

# Distributed by county code, co-located, and carrying the column now (migrations 0018, 0019): the
# tables the benchmark operations (bench/load.py's mix) read and write. A person's hardship
# identities and departure lie on their person's shard.
DISTRIBUTED = frozenset(
    {
        "household",
        "household_member",
        "person",
        "enrolment",
        "payment",
        "entitlement",
        "audit_event",
        "receipt_sequence",
        "category_fact",
        "departure",
    }
)

# Distributed by county code in the design, without the column yet: a statement on one of them
# would reach every shard. None is touched by the benchmark operations' statements that the check
# covers; each is listed so that the check names it if one is.
DESIGNED = frozenset(
    {
        "refund",
        "refund_batch",
        "settlement",
        "stated_circumstance",
        "list_entry",
        "deposit_slip",
        "import_job",
        "import_row",
        "tax_confirmation",
        "enrolment_history",
    }
)

# Copied to every node: a statement on them goes to any one.
REFERENCE = frozenset({"region", "target", "login_link"})

# A county's code is the first 6 digits of every region code under it (a township is the county's
# code and a sequence, a village the township's and one more); a region above county level keeps
# its own 6 digits.
COUNTY_DIGITS = 6


def county_code_of(code: str) -> str:
    """The county code of a region code: its first 6 digits. The one place it is derived."""
    return code[:COUNTY_DIGITS]


# The county of a row whose caller states no region (the system's own events).
NO_REGION = "000000"


def county_of_region(code: str | None) -> str:
    """The county code a row of `code`'s region carries; NO_REGION for none."""
    return NO_REGION if code is None else county_code_of(code)


def from_column(name: str) -> Callable:
    """A column default: the county of the row's own region column `name`, computed as the INSERT is
    built, so the statement carries it (a trigger filling it would not route on Citus). For rows
    written without a service that states it (tests' fixtures, a hand-written insert through the
    models); the services state it."""

    def default(context):
        return county_of_region(context.get_current_parameters().get(name))

    return default


def county_of_person(context) -> str:
    """A person's default county: where they live (residence, else hukou). The services state a
    member's person's county as its household's."""
    params = context.get_current_parameters()
    return county_of_region(params.get("residence_region_code") or params.get("hukou_region_code"))


def county_of_row(table: str, key: str) -> Callable:
    """A column default: the county of the `table` row whose id is the row's `key` (a member's
    household, an entitlement's enrolment), read as the INSERT is built. A fallback only: it costs
    a statement, which the routing check (tests/core/test_county_routing.py) finds on the hot
    paths — there the services state the county themselves."""
    statement = text(f"SELECT county_code FROM {table} WHERE id = :id")

    def default(context):
        return context.connection.execute(statement, {"id": context.get_current_parameters()[key]}).scalar()

    return default
