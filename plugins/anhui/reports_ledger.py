"""What the anhui reports count, as SQL over a report source, all as of the source's as-of date.

- On the roster (参保花名册): an enrolment registered by the as-of date and not terminated by
  then. Terminated enrolments (death, moving, employee insurance) leave the roster.
- Standing payment: an enrolment whose ledger rows up to the as-of date net to one payment
  (+1 per PAYMENT, −1 per REVERSAL). A 0.00 payment of a fully subsidised person stands too.
- Paid (参保/筹资): on the roster and with a standing payment.

Each function returns a subquery keyed by region_code, for a report to roll up to its units.
"""

from sqlalchemy import and_, case, func, or_
from sqlmodel import select

from core.reports import ReportSource


def on_roster(source: ReportSource):
    """Enrolments of the year on the roster as of the as-of date: id, region_code, amount_due_fen."""
    day = source.as_of
    e = source.enrolments()
    return (
        select(e.c.id, e.c.region_code, e.c.amount_due_fen)
        .where(
            or_(e.c.enrolled_on.is_(None), e.c.enrolled_on <= day),
            or_(e.c.status != "TERMINATED", and_(e.c.terminated_on.is_not(None), e.c.terminated_on > day)),
        )
        .subquery("on_roster")
    )


def standing(source: ReportSource):
    """Enrolment ids whose payments, net of reversals, stand as of the as-of date."""
    p = source.payments(on=source.as_of)
    return (
        select(p.c.enrolment_id)
        .group_by(p.c.enrolment_id)
        .having(func.sum(case((p.c.kind == "PAYMENT", 1), else_=-1)) > 0)
        .subquery("standing")
    )


def paid(source: ReportSource):
    """Paid enrolments (on the roster, payment standing): id, region_code, amount_due_fen."""
    roster, stands = on_roster(source), standing(source)
    return (
        select(roster.c.id, roster.c.region_code, roster.c.amount_due_fen)
        .join(stands, stands.c.enrolment_id == roster.c.id)
        .subquery("paid")
    )


def ledger(source: ReportSource):
    """Per region: receipts standing (payments less reversals) and the net amount, as of the as-of date.

    Counts every enrolment's ledger, terminated ones included: money received for a person who
    has since left the roster is still money held.
    """
    p = source.payments(on=source.as_of)
    return (
        select(
            p.c.region_code,
            func.sum(case((p.c.kind == "PAYMENT", 1), else_=-1)).label("receipts"),
            func.sum(p.c.amount_fen).label("funds"),
        )
        .group_by(p.c.region_code)
        .subquery("ledger")
    )
