"""Each person's record of the year before: yibao's own enrolment, else the imported 参保底表.

The collection roster's 上年参保状态, the change table and the reports that compare with last year
read it. yibao's enrolment of the year wins (with the net amount paid on it); for a year yibao holds
no policy for, the history imported from the national platform's base table answers
(core/services/history_import.py): PAID, UNPAID (registered, unpaid — the register's ENROLLED) or
STOPPED (停保). Only what the caller may see is read.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from ..models import Enrolment, EnrolmentHistory, Payment
from ..regions import codes_under
from ..scope import Scope
from ..statuses import EnrolmentStatus, HistoryStatus

REGISTER, HISTORY = "REGISTER", "HISTORY"
# The history's statuses in the register's words (停保 has none: it stays STOPPED).
FROM_HISTORY = {
    HistoryStatus.PAID: EnrolmentStatus.PAID,
    HistoryStatus.UNPAID: EnrolmentStatus.ENROLLED,
    HistoryStatus.STOPPED: HistoryStatus.STOPPED,
}


@dataclass(frozen=True)
class LastYear:
    status: str  # ENROLLED, PAID, TERMINATED (register); PAID, ENROLLED, STOPPED (history)
    paid_fen: int | None  # net paid on the enrolment; what the base table says was paid (may be unknown)
    region_code: str
    source: str  # REGISTER or HISTORY
    tier: str | None = None
    enrolment: Enrolment | None = None


def history_rows(session: Session, scope: Scope, person_ids, year: int) -> list[EnrolmentHistory]:
    statement = select(EnrolmentHistory).where(
        EnrolmentHistory.coverage_year == year, col(EnrolmentHistory.person_id).in_(person_ids)
    )
    if scope.path is not None:
        statement = statement.where(col(EnrolmentHistory.region_code).in_(codes_under(scope.path)))
    return list(session.exec(statement).all())


def last_year(session: Session, scope: Scope, person_ids, coverage_year: int) -> dict[int, LastYear]:
    """Each person's visible record of `coverage_year - 1`, register first."""
    year = coverage_year - 1
    conditions = (
        Enrolment.coverage_year == year,
        col(Enrolment.person_id).in_(person_ids),
        scope.visible(Enrolment),
    )
    enrolments = session.exec(select(Enrolment).where(*conditions)).all()
    paid = dict(
        session.exec(
            select(Payment.enrolment_id, func.sum(Payment.amount_fen))
            .join(Enrolment, col(Enrolment.id) == col(Payment.enrolment_id))
            .where(*conditions)
            .group_by(Payment.enrolment_id)
        ).all()
    )
    found = {
        h.person_id: LastYear(FROM_HISTORY[h.status], h.amount_paid_fen, h.region_code, HISTORY)
        for h in history_rows(session, scope, person_ids, year)
    }
    for e in enrolments:
        found[e.person_id] = LastYear(e.status, int(paid.get(e.id) or 0), e.region_code, REGISTER, e.tier, e)
    return found
