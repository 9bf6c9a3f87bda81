"""Batched loading: every nested field of a page costs one query per field, not per row."""

from dataclasses import dataclass, field

from sqlmodel import Session
from strawberry.dataloader import DataLoader

from yibao.core import lookups
from yibao.core.models import (
    CategoryFact,
    Enrolment,
    Entitlement,
    Household,
    HouseholdMember,
    Payment,
    Person,
    Refund,
    Region,
)
from yibao.core.scope import Scope


def _one_by(session: Session, model, column, scope: Scope) -> DataLoader:
    async def load(keys: list) -> list:
        return lookups.one_by(session, scope, model, column, keys)

    return DataLoader(load)


def _many_by(session: Session, model, column, order, scope: Scope) -> DataLoader:
    async def load(keys: list) -> list:
        return lookups.many_by(session, scope, model, column, order, keys)

    return DataLoader(load)


@dataclass
class Loaders:
    """Every nested row is read through the caller's scope: what lies outside is absent."""

    session: Session
    scope: Scope
    region: DataLoader = field(init=False)
    person: DataLoader = field(init=False)
    household: DataLoader = field(init=False)
    membership_of_person: DataLoader = field(init=False)
    members_of_household: DataLoader = field(init=False)
    enrolment: DataLoader = field(init=False)
    enrolments_of_person: DataLoader = field(init=False)
    payment: DataLoader = field(init=False)
    payments_of_enrolment: DataLoader = field(init=False)
    entitlements_of_enrolment: DataLoader = field(init=False)
    categories_of_person: DataLoader = field(init=False)
    refunds_of_enrolment: DataLoader = field(init=False)
    birth_date: DataLoader = field(init=False)

    def __post_init__(self) -> None:
        s, scope = self.session, self.scope
        self.region = _one_by(s, Region, Region.code, Scope(path=None))  # regions are public
        self.person = _one_by(s, Person, Person.id, scope)
        self.household = _one_by(s, Household, Household.id, scope)
        self.membership_of_person = _one_by(s, HouseholdMember, HouseholdMember.person_id, scope)
        self.members_of_household = _many_by(
            s, HouseholdMember, HouseholdMember.household_id, HouseholdMember.id, scope
        )
        self.enrolment = _one_by(s, Enrolment, Enrolment.id, scope)
        self.enrolments_of_person = _many_by(
            s, Enrolment, Enrolment.person_id, Enrolment.coverage_year, scope
        )
        self.payment = _one_by(s, Payment, Payment.id, scope)
        self.payments_of_enrolment = _many_by(s, Payment, Payment.enrolment_id, Payment.id, scope)
        self.entitlements_of_enrolment = _many_by(
            s, Entitlement, Entitlement.enrolment_id, Entitlement.start_date, scope
        )
        self.refunds_of_enrolment = _many_by(s, Refund, Refund.enrolment_id, Refund.id, scope)
        self.categories_of_person = _many_by(s, CategoryFact, CategoryFact.person_id, CategoryFact.id, scope)
        # Unscoped, and never answered to the caller (core/lookups.py).
        self.birth_date = DataLoader(self._birth_dates)

    async def _birth_dates(self, person_ids: list[int]) -> list:
        return lookups.birth_dates(self.session, person_ids)
