"""Batched loading: every nested field of a page costs one query per field, not per row.

Each loader is a synchronous batch lookup (`fetch`), used directly for the objects of one list
(api/graphql/siblings.py), and a DataLoader over it for objects resolved alone.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import defer
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

Fetch = Callable[[Sequence[Hashable]], list]


# An enrolment's snapshot (its frozen quote, a few kB of JSON) is read only when a field asks for
# it, for all the enrolments of a list at once (api/graphql/types/enrolment.py): decoding it for
# every enrolment of a page took a tenth of the page's time.
LATER = {Enrolment: (defer(Enrolment.snapshot),)}


def _one_by(session: Session, model, column, scope: Scope) -> Fetch:
    options = LATER.get(model, ())
    return _remembered(lambda keys: lookups.one_by(session, scope, model, column, keys, options))


def _remembered(fetch: Fetch) -> Fetch:
    """The fetch, answering keys it has answered before from memory, as a DataLoader does for the
    request: a page's regions (its households', their parents, the persons') are read once."""
    known: dict = {}

    def fetch_remembered(keys: Sequence[Hashable]) -> list:
        missing = [key for key in dict.fromkeys(keys) if key not in known]
        if missing:
            known.update(zip(missing, fetch(missing), strict=True))
        return [known[key] for key in keys]

    return fetch_remembered


def _many_by(session: Session, model, column, order, scope: Scope) -> Fetch:
    options = LATER.get(model, ())
    return lambda keys: lookups.many_by(session, scope, model, column, order, keys, options)


def _loader(fetch: Fetch) -> DataLoader:
    async def load(keys: list) -> list:
        return fetch(keys)

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
    fetches: dict[str, Fetch] = field(init=False)

    def __post_init__(self) -> None:
        s, scope = self.session, self.scope
        self.fetches = {
            "region": _one_by(s, Region, Region.code, Scope(path=None)),  # regions are public
            "person": _one_by(s, Person, Person.id, scope),
            "household": _one_by(s, Household, Household.id, scope),
            "membership_of_person": _one_by(s, HouseholdMember, HouseholdMember.person_id, scope),
            "members_of_household": _many_by(
                s, HouseholdMember, HouseholdMember.household_id, HouseholdMember.id, scope
            ),
            "enrolment": _one_by(s, Enrolment, Enrolment.id, scope),
            "enrolments_of_person": _many_by(
                s, Enrolment, Enrolment.person_id, Enrolment.coverage_year, scope
            ),
            "payment": _one_by(s, Payment, Payment.id, scope),
            "payments_of_enrolment": _many_by(s, Payment, Payment.enrolment_id, Payment.id, scope),
            "entitlements_of_enrolment": _many_by(
                s, Entitlement, Entitlement.enrolment_id, Entitlement.start_date, scope
            ),
            "refunds_of_enrolment": _many_by(s, Refund, Refund.enrolment_id, Refund.id, scope),
            "categories_of_person": _many_by(s, CategoryFact, CategoryFact.person_id, CategoryFact.id, scope),
            # Unscoped, and never answered to the caller (core/lookups.py).
            "birth_date": lambda person_ids: lookups.birth_dates(s, person_ids),
        }
        for name, fetch in self.fetches.items():
            setattr(self, name, _loader(fetch))

    def enrolments_of_person_in(self, year: int) -> str:
        """The name of the loader of persons' enrolments of `year`, made on first use."""
        name = f"enrolments_of_person_in_{int(year)}"
        if name not in self.fetches:
            s, scope, options = self.session, self.scope, LATER[Enrolment]
            in_year = (Enrolment.coverage_year == year,)
            fetch = self.fetches[name] = lambda keys: lookups.many_by(
                s, scope, Enrolment, Enrolment.person_id, Enrolment.id, keys, options, in_year
            )
            setattr(self, name, _loader(fetch))
        return name

    def fetch(self, name: str, keys: Sequence[Hashable]) -> list:
        """What loader `name` answers for `keys`, at once, in their order: one statement."""
        return self.fetches[name](keys)
