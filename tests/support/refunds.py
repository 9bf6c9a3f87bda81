"""Refund flows over GraphQL: the documents, and owing a refund directly for a test."""

from datetime import date

from sqlmodel import Session
from starlette.testclient import TestClient

from yibao.core.models import Enrolment, Refund

PAY_REFUNDS = """
mutation($input: PayRefundsInput!) {
  payRefunds(input: $input) {
    __typename
    ... on RefundBatch { id department regionCode paidOn count amount actor }
    ... on InputErrors { errors { field code message } }
  }
}"""


TERMINATE = """
mutation($input: TerminateEnrolmentInput!) {
  terminateEnrolment(input: $input) {
    __typename
    ... on Enrolment {
      id status terminatedOn terminationReason entitlements { startDate }
      refunds { kind amount department status reason payeeAccount }
    }
    ... on InputErrors { errors { field code message } }
  }
}"""


def owe_for_test(
    engine,
    enrolment_id: int,
    department: str = "CIVIL_AFFAIRS",
    amount_fen: int = 5000,
    recovered: bool = False,
) -> int:
    """An owed refund written straight to the store, for policies that owe none (the access matrix);
    with `recovered`, a paid one whose payment was reversed and the recovery it is owed. The id of
    the refund, or of the recovery."""
    with Session(engine) as session, session.begin():
        year = session.get(Enrolment, enrolment_id).coverage_year
        refund = Refund(
            enrolment_id=enrolment_id,
            coverage_year=year,
            kind="COLLECT_THEN_REFUND",
            amount_fen=amount_fen,
            department=department,
            reason="test",
            payee_account_kind="ONE_CARD",
            payee_account="6217000012345678",
        )
        if recovered:
            refund.status, refund.paid_on = "PAID", date(2024, 1, 10)
        session.add(refund)
        session.flush()
        if not recovered:
            return refund.id
        recovery = Refund(
            enrolment_id=enrolment_id,
            coverage_year=year,
            kind="RECOVERY",
            amount_fen=amount_fen,
            department=department,
            recovers_refund_id=refund.id,
            reason="test",
        )
        session.add(recovery)
        session.flush()
        return recovery.id


def engine_of(client: TestClient):
    """The engine behind a test client's app (its /graphql endpoint keeps it)."""
    return next(
        route.endpoint.engine for route in client.app.routes if getattr(route, "path", "") == "/graphql"
    )
