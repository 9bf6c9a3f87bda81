"""What reports count, once for every province: the roster, standing payments, paid, money held.

All as of a date (default the source's as-of date):

- On the roster: an enrolment of the year registered by then and not terminated by then
  (death, moving away and employee insurance take a person off it).
- Standing payment: an enrolment whose ledger rows up to then net to one payment (+1 per
  PAYMENT, −1 per REVERSAL; a reversal is dated the day it was entered). A 0.00 payment of a
  fully subsidised person stands too.
- Paid: on the roster with a standing payment.
- Money held: the ledger's net amount per region, terminated enrolments included, because money
  received for a person who has since left the roster is still held.

Each returns a subquery for a report to join and roll up to its units (`ReportSource.units`).
"""

from datetime import date

from sqlalchemy import and_, case, func, or_
from sqlmodel import select

from ..models import Payment
from .source import ReportSource


def _day(source: ReportSource, on: date | None) -> date:
    return on or source.as_of


def on_roster_condition(e, day: date):
    """SQL: the enrolment row `e` (a subquery of enrolments) is on the roster on `day`."""
    return and_(
        or_(e.c.enrolled_on.is_(None), e.c.enrolled_on <= day),
        or_(e.c.status != "TERMINATED", and_(e.c.terminated_on.is_not(None), e.c.terminated_on > day)),
    )


def on_roster(source: ReportSource, on: date | None = None):
    """The year's enrolments on the roster on `on`, every enrolment column."""
    e = source.enrolments()
    return select(e).where(on_roster_condition(e, _day(source, on))).subquery("on_roster")


def standing(source: ReportSource, on: date | None = None):
    """Ids (enrolment_id) of the year's enrolments whose payment stands on `on`."""
    p = source.payments(on=_day(source, on))
    return (
        select(p.c.enrolment_id)
        .group_by(p.c.enrolment_id)
        .having(func.sum(case((p.c.kind == "PAYMENT", 1), else_=-1)) > 0)
        .subquery("standing")
    )


def paid(source: ReportSource, on: date | None = None, paid_by: date | None = None):
    """Enrolments on the roster on `on` whose payment stands on `paid_by` (default `on`), every column."""
    roster, stands = on_roster(source, on), standing(source, paid_by or on)
    return select(roster).join(stands, stands.c.enrolment_id == roster.c.id).subquery("paid")


def money_held(source: ReportSource, on: date | None = None):
    """Per region_code: receipts standing (payments less reversals) and the net amount (fen)."""
    p = source.payments(on=_day(source, on))
    return (
        select(
            p.c.region_code,
            func.sum(case((p.c.kind == "PAYMENT", 1), else_=-1)).label("receipts"),
            func.sum(p.c.amount_fen).label("funds"),
        )
        .group_by(p.c.region_code)
        .subquery("money_held")
    )


def per_region(source: ReportSource, on: date | None = None):
    """Per region_code in one pass over the year's enrolments: enrolled (on the roster), paid and
    funds (money held), as the functions above define them."""
    day = _day(source, on)
    e = source.enrolments()
    # The year's whole ledger, narrowed by the join to the region's enrolments below: joining it
    # back to enrolment first (as `source.payments` does) doubles the work of a city-wide report.
    ledger = (
        select(
            Payment.enrolment_id,
            func.sum(case((Payment.kind == "PAYMENT", 1), else_=-1)).label("standing"),
            func.sum(Payment.amount_fen).label("funds"),
        )
        .where(Payment.coverage_year == source.coverage_year, Payment.paid_on <= day)
        .group_by(Payment.enrolment_id)
        .subquery("ledger")
    )
    listed = on_roster_condition(e, day)
    return (
        select(
            e.c.region_code,
            func.sum(case((listed, 1), else_=0)).label("enrolled"),
            func.sum(case((and_(listed, ledger.c.standing > 0), 1), else_=0)).label("paid"),
            func.coalesce(func.sum(ledger.c.funds), 0).label("funds"),
        )
        .outerjoin(ledger, ledger.c.enrolment_id == e.c.id)
        .group_by(e.c.region_code)
        .subquery("per_region")
    )
