"""Statuses and kinds are defined once (core/statuses.py): the tables' constraints are built from them."""

import pytest
from sqlalchemy import CheckConstraint

from yibao.core import models
from yibao.core.statuses import (
    EnrolmentStatus,
    HistoryStatus,
    ImportKind,
    ImportOutcome,
    ImportStatus,
    ListSource,
    PayeeAccountKind,
    PaymentKind,
    RefundKind,
    RefundStatus,
    SettlementStatus,
    TargetKind,
    sql_in,
)

COLUMNS = [
    (models.Enrolment, "status", EnrolmentStatus),
    (models.Payment, "kind", PaymentKind),
    (models.Refund, "kind", RefundKind),
    (models.Refund, "status", RefundStatus),
    (models.Settlement, "status", SettlementStatus),
    (models.ImportJob, "kind", ImportKind),
    (models.ImportJob, "status", ImportStatus),
    (models.ImportRow, "outcome", ImportOutcome),
    (models.Target, "kind", TargetKind),
    (models.EnrolmentHistory, "status", HistoryStatus),
    (models.ListEntry, "source", ListSource),
]


@pytest.mark.parametrize(("model", "column", "codes"), COLUMNS, ids=lambda v: getattr(v, "__name__", v))
def test_the_constraint_allows_exactly_the_enum(model, column, codes):
    [constraint] = [
        c
        for c in model.__table__.constraints
        if isinstance(c, CheckConstraint) and c.name == f"ck_{model.__tablename__}_{column}"
    ]
    assert str(constraint.sqltext) == f"{column} IN {sql_in(codes)}"


def test_the_payee_account_constraint_too():
    [constraint] = [
        c for c in models.Refund.__table__.constraints if getattr(c, "name", "") == "ck_refund_account"
    ]
    assert sql_in(PayeeAccountKind) in str(constraint.sqltext)


def test_a_member_is_its_code():
    assert EnrolmentStatus.PAID == "PAID" and f"{RefundStatus.PENDING}" == "PENDING"
    assert sql_in(PaymentKind) == "('PAYMENT', 'REVERSAL')"
