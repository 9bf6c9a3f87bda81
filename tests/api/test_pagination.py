"""Cursor pages, region filters, and a constant number of SQL queries per page."""

import pytest
from sqlalchemy import event

from tests.support.factories import id_number
from tests.support.graphql_client import gql, gql_errors
from tests.support.households import enrol_household, register
from tests.support.reads import HOUSEHOLDS


def seed(client, count: int, village: str, start: int = 0) -> None:
    for i in range(start, start + count):
        household = {
            "addressRegionCode": village,
            "members": [
                {
                    "isHead": j == 0,
                    "person": {
                        "name": f"户{i}成员{j}",
                        "idNumber": id_number(region="341702", seq=i * 3 + j),
                        "hukouRegionCode": village,
                    },
                }
                for j in range(3)
            ],
        }
        created = register(client, household)
        enrol_household(client, created["id"], "anhui/341702/2024")  # whole households (三8)


def test_pages_follow_cursors_without_gaps_or_repeats(client):
    seed(client, 5, "341702001")
    seen, after = [], None
    while True:
        page = gql(client, HOUSEHOLDS, first=2, after=after)["households"]
        seen += [node["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 5 == len(set(seen))


def test_region_filter_selects_everything_below_the_region(client):
    seed(client, 2, "341702001")
    seed(client, 3, "341702002", start=10)

    def count(region):
        return len(gql(client, HOUSEHOLDS, region=region, first=50)["households"]["nodes"])

    assert count("341702001") == 2
    assert count("341702002") == 3
    assert count("341702") == 5  # the district covers both towns
    assert count("340000") == 5
    assert count("411322") == 0
    assert count("nowhere") == 0


def test_a_page_of_households_costs_the_same_queries_whatever_its_size(client, engine):
    seed(client, 8, "341702001")
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        gql(client, HOUSEHOLDS, first=2)
        small = len(statements)
        statements.clear()
        gql(client, HOUSEHOLDS, first=8)
        large = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert small == large
    # page, regions ×2, members, persons, enrolments: batched, not per row; and the access log's
    # lookup of the households' members and its one insert (core/access_log.py)
    assert large <= 10


@pytest.mark.parametrize(("first", "after"), [(0, None), (101, None), (5, "not-a-cursor")])
def test_bad_page_arguments_name_the_argument(client, first, after):
    errors = gql_errors(client, HOUSEHOLDS, first=first, after=after)
    assert errors[0]["extensions"]["field"] in ("first", "after")
