"""What reports count, once for every province: the roster, standing payments, 参保, money held.

All as of a date (default the source's as-of date):

- On the roster (参保花名册): an enrolment of the year registered by then and not terminated by
  then (death, moving away and employee insurance take a person off it).
- Accepted: the enrolment's deciding quote was accepted. A refused one (a clerk registering ahead
  of the window, a date no route admits) keeps `{"accepted": false}` in its snapshot and its
  amount columns empty (core/services/coverage.py `keep_quote`), so `amount_due_fen` is null.
- Standing payment: an enrolment whose ledger rows up to then net to one payment (+1 per
  PAYMENT, −1 per REVERSAL; a reversal is dated the day it was entered). A 0.00 payment of a
  fully subsidised person stands too. An enrolment never reversed holds at most one payment
  (core/models/payment.py), which the enrolment row itself summarises (`first_paid_on`,
  `first_paid_fen`, kept by the database's triggers, migration 0011): it stands from its date.
  Only an enrolment with `ledger_reversed` has its ledger read (`stands`, `funds_held`).
- 参保 (enrolled and paid, the reports' `paid`): on the roster, accepted, with a standing payment.
  Every 参保人数, 参保率 and 完成率 counts this unless a notice defines its figure otherwise (the
  report then cites the clause). The notices count those who paid, not those registered:
  东政办〔2021〕6号 四（二）, 五（二） make the 参保登记 when the contribution is collected
  ("缴纳参保资金时…进行参保登记并打印…专用票据"); 筑医保通〔2021〕34号 四（一） sets its 参保目标 from
  "上年实际参保缴费人数"; 贵医保组〔2023〕1号 附件2 sets 筹资 (collection) tasks.
- 登记未缴 (registered, not paid): on the roster and not 参保 — never paid, reversed, or refused.
- Money held: the ledger's net amount per region, terminated enrolments included, because money
  received for a person who has since left the roster is still held.

Each returns a subquery for a report to join and roll up to its units (`ReportSource.units`).
"""

from datetime import date

from sqlalchemy import and_, case, func, or_, true
from sqlmodel import col, select

from ..models import Payment
from ..statuses import EnrolmentStatus, PaymentKind
from .source import ReportSource
from .spec import Column, Kind

# The headings every report uses for the two figures above, so one word means one count.
INSURED = "参保人数"
REGISTERED_UNPAID = "登记未缴人数"
PAID_COLUMN = Column("paid", INSURED, Kind.INT, required=True)
REGISTERED_UNPAID_COLUMN = Column("registered_unpaid", REGISTERED_UNPAID, Kind.INT, required=True)


def _day(source: ReportSource, on: date | None) -> date:
    return on or source.as_of


def on_roster_condition(e, day: date):
    """SQL: the enrolment row `e` (a subquery of enrolments) is on the roster on `day`."""
    return and_(
        or_(e.c.enrolled_on.is_(None), e.c.enrolled_on <= day),
        or_(
            e.c.status != EnrolmentStatus.TERMINATED,
            and_(e.c.terminated_on.is_not(None), e.c.terminated_on > day),
        ),
    )


def accepted_condition(e):
    """SQL: the enrolment row `e` was decided by an accepted quote (a refused one has no amount due)."""
    return e.c.amount_due_fen.is_not(None)


def on_roster(source: ReportSource, on: date | None = None):
    """The year's enrolments on the roster on `on`, every enrolment column."""
    e = source.enrolments()
    return select(e).where(on_roster_condition(e, _day(source, on))).subquery("on_roster")


def ledger(source: ReportSource, on: date | None = None):
    """Per enrolment_id of the year's enrolments with ledger rows up to `on`: receipts standing
    (payments less reversals) and funds (the net amount, fen)."""
    # The year's ledger rows (`payment.coverage_year` is its enrolment's) whose enrolment is one of
    # the region's: a semi-join the planner can run as an index lookup per enrolment for a village
    # or in one ordered pass for a city, instead of joining every payment back to its enrolment
    # and region before grouping (`source.payments`), which spilled to disk on a city.
    day = _day(source, on)
    return (
        select(
            Payment.enrolment_id,
            func.sum(case((Payment.kind == PaymentKind.PAYMENT, 1), else_=-1)).label("receipts"),
            func.sum(Payment.amount_fen).label("funds"),
        )
        .where(
            Payment.coverage_year == source.coverage_year,
            Payment.paid_on <= day,
            col(Payment.enrolment_id).in_(source.enrolment_ids()),
        )
        .group_by(Payment.enrolment_id)
        .subquery("ledger")
    )


def _reversed_sum(source: ReportSource, e, day: date, value):
    """SQL: the sum of `value` over the enrolment row `e`'s ledger rows up to `day` (a correlated
    subquery, evaluated only for the few enrolments with a reversal)."""
    return (
        select(func.sum(value))
        .where(
            Payment.enrolment_id == e.c.id,
            Payment.coverage_year == source.coverage_year,
            Payment.paid_on <= day,
        )
        .scalar_subquery()
    )


def stands(source: ReportSource, e, on: date | None = None):
    """SQL: 1 when a payment of the enrolment row `e` (a subquery of enrolments) stands on `on`,
    else 0. An enrolment never reversed holds its one payment on its row; only a reversed one
    reads its ledger, so no row of the many joins the ledger for the few."""
    day = _day(source, on)
    receipts = _reversed_sum(source, e, day, case((Payment.kind == PaymentKind.PAYMENT, 1), else_=-1))
    return case(
        (e.c.ledger_reversed == true(), case((receipts > 0, 1), else_=0)),
        (e.c.first_paid_on <= day, 1),
        else_=0,
    )


def funds_held(source: ReportSource, e, on: date | None = None):
    """SQL: the net amount (fen) of the enrolment row `e`'s ledger up to `on`, as `stands` reads it."""
    day = _day(source, on)
    amount = _reversed_sum(source, e, day, Payment.amount_fen)
    return case(
        (e.c.ledger_reversed == true(), func.coalesce(amount, 0)),
        (e.c.first_paid_on <= day, e.c.first_paid_fen),
        else_=0,
    )


def standing(source: ReportSource, on: date | None = None):
    """Ids (enrolment_id) of the year's enrolments whose payment stands on `on`."""
    e = source.enrolments()
    return select(e.c.id.label("enrolment_id")).where(stands(source, e, on) == 1).subquery("standing")


def roster_status(source: ReportSource, on: date | None = None, paid_by: date | None = None):
    """The enrolments on the roster on `on`, every column, plus `insured`: 1 when 参保 — accepted
    with a payment standing on `paid_by` (default `on`) — else 0 (登记未缴)."""
    e = source.enrolments()
    insured = case((accepted_condition(e), stands(source, e, paid_by or on)), else_=0)
    return (
        select(e, insured.label("insured"))
        .where(on_roster_condition(e, _day(source, on)))
        .subquery("roster_status")
    )


def paid(source: ReportSource, on: date | None = None, paid_by: date | None = None):
    """The 参保 enrolments: on the roster on `on`, accepted, payment standing on `paid_by`; every column."""
    e = source.enrolments()
    return (
        select(e)
        .where(
            on_roster_condition(e, _day(source, on)),
            accepted_condition(e),
            stands(source, e, paid_by or on) == 1,
        )
        .subquery("paid")
    )


def money_held(source: ReportSource, on: date | None = None):
    """Per region_code: receipts standing (payments less reversals) and the net amount (fen)."""
    p = source.payments(on=_day(source, on))
    return (
        select(
            p.c.region_code,
            func.sum(case((p.c.kind == PaymentKind.PAYMENT, 1), else_=-1)).label("receipts"),
            func.sum(p.c.amount_fen).label("funds"),
        )
        .group_by(p.c.region_code)
        .subquery("money_held")
    )


def per_region(source: ReportSource, on: date | None = None):
    """Per region_code in one pass over the year's enrolments: paid (参保), registered_unpaid
    (登记未缴) and funds (money held), as the functions above define them."""
    day = _day(source, on)
    e = source.enrolments()
    listed = case((on_roster_condition(e, day), 1), else_=0)
    insured = case((accepted_condition(e), listed * stands(source, e, day)), else_=0)
    return (
        select(
            e.c.region_code,
            func.sum(insured).label("paid"),
            func.sum(listed - insured).label("registered_unpaid"),
            func.sum(funds_held(source, e, day)).label("funds"),
        )
        .group_by(e.c.region_code)
        .subquery("per_region")
    )
