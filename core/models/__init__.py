"""The tables. Importing this package registers every one with `SQLModel.metadata`."""

from .audit import AuditEvent
from .category import CategoryFact
from .circumstance import StatedCircumstance
from .department_list import ListEntry
from .departure import Departure
from .deposit import DepositSlip
from .enrolment import Enrolment
from .entitlement import Entitlement
from .history import EnrolmentHistory
from .household import Household, HouseholdMember
from .imports import ImportJob, ImportRow
from .login_link import LoginLink
from .payment import Payment, ReceiptSequence
from .person import Person
from .refund import Refund, RefundBatch
from .region import Region
from .settlement import Settlement
from .target import Target
from .tax import TaxConfirmation

__all__ = [
    "AuditEvent",
    "CategoryFact",
    "Departure",
    "DepositSlip",
    "Enrolment",
    "EnrolmentHistory",
    "Entitlement",
    "Household",
    "HouseholdMember",
    "ImportJob",
    "ImportRow",
    "ListEntry",
    "LoginLink",
    "Payment",
    "Person",
    "ReceiptSequence",
    "Refund",
    "RefundBatch",
    "Region",
    "Settlement",
    "StatedCircumstance",
    "Target",
    "TaxConfirmation",
]
