"""Mutation inputs: what a client states as intent; the server derives the rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import strawberry

from core.models.refund import ACCOUNT_KINDS
from core.services.categories import CategoryInput
from core.services.circumstances import Circumstances, Guardian
from core.services.enrolments import EnrolmentInput, HouseholdEnrolmentInput
from core.services.household_payments import HouseholdPaymentInput
from core.services.households import HouseholdInput, MemberInput
from core.services.payments import PaymentInput, ReversalInput
from core.services.persons import PersonInput
from core.services.refunds import PayeeAccount

from .ids import parse_id
from .types.circumstances import EvidenceInput, GuardianInput, StatedEventInput


@strawberry.input
class NewPersonInput:
    name: str
    hukou_region_code: str
    id_number: str | None = strawberry.field(
        default=None, description="18 digits (last may be X); birth date and gender are derived from it."
    )
    no_id_reason: str | None = strawberry.field(
        default=None, description="Without an ID number: NEWBORN, FOREIGNER or NO_HUKOU (000_… 四（五）)."
    )
    birth_date: date | None = strawberry.field(
        default=None, description="Required without an ID number; cross-checked against one."
    )
    gender: str | None = strawberry.field(default=None, description="M or F; cross-checked against the ID.")
    residence_region_code: str | None = None
    phone: str | None = None

    def to_core(self) -> PersonInput:
        return PersonInput(**vars(self))


@strawberry.input(description="A new person to register, or `personId` of one already registered.")
class HouseholdMemberInput:
    person: NewPersonInput | None = None
    person_id: strawberry.ID | None = None
    relation: str | None = strawberry.field(default=None, description="e.g. 户主, 配偶, 子女.")
    is_head: bool = False

    def to_core(self, index: int) -> MemberInput:
        return MemberInput(
            person=self.person.to_core() if self.person else None,
            person_id=parse_id(self.person_id, f"members.{index}.personId") if self.person_id else None,
            relation=self.relation,
            is_head=self.is_head,
        )


@strawberry.input
class RegisterHouseholdInput:
    address_region_code: str
    members: list[HouseholdMemberInput]
    address: str | None = None

    def to_core(self) -> HouseholdInput:
        return HouseholdInput(
            address_region_code=self.address_region_code,
            address=self.address,
            members=[member.to_core(i) for i, member in enumerate(self.members)],
        )


@strawberry.input(
    description="What the clerk states about the person beyond the register, each with its evidence "
    "(kept and listed by the statedCircumstances report), whom a newborn follows, and the lapsed years "
    "repaired now. Birth date, hardship identities and the enrolment history come from the register."
)
class CircumstancesInput:
    events: list[StatedEventInput] = strawberry.field(default_factory=list)
    college_student: bool = False
    college_student_evidence: EvidenceInput | None = strawberry.field(
        default=None, description="Required with collegeStudent, e.g. the 学生证."
    )
    migrant_worker: bool = False
    migrant_worker_evidence: EvidenceInput | None = strawberry.field(
        default=None, description="Required with migrantWorker, e.g. the 居住证 or a work certificate."
    )
    guardian: GuardianInput | None = strawberry.field(
        default=None, description="A newborn following a guardian (随法定监护人参保)."
    )
    guardian_enrolled: bool = strawberry.field(
        default=False,
        description="Deprecated: the same as `guardian: {}` — a member of the newborn's household who has "
        "paid for the year, as the register shows; the clerk's word is not taken.",
    )
    repair_years: int = strawberry.field(
        default=0,
        description="Lapsed years paid for now (缴费修复, 国办发〔2024〕38号): each is charged at the year's "
        "personal share and shortens the variable waiting period; at most the years the register shows "
        "lapsed.",
    )

    def to_core(self) -> Circumstances:
        guardian = self.guardian.to_core("circumstances.guardian") if self.guardian else None
        if guardian is None and self.guardian_enrolled:
            guardian = Guardian()
        return Circumstances(
            events=tuple(e.to_core() for e in self.events),
            college_student=self.college_student,
            college_student_evidence=self.college_student_evidence.to_core()
            if self.college_student_evidence
            else None,
            migrant_worker=self.migrant_worker,
            migrant_worker_evidence=self.migrant_worker_evidence.to_core()
            if self.migrant_worker_evidence
            else None,
            guardian=guardian,
            repair_years=self.repair_years,
        )


@strawberry.input
class EnrolInput:
    person_id: strawberry.ID
    coverage_year: int
    policy_id: str
    idempotency_key: str = strawberry.field(
        description="Chosen by the client per enrolment (at most 64 characters); a retry with the same "
        "key returns the first enrolment, and the key reused for another enrolment is refused."
    )
    tier: str = "1"
    region_code: str | None = strawberry.field(
        default=None,
        description="Where the person is insured; defaults to where they live (the residence region), "
        "or the hukou region when only that lies in your region.",
    )
    circumstances: CircumstancesInput | None = strawberry.field(
        default=None, description="Life events and the like; birth date and hardship come from the register."
    )
    channel: str | None = strawberry.field(
        default=None, description="How the person means to pay: a channel code the policy names (`policies`)."
    )
    on: date | None = strawberry.field(
        default=None, description="The enrolment date the amount due is quoted for; default today."
    )

    def to_core(self) -> EnrolmentInput:
        return EnrolmentInput(
            person_id=parse_id(self.person_id, "personId"),
            coverage_year=self.coverage_year,
            policy_id=self.policy_id,
            idempotency_key=self.idempotency_key,
            tier=self.tier,
            region_code=self.region_code,
            circumstances=self.circumstances.to_core() if self.circumstances else None,
            channel=self.channel,
            on=self.on,
        )


@strawberry.input(description="Enrols members of one household together: all of them or none.")
class EnrolHouseholdInput:
    household_id: strawberry.ID
    coverage_year: int
    policy_id: str
    idempotency_key: str = strawberry.field(
        description="Chosen by the client (at most 50 characters); each member's key is `<key>:<personId>`."
    )
    tier: str = "1"
    channel: str | None = None
    on: date | None = strawberry.field(default=None, description="The enrolment date; default today.")
    person_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Default: every member who has not left (death, moved, employee insurance)."
    )

    def to_core(self) -> HouseholdEnrolmentInput:
        return HouseholdEnrolmentInput(
            household_id=parse_id(self.household_id, "householdId"),
            coverage_year=self.coverage_year,
            policy_id=self.policy_id,
            idempotency_key=self.idempotency_key,
            tier=self.tier,
            channel=self.channel,
            on=self.on,
            person_ids=None
            if self.person_ids is None
            else [parse_id(p, f"personIds.{i}") for i, p in enumerate(self.person_ids)],
        )


@strawberry.input(description="A hardship identity from a department's roster.")
class RecordCategoryInput:
    person_id: strawberry.ID
    code: str = strawberry.field(
        description="A code from the canonical vocabulary (docs/contract/categories.md)."
    )
    since: date | None = strawberry.field(default=None, description="Date recognised (认定日期).")
    until: date | None = None
    grade: int | None = strawberry.field(default=None, description="For SEVERE_DISABILITY: 1–4.")

    def to_core(self) -> CategoryInput:
        return CategoryInput(
            person_id=parse_id(self.person_id, "personId"),
            code=self.code,
            since=self.since,
            until=self.until,
            grade=self.grade,
        )


PayeeAccountKind = strawberry.enum(
    StrEnum("PayeeAccountKind", {kind: kind for kind in ACCOUNT_KINDS}),
    description="ONE_CARD: the 一卡通 of 惠民惠农财政补贴资金; BANK_CARD: a bank card.",
)


@strawberry.input(description="Where money owed back is paid: an account number and its kind.")
class PayeeAccountInput:
    kind: PayeeAccountKind
    number: str = strawberry.field(description="10 to 30 digits; spaces and hyphens are ignored.")

    def to_core(self) -> PayeeAccount:
        return PayeeAccount(self.kind.value, self.number)


@strawberry.input
class RecordPaymentInput:
    enrolment_id: strawberry.ID
    amount: Decimal = strawberry.field(description="Yuan, at most two decimal places.")
    paid_on: date
    channel: str = strawberry.field(description="A channel code the policy names (`policies { channels }`).")
    idempotency_key: str = strawberry.field(
        description="Chosen by the client per payment; a retry with the same key records nothing new."
    )
    collector: str | None = None
    refund_account: PayeeAccountInput | None = strawberry.field(
        default=None,
        description="Where a collect-then-refund refund of this payment is to be paid, if known now.",
    )

    def to_core(self) -> PaymentInput:
        return PaymentInput(
            enrolment_id=parse_id(self.enrolment_id, "enrolmentId"),
            amount=self.amount,
            paid_on=self.paid_on,
            channel=self.channel,
            idempotency_key=self.idempotency_key,
            collector=self.collector,
            refund_account=self.refund_account.to_core() if self.refund_account else None,
        )


@strawberry.input(
    description="Pays for every member of a household who owes the year, in one transaction: where the "
    "policy makes households pay whole (贵医保组〔2023〕1号 三8), the only way their members pay."
)
class PayHouseholdInput:
    household_id: strawberry.ID
    coverage_year: int
    amount: Decimal = strawberry.field(
        description="The total handed over; it must equal the sum of each owing member's amount due."
    )
    paid_on: date
    channel: str = strawberry.field(description="A channel code the policy names (`policies { channels }`).")
    idempotency_key: str = strawberry.field(
        description="One key for the household's payment; a retry with it records nothing new."
    )
    collector: str | None = None
    refund_account: PayeeAccountInput | None = strawberry.field(
        default=None, description="Where the members' collect-then-refund refunds are to be paid."
    )

    def to_core(self) -> HouseholdPaymentInput:
        return HouseholdPaymentInput(
            household_id=parse_id(self.household_id, "householdId"),
            coverage_year=self.coverage_year,
            amount=self.amount,
            paid_on=self.paid_on,
            channel=self.channel,
            idempotency_key=self.idempotency_key,
            collector=self.collector,
            refund_account=self.refund_account.to_core() if self.refund_account else None,
        )


@strawberry.input
class ReversePaymentInput:
    payment_id: strawberry.ID
    reason: str
    idempotency_key: str

    def to_core(self) -> ReversalInput:
        return ReversalInput(
            payment_id=parse_id(self.payment_id, "paymentId"),
            reason=self.reason,
            idempotency_key=self.idempotency_key,
        )
