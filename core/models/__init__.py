"""The tables. Importing this package registers every one with `SQLModel.metadata`."""

from .audit import AuditEvent
from .category import CategoryFact
from .enrolment import Enrolment
from .entitlement import Entitlement
from .household import Household, HouseholdMember
from .payment import Payment, ReceiptSequence
from .person import Person
from .refund import Refund
from .region import Region

__all__ = [
    "AuditEvent",
    "CategoryFact",
    "Enrolment",
    "Entitlement",
    "Household",
    "HouseholdMember",
    "Payment",
    "Person",
    "ReceiptSequence",
    "Refund",
    "Region",
]
