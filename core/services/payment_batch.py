"""A collected roster's batch enrolled and paid as one set: the services' checks, written in bulk.

Row by row, each payment of an import called `enrol` and `record_payment`, each in its own
transactions: ~40 statements, 6 transactions and 5 audit events per row, three orders of
magnitude slower than the database's own work (bench/README.md, issue 15). Here a batch is one
transaction: its persons' enrolments (locked), identities, history, household mates and lists
are read in a few statements; each row is checked in row order by the same functions the services
call (core/services/enrolments.py, payments.py, household_rule.py, lists_in_force.py, the rules
engine for the amount: the server computes, the file states intent); then the enrolments,
payments, entitlements, refunds and audit events the services would write are written with one
`COPY` (PostgreSQL) or a few INSERTs of many rows (SQLite) each, and the receipt numbers are
reserved at the batch's end with one advance of the county's counter.

The money invariants stay in the database and the batch goes through them: the first-slot unique
index, the slot and ledger-summary triggers fire for every payment row, the enrolment's
(person, year) unique index for every new enrolment. On PostgreSQL a new enrolment is written with
the ledger summary its payment gives it, which the database checks against the ledger at the
commit (migration 0022), rather than written bare and updated again by the payment's trigger.
Where one refuses (a clerk paying or enrolling the same person at the same moment), the whole
batch's transaction rolls back and the import takes the batch again row by row through the
services (core/services/payment_import.py), which answer each row as a single payment would.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import bindparam, delete, select, text
from sqlmodel import Session

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, InputError
from ..imports.bulk import among, insert_rows, probe, share_documents
from ..imports.turn import Turn
from ..models import CategoryFact, Enrolment, Entitlement, Payment, Person, Refund
from ..models.base import utcnow
from ..models.enrolment import ENTITY_COLUMNS
from ..receipts import reserve_receipts
from ..regions import county_of
from ..rules.memo import QuoteMemo
from ..rules.policy import Policy
from ..rules.registry import Registry
from ..rules.result import Quote
from ..scope import enrolment_region, scope_of
from ..statuses import EnrolmentStatus, PaymentKind
from . import circumstances
from .continuity import continuity_from, years_enrolled_of
from .coverage import decided, entitlement_columns, quote_columns, quote_with
from .enrolments import (
    EnrolmentInput,
    channel_errors,
    enrolment_columns,
    enrolment_quote,
    plain_request_errors,
)
from .facts import continuity_of_snapshot, stated_facts
from .household_rule import mates_of, refuse_partial, statuses
from .lists_in_force import employee_insured_of, insured_errors
from .payment_rows import not_found, payment_columns, record_payment_events
from .payments import amount_error, date_error, payable, require_text
from .persons import region_errors
from .refunds import PayeeAccount, refund_columns

ENROLMENT, PAYMENT, ENTITLEMENT, REFUND = (m.__table__ for m in (Enrolment, Payment, Entitlement, Refund))
_ENROLMENT_COLUMNS = [c.name for c in ENTITY_COLUMNS]
_PAYMENT_COLUMNS = [c.name for c in PAYMENT.c]
_ENTITLEMENT_COLUMNS = [c.name for c in ENTITLEMENT.c]
_REFUND_COLUMNS = [c.name for c in REFUND.c]
_UNPAID_HINT = "；请用 payHousehold 为全户一并缴费"


@dataclass(frozen=True)
class Payer:
    """One row to pay: its cells parsed and its person found (core/services/payment_import.py)."""

    number: int
    person: Person
    amount_fen: int
    paid_on: date
    channel: str
    tier: str
    account: PayeeAccount | None
    key: str  # the payment's idempotency key
    enrolment_key: str  # the enrolment's, when the row enrols the person
    region_code: str | None  # where to enrol when not where the person lives (EnrolmentInput)


def payable_draft(
    policy: Policy, channel: str, tier: str, amount_fen: int, quote: Callable[[], Quote]
) -> None:
    """What a row must pass before anyone is enrolled for it, so that a refused row leaves no
    enrolment behind: the checks `record_payment` makes (channel, tier, a day some route admits,
    the amount due), on a draft of the enrolment the row would make. Raises InputError."""
    if (refused := plain_payable_error(policy, channel, tier)) is not None:
        raise refused
    drafted = quote()
    if error := date_error(drafted) or amount_error(drafted, amount_fen):
        raise error


def plain_payable_error(policy: Policy, channel: str, tier: str) -> InputError | None:
    """`payable_draft`'s checks of the channel and the tier alone (the same for every row paying
    by that channel at that tier: an import's batch asks once for each)."""
    if errors := channel_errors(policy, channel):
        return InputError(errors)
    if policy.tier(tier) is None:
        return InputError.one("tier", ErrorCode.INVALID, f"政策 {policy.id} 没有档次 {tier}")
    return None


def draft_enrolment(policy: Policy, person_id: int, tier: str, region_code: str) -> "Draft":
    """The enrolment a row would make, for `payable_draft`'s quote (nothing stated, no history)."""
    return Draft(
        person_id=person_id,
        coverage_year=policy.coverage_year,
        region_code=region_code,
        policy_id=policy.id,
        tier=tier,
        snapshot={},
    )


class Draft(SimpleNamespace):
    """An enrolment's columns where the quote and the ledger read them as attributes (`enrolment.tier`):
    a model object costs ~1 ms to build, more than a row's checks."""


class _Batch:
    """The batch's reads, its decisions row by row, and the rows it writes."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        rules: Registry,
        policy: Policy,
        collector: str,
        quotes: QuoteMemo,
        turn: Turn | None = None,
    ):
        self.session, self.actor, self.rules, self.policy = session, actor, rules, policy
        self.turn = turn
        self.quotes = quotes  # the rules' answers, each distinct request's computed once
        self.collector = collector
        self.year = policy.coverage_year
        self.scope = scope_of(session)
        # On PostgreSQL a new enrolment is written with its ledger summary, checked at the commit
        # (migration 0022); SQLite's triggers refuse that and fill it from each payment row.
        self.states_summary = session.get_bind().dialect.name == "postgresql"
        self.enrolments: list[dict] = []  # new, each as it is stored (PAID once its payment is)
        self.payments: list[dict] = []  # numbered at the end; with what their events need
        self.updates: list[dict] = []  # existing enrolments made PAID
        self.ended: list[int] = []  # existing enrolments whose entitlements end
        self.events: list[dict] = []  # enrolments' images and payments, audited in row order at the end
        self._regions: dict[str, list] = {}
        self._documents: dict[tuple, tuple] = {}  # `_decided`'s
        self._plain: dict[tuple, InputError | None] = {}  # `_payable`'s
        self._requests: dict[tuple, list] = {}  # `_request_errors`'

    # ------------------------------------------------------------ reads, a few statements each

    def read(self, payers: list[Payer]) -> None:
        session, connection, ids = self.session, self.session.connection(), [p.person.id for p in payers]
        year = ENROLMENT.c.coverage_year == self.year
        # The year's enrolments are what the import fills: each is found through an index
        # (`probe`), as `= ANY(…)` planned with the statistics from before the import scanned
        # them all, more at every batch.
        # Every enrolment of the year, visible or not (one per person and year anywhere), locked
        # as `record_payment` locks it: a clerk's payment of one of them waits for this batch.
        anywhere = select(ENROLMENT.c.id).where(year)
        found = sorted(connection.execute(probe(session, anywhere, ENROLMENT.c.person_id, ids)).scalars())
        # In id order (each id searched in the order given), so that two batches locking some of
        # the same rows queue rather than deadlock. One enrolled since the search above is met by
        # the (person, year) unique index when the batch writes, and the batch goes row by row.
        locking = select(ENROLMENT.c.person_id).where(year).with_for_update()
        self.enrolled = set(connection.execute(probe(session, locking, ENROLMENT.c.id, found)).scalars())
        visible = select(*ENTITY_COLUMNS).where(year, self.scope.visible(Enrolment))
        self.existing = {
            row.person_id: row
            for row in connection.execute(probe(session, visible, ENROLMENT.c.person_id, ids))
        }
        self.categories: dict[int, list] = {pid: [] for pid in ids}
        for row in connection.execute(_IDENTITIES.where(among(session, CategoryFact.person_id, ids))):
            self.categories[row.person_id].append(row)
        fresh = [p for p in payers if p.person.id not in self.enrolled]
        self.years = years_enrolled_of(session, [p.person.id for p in fresh], self.year)
        self.home = {p.person.id: p.region_code or enrolment_region(session, p.person) for p in fresh}
        self.insured: dict[tuple, object] = {}
        for region, on in {(self.home[p.person.id], p.paid_on) for p in fresh}:
            numbers = [
                p.person.id_number for p in fresh if (self.home[p.person.id], p.paid_on) == (region, on)
            ]
            for number, entry in employee_insured_of(session, numbers, region, on).items():
                self.insured[number, region, on] = entry
        self.mates = mates_of(session, self.policy, ids)
        everyone = sorted({m.id for found in self.mates.values() for m in found})
        self.status = statuses(session, everyone, self.year)
        existing = [row.id for row in self.existing.values()]
        self.slots = _free_slots(session, existing)
        self.standing = _entitlements(session, existing)

    # ------------------------------------------------------------ one row, in row order

    def pay(self, payer: Payer) -> dict:
        """Decides one row as `enrol` and `record_payment` would, in their order; returns the row's
        payment, or raises InputError (then nothing of the row is written but what `enrol` kept)."""
        person = payer.person
        if person.id in self.enrolled:
            row = self.existing.get(person.id)
            if row is None:  # another region's enrolment: not found, as `lock_enrolment_row` says
                raise not_found()
            return self._pay_existing(payer, row)
        draft = draft_enrolment(
            self.policy, person.id, payer.tier, payer.region_code or person.hukou_region_code
        )
        drafted: list[Quote] = []

        def quote() -> Quote:
            drafted.append(self._quote(person, draft, payer.paid_on))
            return drafted[0]

        self._payable(payer, quote)
        columns, quote, kept = self._enrol(payer, draft, drafted[0])
        self.enrolments.append(columns)
        enrolled = _image(Enrolment, columns)  # as `enrol` stored it, and as the payment found it
        self.events.append(enrolled)
        self.status[person.id] = EnrolmentStatus.ENROLLED
        require_text(key=payer.key, channel=payer.channel, collector=self.collector)
        self._unpaid(payer)
        if isinstance(quote, InputError):
            raise quote  # the rules refused the person outright: so does the payment's quote
        if error := date_error(quote) or amount_error(quote, payer.amount_fen):
            raise error
        payment = self._paid(payer, Draft(**columns), enrolled, quote, None, [], kept)
        columns.update(status=EnrolmentStatus.PAID, **payment["_kept"])
        if self.states_summary:  # the summary its payment gives it, rather than an UPDATE after
            columns.update(first_paid_on=payment["paid_on"], first_paid_fen=payment["amount_fen"])
        return payment

    def _quote(self, person: Person, enrolment, on: date) -> Quote:
        return quote_with(self.quotes, person, self.categories[person.id], enrolment, on)

    def _decided(self, quote: Quote, on: date) -> dict:
        """`decided`, one document per quote (the memo's: rows alike share one) and day, worked
        out once: the rows' snapshots hold the same object. Nothing changes a snapshot's quote
        once kept."""
        key = (id(quote), on)
        found = self._documents.get(key)
        if found is None:  # the quote is kept with its document, so its id stays its own
            found = self._documents[key] = (quote, decided(quote, on))
        return found[1]

    def _payable(self, payer: Payer, quote: Callable[[], Quote]) -> None:
        """`payable_draft`, its checks of the channel and tier made once per pair in the batch."""
        pair = (payer.channel, payer.tier)
        if pair not in self._plain:
            self._plain[pair] = plain_payable_error(self.policy, payer.channel, payer.tier)
        if (refused := self._plain[pair]) is not None:
            raise InputError(list(refused.errors))  # each row its own (a raise extends its traceback)
        drafted = quote()
        if error := date_error(drafted) or amount_error(drafted, payer.amount_fen):
            raise error

    def _request_errors(self, data: EnrolmentInput, region: str) -> list:
        """`enrol`'s checks of the request itself (region, year, policy, tier, channel): the same
        for every row of one region, tier and channel (the batch's year and policy), made once."""
        key = (region, data.tier, data.channel)
        if key not in self._requests:
            self._requests[key] = self._region_errors(region) + plain_request_errors(self.rules, data, region)
        return list(self._requests[key])

    def _region_errors(self, region: str) -> list:
        if region not in self._regions:
            self._regions[region] = region_errors(self.session, "regionCode", region)
        return self._regions[region]

    def _enrol(self, payer: Payer, draft: Draft, drafted: Quote) -> tuple[dict, Quote | InputError, dict]:
        """`enrol`'s checks and the enrolment it would store (ENROLLED, its enrolment-date quote
        kept, which are also the columns its payment keeps: the same quote, the same day)."""
        person, region = payer.person, self.home[payer.person.id]
        data = EnrolmentInput(
            person_id=person.id,
            coverage_year=self.year,
            policy_id=self.policy.id,
            idempotency_key=payer.enrolment_key,
            tier=payer.tier,
            region_code=payer.region_code,
            channel=payer.channel,
            on=payer.paid_on,
        )
        errors = self._request_errors(data, region)
        stated = circumstances.check(self.session, None, person, self.year, "circumstances")
        errors += stated.errors
        entry = self.insured.get((person.id_number, region, payer.paid_on))
        errors += insured_errors(self.session, entry, "personId")
        history = continuity_from(self.session, person, self.years[person.id], self.year, region)
        if errors:
            raise InputError(errors)
        missing = [m for m in self.mates.get(person.id, []) if m.id not in self.status]
        refuse_partial(self.policy, missing, "personId", "参保", "缺少")
        columns = enrolment_columns(self.policy, person.id, data, region, missing, stated, history)
        # Its id is drawn when the batch writes, for the enrolments it stores only (ids follow the
        # rows as the services' would); until then a stand-in no stored row has.
        stand_in = -1 - len(self.enrolments)
        columns |= {"id": stand_in, "status": EnrolmentStatus.ENROLLED, "created_at": utcnow()}
        snapshot = columns["snapshot"]
        if (region, snapshot["facts"], continuity_of_snapshot(snapshot)) == (
            draft.region_code,
            stated_facts(),
            continuity_of_snapshot({}),
        ):
            quote = drafted  # the facts the draft was quoted on: the rules answer the same
        else:
            try:
                quote = self._quote(person, Draft(**columns), payer.paid_on)
            except InputError as exc:
                quote = exc
        kept = enrolment_quote(snapshot, quote, payer.paid_on, self._decided)
        return columns | kept, quote, kept

    def _pay_existing(self, payer: Payer, row) -> dict:
        require_text(key=payer.key, channel=payer.channel, collector=self.collector)
        payable(self.session, row)
        self._unpaid(payer)
        if errors := channel_errors(self.policy, payer.channel):
            raise InputError(errors)
        quote = self._quote(payer.person, row, payer.paid_on)
        if error := date_error(quote) or amount_error(quote, payer.amount_fen):
            raise error
        before = audit.image(row._asdict())
        payment = self._paid(payer, row, before, quote, self.slots.get(row.id), self.standing.get(row.id, []))
        self.updates.append(
            {
                "b_enrolment": row.id,
                "b_status": EnrolmentStatus.PAID,
                **{f"b_{k}": v for k, v in payment["_kept"].items()},
            }
        )
        self.ended.append(row.id)
        self.status[payer.person.id] = EnrolmentStatus.PAID
        return payment

    def _unpaid(self, payer: Payer) -> None:
        """A member of a household that pays whole pays with the household (`record_payment`)."""
        others = [
            m
            for m in self.mates.get(payer.person.id, [])
            if self.status.get(m.id) not in (EnrolmentStatus.PAID, EnrolmentStatus.TERMINATED)
        ]
        refuse_partial(self.policy, others, "enrolmentId", "缴费", "同户未缴", _UNPAID_HINT)

    def _paid(
        self, payer: Payer, enrolment, before: dict, quote: Quote, slot, ended: list, kept: dict | None = None
    ) -> dict:
        """The payment `pay` writes, with the entitlement, the refund and the events that go with it;
        `kept`: the enrolment's quote columns when already worked out for this quote and day."""
        own = {
            "paid_on": payer.paid_on,
            "channel": payer.channel,
            "collector": self.collector,
            "idempotency_key": payer.key,
        }
        county = county_of(self.session, enrolment.region_code)
        payment = payment_columns(enrolment, own, payer.amount_fen, county, slot)
        payment |= {
            "_kept": kept or quote_columns(enrolment.snapshot, quote, payer.paid_on, self._decided),
            "_granted": entitlement_columns(enrolment, quote, payer.paid_on),
            "_before": before,
            "_ended": ended,
            "_quote": quote,
            "_account": payer.account,
        }
        self.payments.append(payment)
        self.events.append(payment)
        return payment

    # ------------------------------------------------------------ writes, one statement each

    def write(self) -> None:
        # With another batch in hand: ids drawn once the batch before has drawn its own, receipts
        # and the rest once it has written all it writes, so that ids, receipts and audit events
        # follow the file's rows as they did one batch at a time. The enrolments and entitlements
        # are written in between, while the batch before still writes (they name none of its
        # persons, `touches`), and the refunds once the payments they name are.
        if self.turn is not None:
            self.turn.wait_drawn()
        session, connection = self.session, self.session.connection()
        granted, refunds = self._draw_ids()
        if self.turn is not None:
            self.turn.drawn()
        insert_rows(
            session, ENROLMENT, _ENROLMENT_COLUMNS, (_row(c, _ENROLMENT_COLUMNS) for c in self.enrolments)
        )
        if self.updates:
            connection.execute(_UPDATE, self.updates)
        if self.ended:
            connection.execute(
                delete(ENTITLEMENT).where(among(session, ENTITLEMENT.c.enrolment_id, self.ended))
            )
        insert_rows(
            session, ENTITLEMENT, _ENTITLEMENT_COLUMNS, (_row(g, _ENTITLEMENT_COLUMNS) for g in granted)
        )
        if self.turn is not None:
            self.turn.wait()
        # The receipt counters last, once per county and year: they stay locked until the commit.
        counties: dict[str, list[dict]] = {}
        for payment in self.payments:
            counties.setdefault(payment["receipt_region_code"], []).append(payment)
        for county, payments in counties.items():
            numbers = reserve_receipts(session, county, self.year, len(payments))
            for payment, (seq, number) in zip(payments, numbers, strict=True):
                payment |= {"receipt_seq": seq, "receipt_number": number}
        insert_rows(session, PAYMENT, _PAYMENT_COLUMNS, (_row(p, _PAYMENT_COLUMNS) for p in self.payments))
        insert_rows(session, REFUND, _REFUND_COLUMNS, (_row(r, _REFUND_COLUMNS) for r in refunds))
        for event in self.events:  # in row order, each row's in the order the services record them
            if "enrolment_id" not in event:
                audit.record_image(session, self.actor, "enrol", "enrolment", event["id"], None, event)
            else:
                self._payment_events(event)

    def _draw_ids(self) -> tuple[list[dict], list[dict]]:
        """The ids of every row the batch writes; its entitlements and the refunds its payments
        owe, with theirs."""
        session = self.session
        drawn = next_ids(session, ENROLMENT, len(self.enrolments))
        real = {columns["id"]: new_id for columns, new_id in zip(self.enrolments, drawn, strict=True)}
        for columns in self.enrolments:
            columns["id"] = real[columns["id"]]
        for payment in self.payments:
            enrolment_id = real.get(payment["enrolment_id"], payment["enrolment_id"])
            payment["enrolment_id"] = payment["_granted"]["enrolment_id"] = payment["_before"]["id"] = (
                enrolment_id
            )
        for event in self.events:
            if "enrolment_id" not in event:  # an enrolment's image
                event["id"] = real.get(event["id"], event["id"])  # the payment's `_before` may be it
        for payment, new_id in zip(
            self.payments, next_ids(session, PAYMENT, len(self.payments)), strict=True
        ):
            payment["id"] = new_id
        granted = [p["_granted"] for p in self.payments]
        for columns, new_id in zip(granted, next_ids(session, ENTITLEMENT, len(granted)), strict=True):
            columns["id"] = new_id
        refunds = []
        for payment in self.payments:
            owed = refund_columns(
                payment["enrolment_id"],
                payment["coverage_year"],
                payment["id"],
                payment["_quote"],
                payment["_account"],
            )
            if owed is not None:
                payment["_refund"] = owed | {"created_at": utcnow()}
                refunds.append(payment["_refund"])
        for columns, new_id in zip(refunds, next_ids(session, REFUND, len(refunds)), strict=True):
            columns["id"] = new_id
        return granted, refunds

    def _payment_events(self, payment: dict) -> None:
        before, granted = payment["_before"], payment["_granted"]
        paid = before | {"status": EnrolmentStatus.PAID}
        record_payment_events(
            self.session,
            self.actor,
            _image(Payment, payment),
            before,
            paid,
            payment["_kept"],
            payment["_ended"],
            granted["id"],
            {k: v for k, v in granted.items() if k != "id"},
        )
        if (refund := payment.get("_refund")) is not None:
            image = _image(Refund, refund)
            audit.record_image(self.session, self.actor, "owe_refund", "refund", refund["id"], None, image)


_IDENTITIES = select(
    CategoryFact.person_id, CategoryFact.code, CategoryFact.since, CategoryFact.grade, CategoryFact.until
)
_UPDATE = (
    Enrolment.__table__.update()
    .where(ENROLMENT.c.id == bindparam("b_enrolment"))
    .values(
        status=bindparam("b_status"),
        snapshot=bindparam("b_snapshot"),
        amount_due_fen=bindparam("b_amount_due_fen"),
        subsidy_fen=bindparam("b_subsidy_fen"),
        subsidy_category=bindparam("b_subsidy_category"),
        method=bindparam("b_method"),
    )
)


# A column the model fills in itself when the services store the row through it.
_DEFAULTS = {"ledger_reversed": False}


def _row(columns: dict, names: list[str]) -> list:
    return [columns[name] if name in columns else _DEFAULTS.get(name) for name in names]


def _image(model, columns: dict) -> dict:
    """The audit image `audit.record` takes of a model's row after its flush: every column."""
    names = _FIELDS.get(model)
    if names is None:
        names = _FIELDS[model] = list(model.model_fields)
    return audit.image_named(columns, names, _DEFAULTS)


_FIELDS: dict[type, list[str]] = {}  # each model's columns, in its order


def _free_slots(session: Session, enrolment_ids: list[int]) -> dict[int, int]:
    """Each enrolment's earliest reversal no payment has replaced yet (payment_rows `_FREE_SLOT`)."""
    if not enrolment_ids:
        return {}
    rows = (
        session.connection()
        .execute(
            select(PAYMENT.c.enrolment_id, PAYMENT.c.id, PAYMENT.c.kind, PAYMENT.c.replaces_reversal_id)
            .where(among(session, PAYMENT.c.enrolment_id, enrolment_ids))
            .order_by(PAYMENT.c.id)
        )
        .all()
    )
    replaced = {r.replaces_reversal_id for r in rows if r.replaces_reversal_id is not None}
    slots: dict[int, int] = {}
    for row in rows:
        if row.kind == PaymentKind.REVERSAL and row.id not in replaced:
            slots.setdefault(row.enrolment_id, row.id)
    return slots


def _entitlements(session: Session, enrolment_ids: list[int]) -> dict[int, list]:
    if not enrolment_ids:
        return {}
    found: dict[int, list] = {}
    for row in session.connection().execute(
        select(ENTITLEMENT).where(among(session, ENTITLEMENT.c.enrolment_id, enrolment_ids))
    ):
        found.setdefault(row.enrolment_id, []).append(row)
    return found


def next_ids(session: Session, table, count: int) -> list[int]:
    """`count` new ids of `table`, taken before its rows are written in bulk (COPY returns none):
    from its sequence on PostgreSQL; on SQLite after the largest, which no one else can take
    while the unit of work holds the write lock."""
    if count == 0:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        statement = text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"
        )
        return list(connection.execute(statement, {"n": count}).scalars())
    last = connection.execute(text(f'SELECT max(id) FROM "{table.name}"')).scalar() or 0
    return list(range(last + 1, last + 1 + count))


def pay_batch(
    session: Session,
    actor: Actor,
    rules: Registry,
    policy: Policy,
    collector: str,
    payers: list[Payer],
    quotes: QuoteMemo | None = None,
    turn: Turn | None = None,
) -> dict[int, str | InputError]:
    """Decides and writes the batch's payers in `session` (the batch's unit of work); row number →
    the receipt number, or the refusal the services would have answered. `quotes`: the job's
    memo of the rules' answers, kept from batch to batch (a batch's own otherwise); `turn`: when
    the batch may write, with another in hand (core/imports/jobs.py)."""
    share_documents(session)  # its snapshots and images are not changed once written
    batch = _Batch(session, actor, rules, policy, collector, quotes or QuoteMemo(rules), turn)
    batch.read(payers)
    answers: dict[int, dict | InputError] = {}
    for payer in payers:
        try:
            answers[payer.number] = batch.pay(payer)
        except InputError as error:
            answers[payer.number] = error
    batch.write()
    return {n: a if isinstance(a, InputError) else a["receipt_number"] for n, a in answers.items()}
