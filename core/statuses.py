"""The statuses and kinds stored rows take, each defined once; the tables' check constraints are
built from them (`sql_in`).

They are StrEnums: a member is its string, so the database stores and returns the plain code and
a row read back compares equal to the member. The GraphQL schema shows each as an enum of the same
values (api/graphql/types/enums.py), so what goes over the wire is the same plain code.
"""

from enum import StrEnum


class EnrolmentStatus(StrEnum):
    ENROLLED = "ENROLLED"  # registered for the year; nothing stands paid
    PAID = "PAID"  # a payment stands
    TERMINATED = "TERMINATED"  # ended (death, moving away, …); its money settled


class Gender(StrEnum):
    """As GB 11643 digit 17 says: odd for men, even for women."""

    M = "M"
    F = "F"


class PaymentKind(StrEnum):
    PAYMENT = "PAYMENT"
    REVERSAL = "REVERSAL"  # cancels a payment; the ledger is never edited


class RefundKind(StrEnum):
    COLLECT_THEN_REFUND = "COLLECT_THEN_REFUND"  # 先征后返: a subsidy paid back after collection
    TERMINATION = "TERMINATION"  # what an ended enrolment is owed back
    RECOVERY = "RECOVERY"  # 应追回: a paid refund whose payment was reversed, owed back by the person


class RefundStatus(StrEnum):
    PENDING = "PENDING"  # owed, its amount waiting for a parameter
    OWED = "OWED"
    PAID = "PAID"  # for a RECOVERY: recovered
    CANCELLED = "CANCELLED"  # its payment was reversed before it was paid


class PayeeAccountKind(StrEnum):
    ONE_CARD = "ONE_CARD"  # 一卡通, the card of 惠民惠农财政补贴资金
    BANK_CARD = "BANK_CARD"


class SettlementStatus(StrEnum):
    UNSETTLED = "UNSETTLED"  # who settles it waits for the deployment's choice
    OWED = "OWED"
    SETTLED = "SETTLED"


class TargetKind(StrEnum):
    TARGET = "TARGET"  # 任务数/约束目标, what collection_progress measures against
    BASE = "BASE"  # 征收基数, last year's base


class ImportKind(StrEnum):
    ROSTER = "ROSTER"  # a department's roster (花名册)
    PAYMENTS = "PAYMENTS"  # a village's collected roster (缴费清册)
    HISTORY = "HISTORY"  # last years' 参保底表 (core/services/history_import.py)
    LIST = "LIST"  # another department's name list (core/services/department_lists.py)


class HistoryStatus(StrEnum):
    """A year of the imported 参保底表 (core/models/history.py)."""

    PAID = "PAID"  # 参保缴费
    UNPAID = "UNPAID"  # 登记未缴: the register's ENROLLED
    STOPPED = "STOPPED"  # 停保、暂停或终止参保


class ListSource(StrEnum):
    """Whose name list a list entry comes from (core/models/department_list.py)."""

    EDUCATION_STUDENTS = "EDUCATION_STUDENTS"  # 教育局在册学生花名册
    HR_RESIDENT_PENSION = "HR_RESIDENT_PENSION"  # 人社局城乡居民养老保险花名册
    HR_EMPLOYEE_INSURANCE = "HR_EMPLOYEE_INSURANCE"  # 人社局职工医保参保名单
    ZERO_CLAIM = "ZERO_CLAIM"  # 医保局基金零报销名单


class ImportStatus(StrEnum):
    RUNNING = "RUNNING"
    DONE = "DONE"


class ImportOutcome(StrEnum):
    """What became of one row of an imported file (a roster, a payment roster, tax confirmations)."""

    IMPORTED = "IMPORTED"
    UNCHANGED = "UNCHANGED"
    REFUSED = "REFUSED"


def sql_in(codes: type[StrEnum] | tuple[str, ...]) -> str:
    """`('A', 'B')`: the codes as an SQL list for a check constraint."""
    return "(" + ", ".join(f"'{code}'" for code in codes) + ")"
