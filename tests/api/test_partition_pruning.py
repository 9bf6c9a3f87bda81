"""The hot statements read one coverage year's partition of the ledger (docs/scaling.md §2).

On PostgreSQL the ledger is partitioned by coverage year (migration 0013); a statement that names
the year is planned against that year's partition alone. Each test runs the real code path (a
household page, recordPayment, a report), captures the statements it sends, and EXPLAINs them with
their parameters: the test database has partitions for 2022, 2024 and a DEFAULT one, so a statement
that lost its year would name all three.
"""

from datetime import date

import pytest
from sqlmodel import Session

from tests.support.counting import REGISTRY
from tests.support.graphql_client import gql
from tests.support.guiyang import HUAXI
from tests.support.households import PAY, enrol, payment_input, register
from tests.support.plans import captured, partitions_read, reading
from yibao.core.partitions import LEDGER
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope

pytestmark = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)

PAGE = """
query($year: Int) {
  households(regionCode: "341721", first: 20) {
    nodes { members { person { enrolments(coverageYear: $year) { id coverageYear status } } } }
  }
}"""


def _enrolled_household(client) -> str:
    household = register(client)
    father = household["members"][0]["person"]["id"]
    return enrol(client, father)["id"]


def _reads_of_enrolment(statements):
    return reading(statements, lambda s: "FROM enrolment" in s and "person_id IN" in s)


def test_the_household_pages_enrolments_read_the_years_partition_only(engine, client):
    _enrolled_household(client)
    with captured(engine) as statements:
        page = gql(client, PAGE, year=2022)["households"]["nodes"]
    assert [e["coverageYear"] for e in page[0]["members"][0]["person"]["enrolments"]] == [2022]
    [(statement, parameters)] = _reads_of_enrolment(statements)
    assert partitions_read(engine, statement, parameters) == {"enrolment_y2022"}

    # Without the year the page reads every year's enrolments, from every partition.
    with captured(engine) as statements:
        gql(client, PAGE, year=None)
    [(statement, parameters)] = _reads_of_enrolment(statements)
    assert partitions_read(engine, statement, parameters) == {
        "enrolment_y2022",
        "enrolment_y2024",
        "enrolment_default",
    }


def test_record_payment_locks_and_writes_its_enrolment_in_the_years_partition(engine, client):
    enrolment_id = _enrolled_household(client)
    with captured(engine) as statements:
        paid = gql(client, PAY, input=payment_input(enrolment_id) | {"coverageYear": 2022})["recordPayment"]
    assert paid["__typename"] == "Payment", paid
    [(lock, parameters)] = reading(statements, lambda s: "FROM enrolment" in s and "FOR UPDATE" in s)
    assert partitions_read(engine, lock, parameters) == {"enrolment_y2022"}

    # The service's other statements by the enrolment (core/services/payment_rows.py, bound as
    # `enrolment`) carry its year too: the free slot, the enrolment's update, its entitlements.
    by_enrolment = [
        (s, p)
        for s, p in statements
        if isinstance(p, dict) and "enrolment" in p and s.lstrip().startswith(("SELECT", "UPDATE", "DELETE"))
    ]
    assert len(by_enrolment) == 4, by_enrolment
    for statement, parameters in by_enrolment:
        read = partitions_read(engine, statement, parameters)
        assert read and read <= {"enrolment_y2022", "payment_y2022", "entitlement_y2022"}, (read, statement)

    # A year that is not the enrolment's finds nothing to lock.
    wrong = payment_input(enrolment_id, key="pay-2") | {"coverageYear": 2024}
    assert gql(client, PAY, input=wrong)["recordPayment"]["errors"][0]["code"] == "NOT_FOUND"


def test_a_reports_year_scan_reads_the_years_partitions_only(engine):
    report = REGISTRY.reports.get("collection_progress")
    with captured(engine) as statements, Session(engine) as session:
        REGISTRY.reports.run(
            session, Scope(path=None), REGISTRY, report, ReportArgs(HUAXI[:6], 2022, date(2021, 12, 31))
        )
    ledger = reading(statements, lambda s: any(f" {t} " in f"{s} " for t in LEDGER))
    assert ledger, "the report read no ledger table"
    for statement, parameters in ledger:
        read = partitions_read(engine, statement, parameters)
        assert read and read <= {f"{t}_y2022" for t in LEDGER}, (read, statement)
