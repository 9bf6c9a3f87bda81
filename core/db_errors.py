"""Turns a constraint the database enforced into the field a clerk has to fix.

The services check first and say so kindly; this catches what slips past them, such as two
clerks registering the same ID number at the same moment.
"""

import re

from sqlalchemy.exc import IntegrityError

from .errors import ErrorCode, FieldError

_BY_CONSTRAINT: dict[str, FieldError] = {
    "uq_person_id_number": FieldError("idNumber", ErrorCode.DUPLICATE, "该身份证号码已登记"),
    "uq_household_member_person_id": FieldError("personId", ErrorCode.DUPLICATE, "该居民已属于另一户"),
    "uq_household_member_one_head": FieldError("isHead", ErrorCode.CONFLICT, "一户只能有一位户主"),
    "uq_enrolment_person_year": FieldError(
        "coverageYear",
        ErrorCode.DUPLICATE,
        "该居民本年度已参保，不得重复参保",
    ),
    "uq_enrolment_region_key": FieldError("idempotencyKey", ErrorCode.CONFLICT, "该幂等键已使用"),
    "uq_payment_enrolment_key": FieldError("idempotencyKey", ErrorCode.DUPLICATE, "该幂等键已使用"),
    # One standing payment per enrolment (core/models/payment.py), should two workers get past
    # the enrolment's lock.
    "uq_payment_first_slot": FieldError("enrolmentId", ErrorCode.CONFLICT, "该参保登记已缴费，不得重复缴费"),
    "uq_payment_replaces_reversal_id": FieldError(
        "enrolmentId", ErrorCode.CONFLICT, "该参保登记已缴费，不得重复缴费"
    ),
    "uq_refund_one_per_payment": FieldError("paymentId", ErrorCode.CONFLICT, "该笔缴费已有退费记录"),
    "uq_refund_one_termination": FieldError("enrolmentId", ErrorCode.CONFLICT, "该参保登记已办理终止退费"),
    "uq_refund_recovers_refund_id": FieldError("paymentId", ErrorCode.CONFLICT, "该笔退费已有追回记录"),
    "uq_settlement_enrolment_as_of": FieldError("asOf", ErrorCode.DUPLICATE, "该参保登记已按此名册调整"),
    "uq_payment_reverses_payment_id": FieldError("paymentId", ErrorCode.CONFLICT, "该笔缴费已冲正"),
    "ck_payment_sign": FieldError("amount", ErrorCode.INVALID, "金额不能为负数"),
}

# SQLite names the columns, not the constraint.
_SQLITE_COLUMNS = {
    "person.id_number": "uq_person_id_number",
    "household_member.person_id": "uq_household_member_person_id",
    "household_member.household_id": "uq_household_member_one_head",
    "enrolment.person_id, enrolment.coverage_year": "uq_enrolment_person_year",
    "enrolment.region_code, enrolment.idempotency_key": "uq_enrolment_region_key",
    "payment.enrolment_id, payment.idempotency_key": "uq_payment_enrolment_key",
    "payment.reverses_payment_id": "uq_payment_reverses_payment_id",
    "payment.enrolment_id": "uq_payment_first_slot",
    "payment.replaces_reversal_id": "uq_payment_replaces_reversal_id",
    "refund.payment_id": "uq_refund_one_per_payment",
    "refund.enrolment_id": "uq_refund_one_termination",
    "refund.recovers_refund_id": "uq_refund_recovers_refund_id",
    "settlement.enrolment_id, settlement.as_of": "uq_settlement_enrolment_as_of",
}


# A ledger partition's constraint is its table's with the partition's suffix (core/partitions.py).
_PARTITION_SUFFIX = re.compile(r"_(y\d{4}|default)$")


def constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return _PARTITION_SUFFIX.sub("", diag.constraint_name)
    message = str(exc.orig)
    if match := re.search(r"UNIQUE constraint failed: (.+)$", message, re.M):
        return _SQLITE_COLUMNS.get(match.group(1).strip())
    if match := re.search(r"CHECK constraint failed: (\w+)", message):
        return match.group(1)
    return None


def field_error(exc: IntegrityError) -> FieldError | None:
    name = constraint_name(exc)
    return _BY_CONSTRAINT.get(name) if name else None
