"""The refund ledger: per department and township, what is owed back, paid, outstanding, pending,
and what is to be recovered (应追回) and was recovered, summed in SQL.

`owed` is what standing payments are owed: every refund with a known amount that was not
cancelled, less what is to be recovered (a paid refund whose payment was reversed). So, row by
row, owed = paid + outstanding − to_recover: every yuan paid out is either owed to a standing
payment or on its way back.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy.orm import aliased
from sqlmodel import Session, case, func, select

from ..models import Enrolment, Refund, Region
from ..regions import region_path, under
from ..scope import Scope
from ..statuses import RefundKind, RefundStatus


@dataclass(frozen=True)
class LedgerRow:
    department: str | None
    township_code: str
    township_name: str
    owed_fen: int
    paid_fen: int
    outstanding_fen: int
    to_recover_fen: int  # 应追回: paid refunds whose payment was reversed
    recovered_fen: int
    owed_count: int
    paid_count: int
    outstanding_count: int
    pending_count: int  # owed, with an amount waiting for a parameter
    to_recover_count: int


def refund_ledger(
    session: Session, scope: Scope, region_code: str, coverage_year: int | None
) -> list[LedgerRow]:
    """One row per refunding department and township.

    The township is the township-level ancestor of the enrolment's region (a village's township,
    or the township itself); an enrolment registered above township level stands for itself.
    """
    path = region_path(session, region_code)
    if path is None:
        return []
    statement = ledger_statement(path, coverage_year).where(scope.visible(Refund))
    return ledger_rows(session.exec(statement))


def ledger_rows(found) -> list[LedgerRow]:
    rows = [LedgerRow(*(int(v) if isinstance(v, Decimal) else v for v in row)) for row in found]
    return sorted(rows, key=lambda row: (row.department or "", row.township_code))


def _sum(condition, value=Refund.amount_fen):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def ledger_statement(path: str, coverage_year: int | None):
    """The ledger's SELECT for the refunds of enrolments in or below the region at `path`."""
    place = aliased(Region)  # the enrolment's region
    township = aliased(Region)
    township_code = func.coalesce(township.code, place.code)
    township_name = func.coalesce(township.name, place.name)
    refund = Refund.kind != RefundKind.RECOVERY
    recovery = Refund.kind == RefundKind.RECOVERY
    known = and_(refund, Refund.status.in_((RefundStatus.OWED, RefundStatus.PAID)))
    paid = and_(refund, Refund.status == RefundStatus.PAID)
    outstanding = and_(refund, Refund.status == RefundStatus.OWED)
    statement = (
        select(
            Refund.department,
            township_code,
            township_name,
            _sum(known) - _sum(recovery),
            _sum(paid),
            _sum(outstanding),
            _sum(recovery),
            _sum(and_(recovery, Refund.status == RefundStatus.PAID)),
            _sum(known, 1) - _sum(recovery, 1),
            _sum(paid, 1),
            _sum(outstanding, 1),
            _sum(and_(refund, Refund.status == RefundStatus.PENDING), 1),
            _sum(recovery, 1),
        )
        .join(Enrolment, Enrolment.id == Refund.enrolment_id)
        .join(place, place.code == Enrolment.region_code)
        .outerjoin(
            township,
            and_(township.level == "township", place.path.startswith(township.path)),
        )
        .where(under(path, place.path), Refund.status != RefundStatus.CANCELLED)
        .group_by(Refund.department, township_code, township_name)
    )
    if coverage_year is not None:
        statement = statement.where(Enrolment.coverage_year == coverage_year)
    return statement
