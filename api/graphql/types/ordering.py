"""How each list sorts: a small enum of keys per list, and a direction; id breaks ties, so pages
are stable (core/paging.py). The keys are core's (core/queries.py ORDERS)."""

from enum import Enum

import strawberry

from yibao.core import models, queries
from yibao.core.paging import Order

from .enums import OrderDirection


def _fields(model: type, name: str, description: str):
    keys = {"ID": "ID", **{key: key for key in queries.ORDERS[model]}}
    return strawberry.enum(Enum(name, keys), description=description)


PersonOrderField = _fields(models.Person, "PersonOrderField", "ID: registration order; NAME: by code point.")
HouseholdOrderField = _fields(
    models.Household, "HouseholdOrderField", "ID: registration order; REGION: by address region code."
)
EnrolmentOrderField = _fields(
    models.Enrolment, "EnrolmentOrderField", "ID: enrolment order; REGION: by the region code enrolled in."
)
PaymentOrderField = _fields(
    models.Payment, "PaymentOrderField", "ID: ledger order; PAID_ON: the day paid; AMOUNT: in yuan."
)


@strawberry.input(description="A sort key of the persons list, then id.")
class PersonOrder:
    field: PersonOrderField = PersonOrderField.ID
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="A sort key of the households list, then id.")
class HouseholdOrder:
    field: HouseholdOrderField = HouseholdOrderField.ID
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="A sort key of the enrolments list, then id.")
class EnrolmentOrder:
    field: EnrolmentOrderField = EnrolmentOrderField.ID
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="A sort key of the payments list, then id.")
class PaymentOrder:
    field: PaymentOrderField = PaymentOrderField.ID
    direction: OrderDirection = OrderDirection.ASC


def to_core(info: strawberry.Info, model: type, given) -> Order:
    """The core order an `orderBy` argument names; none given is id order."""
    if given is None:
        return queries.BY_ID
    descending = given.direction is OrderDirection.DESC
    return queries.order(info.context.session, model, given.field.value, descending)
