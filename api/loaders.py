"""Batched loading: every nested field of a page costs one query per field, not per row."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

from sqlmodel import Session, SQLModel, col, select
from strawberry.dataloader import DataLoader

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


def _one_by(
    session: Session, model: type[SQLModel], column, scope: Scope
) -> Callable[[list], Awaitable[list]]:
    async def load(keys: list[Hashable]) -> list:
        rows = session.exec(select(model).where(col(column).in_(keys), scope.visible(model))).all()
        by_key = {getattr(row, column.key): row for row in rows}
        return [by_key.get(key) for key in keys]

    return load


def _many_by(
    session: Session, model: type[SQLModel], column, order, scope: Scope
) -> Callable[[list], Awaitable[list]]:
    async def load(keys: list[Hashable]) -> list:
        statement = select(model).where(col(column).in_(keys), scope.visible(model))
        rows = session.exec(statement.order_by(order)).all()
        by_key: dict[Hashable, list] = defaultdict(list)
        for row in rows:
            by_key[getattr(row, column.key)].append(row)
        return [by_key.get(key, []) for key in keys]

    return load


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
        self.region = DataLoader(_one_by(s, Region, Region.code, Scope(path=None)))  # regions are public
        self.person = DataLoader(_one_by(s, Person, Person.id, scope))
        self.household = DataLoader(_one_by(s, Household, Household.id, scope))
        self.membership_of_person = DataLoader(_one_by(s, HouseholdMember, HouseholdMember.person_id, scope))
        self.members_of_household = DataLoader(
            _many_by(s, HouseholdMember, HouseholdMember.household_id, HouseholdMember.id, scope)
        )
        self.enrolment = DataLoader(_one_by(s, Enrolment, Enrolment.id, scope))
        self.enrolments_of_person = DataLoader(
            _many_by(s, Enrolment, Enrolment.person_id, Enrolment.coverage_year, scope)
        )
        self.payment = DataLoader(_one_by(s, Payment, Payment.id, scope))
        self.payments_of_enrolment = DataLoader(_many_by(s, Payment, Payment.enrolment_id, Payment.id, scope))
        self.entitlements_of_enrolment = DataLoader(
            _many_by(s, Entitlement, Entitlement.enrolment_id, Entitlement.start_date, scope)
        )
        self.refunds_of_enrolment = DataLoader(_many_by(s, Refund, Refund.enrolment_id, Refund.id, scope))
        self.categories_of_person = DataLoader(
            _many_by(s, CategoryFact, CategoryFact.person_id, CategoryFact.id, scope)
        )
        # Unscoped, and never answered to the caller: a person's birth date is what masking
        # withholds from the dates and texts shown about them (api/masking.py).
        self.birth_date = DataLoader(self._birth_dates)

    async def _birth_dates(self, person_ids: list[int]) -> list:
        statement = select(Person.id, Person.birth_date).where(col(Person.id).in_(person_ids))
        found = dict(self.session.exec(statement).all())
        return [found.get(person_id) for person_id in person_ids]
