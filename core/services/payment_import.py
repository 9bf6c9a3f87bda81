"""A village's collected roster (缴费清册) imported as payments: each row recorded or refused with a reason.

方政办明电〔2021〕35号 三（一）: local residents pay through the village's 社保协办员, collected village
by village; 四（三）: the village records each payer on the 缴费清册 as it collects; 四（四）: the roster
is checked against the deposit slips; 四（五）: the township's clinic puts the roster into the
医保局's 导入模板 and the county's collection office imports it. This is that import.

Each row names a registered person (身份证号码, and 姓名 which must match when given), the amount
collected, the day it was paid and optionally the channel and tier. The person's enrolment for the
policy's coverage year is found, or made under the job's policy, and the payment is recorded
with the checks of the services a clerk's `enrol` and `recordPayment` use, so the quote decides
the amount due and the dates allowed exactly as it does for a single payment: a batch at a time,
in one transaction written in bulk (core/services/payment_batch.py); a batch the database refuses
(a clerk enrolling or paying one of its persons at that moment) row by row through the services.
Idempotency keys are derived from the person and coverage year (enrolment) and from the person,
year, amount and day (payment): importing the file again, or another file with the same rows,
records nothing twice; a row already recorded is UNCHANGED.

A person is enrolled row by row. Under a policy whose households pay whole (Guichi, 贵医保组〔2023〕1号
三8) the rows of one household are enrolled and paid together instead, all or none, and refused
naming the members the roster lacks (core/services/payment_import_households.py).
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..idcard import InvalidIdNumber, parse_id_number
from ..imports.bulk import among, custom_plans, probe
from ..imports.headers import clean, parse_date, parse_id_text
from ..imports.jobs import (
    IMPORTED,
    REFUSED,
    UNCHANGED,
    RowOutcome,
    batch_connection,
    resume_import,
    start_import,
    with_key,
)
from ..imports.turn import Turn
from ..models import Enrolment, HouseholdMember, ImportJob, ImportRow, Payment, Person
from ..money import yuan_to_fen
from ..rules.memo import QuoteMemo
from ..rules.registry import Registry, governs
from ..rules.vocabulary import CHANNELS
from ..scope import Scope
from ..statuses import ImportKind
from .coverage import quote_for
from .enrolments import EnrolmentInput, channel_errors, enrol
from .household_rule import whole
from .payment_batch import Payer, draft_enrolment, pay_batch, payable_draft
from .payment_import_households import MOST_MEMBERS, MemberRow, households_paying_whole, record_household
from .payments import PaymentInput, record_payment
from .refunds import PayeeAccount, account_errors
from .unit import unit_of_work

KIND = ImportKind.PAYMENTS
# 方政办明电〔2021〕35号 三（一）、四（三）: the village's 社保协办员 collects on the 缴费清册.
DEFAULT_CHANNEL = "VILLAGE_CASH"

FIELDS: Mapping[str, tuple[str, ...]] = {
    "idNumber": ("身份证号码", "身份证号", "公民身份号码", "证件号码", "idNumber"),
    "name": ("姓名", "缴费人姓名", "name"),
    "amount": ("缴费金额", "金额", "应缴金额", "实缴金额", "缴费额", "amount"),
    "paidOn": ("缴费日期", "缴款日期", "缴费时间", "paidOn"),
    "channel": ("缴费方式", "缴费渠道", "channel"),
    "tier": ("档次", "缴费档次", "tier"),
    # Where a collect-then-refund refund is paid (方政办明电〔2021〕35号 五（二）): the person's 一卡通
    # or a bank card, when the roster carries it.
    "oneCard": ("一卡通账号", "一卡通卡号", "oneCard"),
    "bankCard": ("银行卡号", "收款账号", "银行账号", "bankCard"),
}
REQUIRED = ("idNumber", "amount", "paidOn")

# How a roster writes a channel, beside the codes and the wordings of CHANNELS.
CHANNEL_ALIASES = {
    "现金": "VILLAGE_CASH",
    "村集中征缴": "VILLAGE_CASH",
    "集中征缴": "VILLAGE_CASH",
    "村代收": "VILLAGE_CASH",
    "代收": "VILLAGE_CASH",
    "上门征收": "VILLAGE_CASH",
    "信用社": "CREDIT_UNION_COUNTER",
    "农信社": "CREDIT_UNION_COUNTER",
    "河南税务": "HENAN_TAX",
    "微税保": "HENAN_TAX",
    "支付宝": "ALIPAY",
    "自助办税机": "TAX_TERMINAL",
    "自助机": "TAX_TERMINAL",
    "学校": "SCHOOL",
    "办税服务厅": "TAX_HALL",
    "微信": "WECHAT_OFFICIAL_ACCOUNT",
    "微信公众号": "WECHAT_OFFICIAL_ACCOUNT",
    "皖事通": "WANSHITONG",
}

# A service's input field → the roster column a refusal names.
_COLUMN_OF = {
    "amount": "amount",
    "paidOn": "paidOn",
    "channel": "channel",
    "tier": "tier",
    "collector": "channel",
    "refundAccount": "oneCard",
}
KEY_PREFIX = "payimp"
# Where `prepare` leaves a row's parsed cells (or its refusal) among its values.
_PARSED = "_parsed"


def channel_code(value) -> str | None:
    """A channel as the roster writes it (code, CHANNELS wording or a common short form); None if unknown."""
    text = str(value).strip()
    if text.upper() in CHANNELS:
        return text.upper()
    wordings = {wording: code for code, wording in CHANNELS.items()}
    return wordings.get(text) or CHANNEL_ALIASES.get(text)


def parse_amount(value) -> Decimal:
    """`320`, `320.00`, `320元`, `￥320`, `1,320.00`, or a number cell; ValueError otherwise."""
    value = clean(value)
    if isinstance(value, bool):
        raise ValueError(f"金额无效：{value}")
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).replace(",", "").replace("，", "").removesuffix("元").lstrip("￥¥").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"金额无效：{value}，请写作 320.00 这样的金额") from None
    if not amount.is_finite():
        raise ValueError(f"金额无效：{value}")
    return amount


@dataclass(frozen=True)
class _Row:
    """A row whose cells parsed: what the services are asked to record."""

    number: int
    id_number: str
    name: str | None
    amount: Decimal
    amount_fen: int
    paid_on: date
    channel: str
    tier: str
    account: PayeeAccount | None = None


class _Refused(Exception):
    def __init__(self, field: str, code: ErrorCode, reason: str):
        super().__init__(reason)
        self.field, self.code, self.reason = field, code, reason


class PaymentImport:
    """The PAYMENTS handler for `core.imports.jobs.run_import`.

    A batch's payments are written in their own transaction (and, falling back or for a household
    that pays whole, by the services in theirs), so the runner calls `handle` before the batch's
    report transaction (`own_transactions`); a repeated batch (after a crash) finds its payments
    by their keys and reports them UNCHANGED.
    """

    kind = KIND
    fields = FIELDS
    required = REQUIRED
    own_transactions = True
    # Read by the ledger summary's triggers and the ledger's foreign keys as each batch writes.
    fills = ("enrolment", "payment")

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        rules: Registry,
        policy_id: str,
        channel: str | None = None,
        *,
        set_based: bool = True,
    ):
        self.engine, self.actor, self.rules = engine, actor, rules
        # False: every row through the services, as the batch falls back to (and tests compare).
        self.set_based = set_based
        self.policy = rules.get(policy_id, "policyId")
        if channel is None:  # the village's collection where the notice names it
            allowed = [code for code, _ in self.policy.channels]
            self.channel = DEFAULT_CHANNEL if not allowed or DEFAULT_CHANNEL in allowed else None
        else:
            self.channel = channel_code(channel) or channel
            if errors := channel_errors(self.policy, self.channel):
                raise InputError(errors)
        # The rules' answers over the job: most rows ask the same quote (core/rules/memo.py).
        self._quotes = QuoteMemo(rules)

    @property
    def overlaps(self) -> bool:
        """Whether the runner may decide the next batch while this one is written
        (core/imports/jobs.py `_Overlapping`). A batch reads what another writes only for the
        same persons and, under a household rule, the same households (whose members' enrolments
        it notes or waits for): `touches` names both. Not where households pay whole, whose rows
        may be held back for the next batch."""
        return self.set_based and not whole(self.policy)

    def touches(self, rows: list[tuple[int, dict]]) -> set[str]:
        """The ID numbers the batch's rows name (refused ones too: a later row of the same ID is a
        duplicate of the first, found by the first's report row) and, under a household rule,
        the households of their persons."""
        self.prepare(rows)
        numbers = {values[_PARSED].id_number for _, values in rows if values[_PARSED].id_number}
        if self.policy.household is None or not numbers:
            return numbers
        with Session(self.engine) as session:
            households = session.execute(
                select(HouseholdMember.household_id)
                .join(Person, col(Person.id) == col(HouseholdMember.person_id))
                .where(among(session, Person.id_number, numbers))
            ).scalars()
            return numbers | {f"household:{household}" for household in households}

    @property
    def options(self) -> dict:
        """What the job records (and its dedup key includes) beside the file and region."""
        return {
            "policyId": self.policy.id,
            "coverageYear": self.policy.coverage_year,
            "channel": self.channel,
        }

    def prepare(self, rows: list[tuple[int, dict]]) -> None:
        """Each row's cells parsed (or refused), once: for the next batch in the runner's reading
        thread while this one waits on the database (core/imports/jobs.py), else when first
        needed (`touches`, `handle`)."""
        for number, values in rows:
            if _PARSED not in values:
                values[_PARSED] = self._parse_or_refuse(number, values)

    def _parse_or_refuse(self, number: int, values: dict) -> _Row | RowOutcome:
        try:
            return self._parse(number, values)
        except _Refused as refusal:
            raw = parse_id_text(values.get("idNumber"))
            return _refused(number, refusal, raw[:18] if raw else None)

    def handle(
        self, session: Session | None, job: ImportJob, rows: list[tuple[int, dict]], turn: Turn | None = None
    ) -> list[RowOutcome]:
        """`turn`: with another batch in hand (`overlaps`), when this one may write."""
        self.prepare(rows)
        parsed: dict[int, _Row] = {}
        outcomes: dict[int, RowOutcome] = {}
        for number, values in rows:
            cells = values[_PARSED]
            if isinstance(cells, RowOutcome):
                outcomes[number] = cells
            else:
                parsed[number] = cells
        if self.set_based:
            try:
                done = self._as_set(job, parsed, dict(outcomes), turn)
            except (IntegrityError, InputError):
                # The database refused the batch (a clerk enrolled or paid one of its persons at
                # the same moment) and nothing of it was stored: each row as a single payment.
                done = self._by_rows(job, parsed, dict(outcomes), turn)
        else:
            done = self._by_rows(job, parsed, dict(outcomes), turn)
        # Each row's key is its ID number's digest: a later batch finds the file's earlier rows of
        # an ID through the (job_id, row_key) index, not by reading every row of the job.
        return [with_key(o, row_key(o.id_number)) if o.id_number else o for o in (done[n] for n, _ in rows)]

    def _as_set(
        self, job: ImportJob, parsed: dict, outcomes: dict, turn: Turn | None
    ) -> dict[int, RowOutcome]:
        """The batch in one transaction (core/services/payment_batch.py); households after it."""
        # On SQLite without waiting for the disk, as the batch's report (`batch_connection`).
        with (
            batch_connection(self.engine) as bind,
            unit_of_work(bind, self.actor) as session,
            custom_plans(session),
        ):
            looked = self._lookups(session, job, parsed.values(), with_enrolments=False)
            whole = households_paying_whole(session, self.policy, [p.id for p in looked.people.values()])
            paying, households = self._sort(parsed, outcomes, looked, whole)
            payers = [
                Payer(
                    number,
                    person,
                    row.amount_fen,
                    row.paid_on,
                    row.channel,
                    row.tier,
                    row.account,
                    key,
                    enrolment_key(person.id, self.policy.coverage_year),
                    looked.residence.get(person.id),
                )
                for number, row, person, key in paying
            ]
            answers = pay_batch(
                session,
                self.actor,
                self.rules,
                self.policy,
                f"import-job-{job.id}",
                payers,
                self._quotes,
                turn,
            )
        for number, row, _, _ in paying:
            answer = answers[number]
            if isinstance(answer, InputError):
                outcomes[number] = _refused(number, _from_input_error(answer), row.id_number)
            else:
                outcomes[number] = RowOutcome(
                    number, IMPORTED, reason=f"receipt {answer}", id_number=row.id_number
                )
        for household, members in households.items():
            outcomes.update(self._record_household(job, household, members))
        return outcomes

    def _by_rows(
        self, job: ImportJob, parsed: dict, outcomes: dict, turn: Turn | None
    ) -> dict[int, RowOutcome]:
        """Each row through the clerk's services, `enrol` then `record_payment`, in their own transactions."""
        if turn is not None:  # each row writes as it goes
            turn.wait()
        with unit_of_work(self.engine, self.actor) as session:
            looked = self._lookups(session, job, parsed.values())
            whole = households_paying_whole(session, self.policy, [p.id for p in looked.people.values()])
        paying, households = self._sort(parsed, outcomes, looked, whole)
        for number, row, person, key in paying:
            try:
                region = looked.residence.get(person.id)
                payment = self._record(job, row, person, looked.enrolments.get(person.id), key, region)
                outcomes[number] = RowOutcome(
                    number, IMPORTED, reason=f"receipt {payment.receipt_number}", id_number=row.id_number
                )
            except _Refused as refusal:
                outcomes[number] = _refused(number, refusal, row.id_number)
            except InputError as error:
                outcomes[number] = _refused(number, _from_input_error(error), row.id_number)
        for household, members in households.items():
            outcomes.update(self._record_household(job, household, members))
        return outcomes

    def _sort(self, parsed: dict, outcomes: dict, looked: tuple, whole: dict) -> tuple[list, dict]:
        """Answers the rows that need no payment (duplicates, unknown persons, names that differ,
        rows already imported) and sorts the rest: (number, row, person, key) to pay one by one,
        and the rows of each household that pays whole."""
        people, recorded, earlier = looked.people, looked.recorded, looked.earlier
        households: dict[int, list[MemberRow]] = {}
        paying = []
        first_row: dict[str, int] = {}
        for number, row in parsed.items():
            try:
                if (seen := earlier.get(row.id_number, first_row.get(row.id_number))) is not None:
                    raise _Refused("idNumber", ErrorCode.DUPLICATE, f"与第 {seen} 行重复")
                first_row[row.id_number] = number
                person = people.get(row.id_number)
                if person is None:
                    raise _Refused("idNumber", ErrorCode.NOT_FOUND, "未找到该居民，请先登记")
                if row.name and row.name != person.name:
                    raise _Refused("name", ErrorCode.MISMATCH, "姓名与登记信息不符")
            except _Refused as refusal:
                outcomes[number] = _refused(number, refusal, row.id_number)
                continue
            if (household := whole.get(person.id)) is not None:  # paid with the household
                households.setdefault(household, []).append(
                    MemberRow(number, person, row.amount_fen, row.paid_on, row.channel, row.tier, row.account)
                )
                continue
            key = payment_key(person.id, self.policy.coverage_year, row.amount_fen, row.paid_on)
            if (receipt := recorded.get(key)) is not None:
                outcomes[number] = RowOutcome(
                    number, UNCHANGED, reason=f"已导入（收据号 {receipt}）", id_number=row.id_number
                )
                continue
            paying.append((number, row, person, key))
        return paying, households

    def hold_back(self, rows: list[tuple[int, dict]]) -> int:
        """The trailing rows of a household that pays whole while some of its members are still to
        come: they wait for the next batch, where the roster goes on with the household."""
        if not whole(self.policy):
            return 0
        tail = rows[-MOST_MEMBERS:]
        numbers = [self._id_of(values) for _, values in tail]
        with unit_of_work(self.engine, self.actor) as session:
            ids = dict(
                session.exec(
                    select(Person.id_number, Person.id).where(
                        col(Person.id_number).in_([n for n in numbers if n])
                    )
                ).all()
            )
            households = households_paying_whole(session, self.policy, ids.values())
            last = households.get(ids.get(numbers[-1])) if numbers else None
            if last is None:
                return 0
            size = len(
                session.exec(select(HouseholdMember.id).where(HouseholdMember.household_id == last)).all()
            )
        run = 0
        for number in reversed(numbers):
            if households.get(ids.get(number)) != last:
                break
            run += 1
        return run if run < size else 0

    def _record_household(self, job: ImportJob, household: int, members: list[MemberRow]) -> dict:
        try:
            with unit_of_work(self.engine, self.actor) as session:
                scope = Scope.of(session, job.region_code)
            done = record_household(
                self.engine,
                self.actor,
                self.rules,
                self.policy,
                scope,
                household,
                members,
                f"import-job-{job.id}",
            )
        except InputError as error:
            refusal = _from_input_error(error)
            return {m.number: _refused(m.number, refusal, m.person.id_number) for m in members}
        ids = {m.number: m.person.id_number for m in members}
        return {
            number: RowOutcome(number, outcome, reason=reason, id_number=ids[number])
            for number, (outcome, reason) in done.items()
        }

    @staticmethod
    def _id_of(values: dict) -> str | None:
        try:
            return parse_id_number(parse_id_text(values.get("idNumber")) or "").number
        except InvalidIdNumber:
            return None

    # ------------------------------------------------------------ one row

    def _parse(self, number: int, values: dict) -> _Row:
        raw_id = parse_id_text(values.get("idNumber"))
        if not raw_id:
            raise _Refused("idNumber", ErrorCode.REQUIRED, "请填写身份证号码")
        try:
            id_number = parse_id_number(raw_id).number
        except InvalidIdNumber as exc:
            raise _Refused("idNumber", ErrorCode.INVALID, f"身份证号码无效：{exc}") from None
        name = clean(values.get("name"))
        if values.get("amount") is None:
            raise _Refused("amount", ErrorCode.REQUIRED, "请填写缴费金额")
        try:
            amount = parse_amount(values["amount"])
            amount_fen = yuan_to_fen(amount)
        except ValueError as exc:
            raise _Refused("amount", ErrorCode.INVALID, str(exc)) from None
        if amount_fen < 0:
            raise _Refused("amount", ErrorCode.INVALID, "金额不能为负数")
        try:
            paid_on = parse_date(values.get("paidOn"))
        except ValueError as exc:
            raise _Refused("paidOn", ErrorCode.INVALID, str(exc)) from None
        if paid_on is None:
            raise _Refused("paidOn", ErrorCode.REQUIRED, "请填写缴费日期")
        channel = self.channel
        if (written := clean(values.get("channel"))) is None and channel is None:
            raise _Refused("channel", ErrorCode.REQUIRED, "请填写缴费方式")
        if written is not None:
            channel = channel_code(written)
            if channel is None:
                allowed = "、".join(f"{CHANNELS.get(c, c)}（{c}）" for c, _ in self.policy.channels)
                raise _Refused("channel", ErrorCode.INVALID, f"未知的缴费方式 {written}（可选：{allowed}）")
        tier = clean(values.get("tier"))
        if isinstance(tier, float) and tier.is_integer():
            tier = int(tier)
        tier = str(tier) if tier is not None else "1"
        return _Row(
            number,
            id_number,
            str(name) if name is not None else None,
            amount,
            amount_fen,
            paid_on,
            channel,
            tier,
            _account(values),
        )

    def _record(
        self,
        job: ImportJob,
        row: _Row,
        person: Person,
        enrolment: Enrolment | None,
        key: str,
        region: str | None,
    ) -> Payment:
        """`region`: where to enrol the person when not where their hukou is (`_Looked.residence`)."""
        year = self.policy.coverage_year
        if enrolment is None:
            self._precheck(row, person, region)
            enrolment = enrol(
                self.engine,
                self.actor,
                EnrolmentInput(
                    person_id=person.id,
                    coverage_year=year,
                    policy_id=self.policy.id,
                    idempotency_key=enrolment_key(person.id, year),
                    tier=row.tier,
                    region_code=region,
                    channel=row.channel,
                    on=row.paid_on,
                ),
                self.rules,
            )
        return record_payment(
            self.engine,
            self.actor,
            PaymentInput(
                enrolment_id=enrolment.id,
                amount=row.amount,
                paid_on=row.paid_on,
                channel=row.channel,
                idempotency_key=key,
                collector=f"import-job-{job.id}",
                refund_account=row.account,
            ),
            self.rules,
        )

    def _precheck(self, row: _Row, person: Person, region: str | None) -> None:
        """Refuses a row before enrolling anyone: a refused row leaves no enrolment behind
        (`payable_draft`, which an import's batch runs too)."""
        draft = draft_enrolment(self.policy, person.id, row.tier, region or person.hukou_region_code)

        def quote():
            with unit_of_work(self.engine, self.actor) as session:
                return quote_for(session, self.rules, draft, row.paid_on)

        payable_draft(self.policy, row.channel, row.tier, row.amount_fen, quote)

    # ------------------------------------------------------------ one query per batch each

    def _lookups(self, session: Session, job: ImportJob, rows, with_enrolments: bool = True) -> "_Looked":
        """Persons visible in the job's region by ID, their enrolments for the year, payments the
        rows' keys already recorded, the first row of each ID in earlier batches of the file, and
        where to enrol those whose residence only lies in the job's region."""
        rows = list(rows)
        numbers = sorted({row.id_number for row in rows})
        year = self.policy.coverage_year
        residence: dict[int, str] = {}
        if not numbers:
            return _Looked({}, {}, {}, {}, residence)
        region = Scope.of(session, job.region_code)
        # As rows of the person's columns, read as a model's attributes are: 500 model objects a
        # batch cost a twentieth of the import's time, and nothing here changes a person.
        people = {
            p.id_number: p
            for p in session.execute(
                select(*Person.__table__.c).where(
                    among(session, Person.id_number, numbers), region.visible(Person)
                )
            ).all()
        }
        for person in people.values():
            if not region.covers(session, person.hukou_region_code) and region.covers(
                session, person.residence_region_code
            ):
                residence[person.id] = person.residence_region_code
        ids = [p.id for p in people.values()]
        enrolments = {}
        if with_enrolments:  # the batch reads them itself, as columns (payment_batch.py)
            enrolments = {
                e.person_id: e
                for e in session.exec(
                    select(Enrolment).where(
                        among(session, Enrolment.person_id, ids), Enrolment.coverage_year == year
                    )
                ).all()
            }
        keys = [
            payment_key(people[row.id_number].id, year, row.amount_fen, row.paid_on)
            for row in rows
            if row.id_number in people
        ]
        # By key through its index (`probe`): the payments are the table this import fills, whose
        # statistics from before it made `IN (…)` scan them all, more at every batch.
        recorded = dict(
            session.execute(
                probe(
                    session,
                    select(Payment.idempotency_key, Payment.receipt_number),
                    Payment.idempotency_key,
                    keys,
                )
            ).all()
        )
        number_of = {row_key(n): n for n in numbers}
        earlier: dict[str, int] = {}
        # Unordered: an ORDER BY row_number leads SQLite to the (job_id, row_number) index, which
        # reads every row of the job; each ID's first row is taken here instead.
        for key, number in session.execute(
            probe(
                session,
                select(ImportRow.row_key, ImportRow.row_number).where(ImportRow.job_id == job.id),
                ImportRow.row_key,
                number_of,
            )
        ).all():
            seen = earlier.get(number_of[key])
            earlier[number_of[key]] = number if seen is None else min(seen, number)
        return _Looked(people, enrolments, recorded, earlier, residence)


class _Looked(NamedTuple):
    """A batch's look-ups (`PaymentImport._lookups`), kept per batch: two batches may be in hand."""

    people: dict  # ID number → the person's columns
    enrolments: dict  # person id → this year's Enrolment (read row by row only)
    recorded: dict  # payment key → receipt number, for rows already imported
    earlier: dict  # ID number → its first row in the file's earlier batches
    residence: dict  # person id → the residence to enrol at, when only it lies in the job's region


def row_key(id_number: str) -> str:
    """The report row's key (ImportRow.row_key, 16 characters) for the ID number it stores."""
    return hashlib.blake2b(id_number.encode(), digest_size=8).hexdigest()


def enrolment_key(person_id: int, coverage_year: int) -> str:
    return f"{KEY_PREFIX}:{person_id}:{coverage_year}"


def payment_key(person_id: int, coverage_year: int, amount_fen: int, paid_on: date) -> str:
    # The day as YYYYMMDD from its ISO form: 0.3 µs where `strftime` took 1.6, twice a row.
    return f"{KEY_PREFIX}:{person_id}:{coverage_year}:{amount_fen}:{paid_on.isoformat().replace('-', '')}"


def _account(values: dict) -> PayeeAccount | None:
    """The refund account the row carries, if any; a malformed one is refused naming its column."""
    for field, kind in (("oneCard", "ONE_CARD"), ("bankCard", "BANK_CARD")):
        if (written := parse_id_text(values.get(field))) is not None:
            account = PayeeAccount(kind, written)
            if account_errors(account, field):
                raise _Refused(field, ErrorCode.INVALID, "收款账号应为 10 至 30 位数字")
            return account
    return None


def _refused(number: int, refusal: _Refused, id_number: str | None) -> RowOutcome:
    return RowOutcome(number, REFUSED, refusal.field, str(refusal.code), refusal.reason, id_number)


def _from_input_error(error: InputError) -> _Refused:
    """A service's refusal, naming the roster column it concerns (the person's ID when no column does)."""
    first: FieldError = error.errors[0]
    reason = "；".join(e.message for e in error.errors)
    return _Refused(_COLUMN_OF.get(first.field.split(".")[0], "idNumber"), first.code, reason)


def start_payment_import(
    engine: Engine,
    actor: Actor,
    rules: Registry,
    path: Path,
    *,
    filename: str,
    policy_id: str,
    region_code: str,
    channel: str | None = None,
) -> tuple[ImportJob, PaymentImport]:
    """Checks the policy, channel, region and the file's columns, and creates (or finds) the job;
    `core.imports.jobs.resume_import` then runs it. Refuses, storing nothing, what is wrong."""
    handler = PaymentImport(engine, actor, rules, policy_id, channel)
    if not governs(handler.policy, region_code):
        raise InputError.one(
            "policyId",
            ErrorCode.MISMATCH,
            f"政策 {policy_id} 不适用于地区 {region_code}",
        )
    job = start_import(
        engine, actor, Path(path), handler, filename=filename, region_code=region_code,
        options=handler.options,
    )  # fmt: skip
    return job, handler


def import_payments(
    engine: Engine,
    actor: Actor,
    rules: Registry,
    path: Path,
    *,
    filename: str,
    policy_id: str,
    region_code: str,
    channel: str | None = None,
    batch_size: int = 500,
    progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Imports a collected roster file (CSV or XLSX) as payments; returns the finished job."""
    job, handler = start_payment_import(
        engine, actor, rules, path, filename=filename, policy_id=policy_id, region_code=region_code,
        channel=channel,
    )  # fmt: skip
    return resume_import(engine, actor, job, Path(path), handler, batch_size=batch_size, progress=progress)
