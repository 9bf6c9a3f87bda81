"""A payment's reads and writes as statements built once, on rows rather than model objects.

A payment touches a handful of rows, yet building its statements anew for every call and loading,
tracking and flushing model objects cost several times the database's own work (bench/payment.py,
issue 15). So the statements here are built at import with bound parameters (SQLAlchemy then reuses
their compiled form), reads select columns into rows, writes are plain INSERT / UPDATE / DELETE …
RETURNING, and the audit images are made from the rows read and written (core/audit.py
`record_image`): the same events, with the same before and after, as the model objects gave.

The invariants stay where they were: the enrolment row is locked first (`FOR UPDATE` on
PostgreSQL; SQLite's unit of work holds the write lock from BEGIN IMMEDIATE), the database's slot
index and triggers refuse a second standing payment, and the receipt counter is advanced last.
"""

from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlmodel import Session

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..models import Enrolment, Entitlement, Payment
from ..models.base import utcnow
from ..models.enrolment import ENTITY_COLUMNS
from ..receipts import insert_numbered
from ..regions import county_of
from ..rules.result import Quote
from ..scope import scope_of, visible_where
from ..statuses import EnrolmentStatus, PaymentKind
from .coverage import entitlement_columns, quote_columns

ENROLMENT = Enrolment.__table__
PAYMENT = Payment.__table__
ENTITLEMENT = Entitlement.__table__


def _scoped(build, model) -> dict[object, object]:
    """A statement for an unscoped caller, one for a scoped caller (`Scope.params` bound), and one
    for a caller within a county (`_kind`), which names the county (docs/scaling.md §3)."""
    return {
        False: build(()),
        True: build((visible_where(model),)),
        COUNTY: build((visible_where(model, county=True),)),
    }


COUNTY = "county"


def _kind(scope) -> object:
    """Which of `_scoped`'s statements the caller's scope takes."""
    return COUNTY if scope.county is not None else scope.path is not None


def _lock(scoped):
    # Every column: the audit's before image is the whole row, as the model's was.
    return select(*ENTITY_COLUMNS).where(ENROLMENT.c.id == bindparam("enrolment"), *scoped).with_for_update()


def _lock_in_year(scoped):
    # With its year, PostgreSQL reads the one partition that holds it (docs/scaling.md §2).
    return _lock((ENROLMENT.c.coverage_year == bindparam("year"), *scoped))


def _keyed(scoped):
    return select(PAYMENT.c.id).where(PAYMENT.c.idempotency_key == bindparam("key"), *scoped)


_LOCK = {None: _scoped(_lock, Enrolment), "year": _scoped(_lock_in_year, Enrolment)}
_KEYED = _scoped(_keyed, Payment)
# The earliest reversal of the enrolment no payment has replaced yet; none for a first payment.
_FREE_SLOT = (
    select(PAYMENT.c.id)
    .where(
        PAYMENT.c.coverage_year == bindparam("year"),
        PAYMENT.c.enrolment_id == bindparam("enrolment"),
        PAYMENT.c.county_code == bindparam("county"),
        PAYMENT.c.kind == PaymentKind.REVERSAL,
        PAYMENT.c.id.not_in(
            select(PAYMENT.c.replaces_reversal_id).where(
                PAYMENT.c.coverage_year == bindparam("year"),
                PAYMENT.c.enrolment_id == bindparam("enrolment"),
                PAYMENT.c.county_code == bindparam("county"),
                PAYMENT.c.replaces_reversal_id.is_not(None),
            )
        ),
    )
    .order_by(PAYMENT.c.id)
    .limit(1)
)
# The SET clauses come from the parameters given (the status and the kept quote's columns). Each
# statement by enrolment carries its year: on PostgreSQL it touches the year's partition only; and
# its county (the enrolment's, as its ledger rows carry it): on Citus, the county's shard only.
_UPDATE_ENROLMENT = update(ENROLMENT).where(
    ENROLMENT.c.coverage_year == bindparam("year"),
    ENROLMENT.c.id == bindparam("enrolment"),
    ENROLMENT.c.county_code == bindparam("county"),
)
_END_ENTITLEMENTS = (
    delete(ENTITLEMENT)
    .where(
        ENTITLEMENT.c.coverage_year == bindparam("year"),
        ENTITLEMENT.c.enrolment_id == bindparam("enrolment"),
        ENTITLEMENT.c.county_code == bindparam("county"),
    )
    .returning(*ENTITLEMENT.c)
)
_GRANT = insert(ENTITLEMENT).returning(ENTITLEMENT.c.id)


def lock_enrolment_row(
    session: Session, enrolment_id: int, field: str = "enrolmentId", year: int | None = None
) -> Row:
    """The visible enrolment's row (every column), locked until the transaction ends; with `year`,
    only if it is that year's (the caller names the partition to read)."""
    scope = scope_of(session)
    statement = _LOCK[None if year is None else "year"][_kind(scope)]
    values = {"enrolment": enrolment_id, **scope.params} | ({} if year is None else {"year": year})
    row = session.connection().execute(statement, values).first()
    if row is None:
        raise not_found(field)
    return row


def not_found(field: str = "enrolmentId") -> InputError:
    """An enrolment the caller cannot see, or that does not exist."""
    return InputError.one(field, ErrorCode.NOT_FOUND, "参保登记不存在")


def keyed_ids(session: Session, key: str) -> list[int]:
    """The ids of the entries this key made that the caller may see (core/services/payments.py `keyed`)."""
    scope = scope_of(session)
    statement = _KEYED[_kind(scope)]
    return list(session.connection().execute(statement, {"key": key, **scope.params}).scalars())


def write_payment(
    session: Session, actor: Actor, enrolment: Row, quote: Quote, values: dict, amount_fen: int
) -> Payment:
    """Stores a payment of a payable (ENROLLED) enrolment into its free slot: the enrolment becomes
    PAID with the deciding quote kept, its entitlement is replaced, and each change is audited.

    `values` are the payment's own columns (paid_on, channel, collector, idempotency_key).
    """
    connection = session.connection()
    year, county = enrolment.coverage_year, enrolment.county_code
    by_enrolment = {"enrolment": enrolment.id, "year": year, "county": county}
    slot = connection.execute(_FREE_SLOT, by_enrolment).scalar()
    before = audit.image(enrolment._asdict())
    # Payable means nothing stood; this payment now does, so the status is PAID without counting.
    paid = before | {"status": EnrolmentStatus.PAID}
    kept = quote_columns(enrolment.snapshot, quote, values["paid_on"])
    connection.execute(_UPDATE_ENROLMENT, {**by_enrolment, "status": EnrolmentStatus.PAID, **kept})
    ended = connection.execute(_END_ENTITLEMENTS, by_enrolment).all()
    granted = entitlement_columns(enrolment, quote, values["paid_on"])
    entitlement_id = connection.execute(_GRANT, granted).scalar_one()
    # The receipt counter last: its row stays locked until the commit.
    row = payment_columns(enrolment, values, amount_fen, county_of(session, enrolment.region_code), slot)
    payment_id, seq, number = insert_numbered(session, row)
    payment = Payment(id=payment_id, receipt_seq=seq, receipt_number=number, **row)
    image = audit.snapshot_of(payment)
    record_payment_events(session, actor, image, before, paid, kept, ended, entitlement_id, granted)
    return payment


def payment_columns(enrolment, values: dict, amount_fen: int, county: str, slot: int | None) -> dict:
    """A payment's row but its id and receipt (`write_payment`'s, and an import batch's for each of
    its payments, which numbers them together at its end)."""
    return {
        "enrolment_id": enrolment.id,
        "kind": PaymentKind.PAYMENT,
        "amount_fen": amount_fen,
        **values,
        "receipt_region_code": county,
        "coverage_year": enrolment.coverage_year,
        "county_code": enrolment.county_code,  # its enrolment's shard (docs/scaling.md §3)
        "reverses_payment_id": None,
        "replaces_reversal_id": slot,
        "reason": None,
        "created_at": utcnow(),
    }


def record_payment_events(
    session: Session,
    actor: Actor,
    payment: dict,
    before: dict,
    paid: dict,
    kept: dict,
    ended: list,
    entitlement_id: int,
    granted: dict,
) -> None:
    """The events of a payment: the payment, the status settled, each entitlement ended, the quote
    decided and the entitlement granted, in that order; `payment`, `before` and `paid` are images
    (the payment's, the enrolment's before and once PAID)."""
    enrolment_id = payment["enrolment_id"]
    audit.record_image(session, actor, "record_payment", "payment", payment["id"], None, payment)
    audit.record_image(session, actor, "settle_status", "enrolment", enrolment_id, before, paid)
    for old in ended:
        audit.record_image(
            session, actor, "end_entitlement", "entitlement", old.id, audit.image(old._asdict()), None
        )
    after = paid | audit.image(kept)
    if after == paid:  # the quote kept at enrolment, the same day: one document, encoded once (bulk.py)
        after = paid
    audit.record_image(session, actor, "decide_quote", "enrolment", enrolment_id, paid, after)
    granted_image = audit.image({"id": entitlement_id, **granted})
    audit.record_image(
        session, actor, "grant_entitlement", "entitlement", entitlement_id, None, granted_image
    )
