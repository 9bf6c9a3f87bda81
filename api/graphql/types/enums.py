"""The GraphQL enums of core's statuses and kinds (core/statuses.py), one per concept.

Each is a copy of core's StrEnum with the same names and values, so the schema names it without
touching core's class, and the wire carries the same plain codes the String fields carried before.
Codes a plugin may add to (hardship categories, payment channels) are not enums: they stay codes,
labelled by `categories` and `channels` (api/graphql/vocabulary.py).
"""

from enum import Enum, StrEnum

import strawberry

from yibao.core import statuses


def copy(core: type[StrEnum], description: str, name: str | None = None):
    """A GraphQL enum with `core`'s members, named `name` (default: core's class name)."""
    return strawberry.enum(
        Enum(name or core.__name__, {member.name: member.value for member in core}), description=description
    )


EnrolmentStatus = copy(
    statuses.EnrolmentStatus,
    "ENROLLED: registered for the year, nothing stands paid; PAID: a payment stands; TERMINATED: ended "
    "(death, moving away, …), its money settled.",
)
PaymentKind = copy(statuses.PaymentKind, "PAYMENT, or a REVERSAL cancelling one (the ledger is not edited).")
Gender = copy(statuses.Gender, "M or F, as digit 17 of the ID number says (odd for men).")
ImportOutcome = copy(
    statuses.ImportOutcome,
    "What became of one row of an imported file (a roster, a payment roster, tax confirmations).",
)


RefundKind = copy(
    statuses.RefundKind,
    "COLLECT_THEN_REFUND (先征后返), TERMINATION (what an ended enrolment is owed back) or RECOVERY "
    "(应追回: a paid refund whose payment was reversed).",
)
RefundStatus = copy(
    statuses.RefundStatus,
    "PENDING (its amount waits for a parameter), OWED, PAID (for a RECOVERY: recovered) or CANCELLED.",
)
PayeeAccountKind = copy(
    statuses.PayeeAccountKind, "ONE_CARD: the 一卡通 of 惠民惠农财政补贴资金; BANK_CARD: a bank card."
)


@strawberry.enum(description="Ascending (the default) or descending.")
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"
