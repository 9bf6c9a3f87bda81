"""Apollo Federation: the entities another subgraph (the tax system) can reference, resolved in batches.

A tax system holds what is printed on its records, not our row ids, so the keys are:

- Person: `idNumber` (the 18-digit resident ID number), or `federationKey`, an opaque key every
  role reads alike (api/graphql/federation_keys.py) — the key for roles that see ID numbers masked;
- Enrolment: `person { idNumber } coverageYear`, or `person { federationKey } coverageYear` — one
  enrolment per person and year, which the database keeps unique;
- Payment: `receiptNumber`, the number printed on the receipt the tax office invoices against
  (方政办明电〔2021〕35号 四（五）: 税务局根据征集流水号完成开票、入库).

`_entities` calls each type's `resolve_reference` once per representation, which asks this module
for the row (the type wraps it); each call only queues its key in a DataLoader kept for the
request, so a batch costs one SQL statement per entity type and key whatever its size
(core/lookups.py). Every statement goes through the caller's scope (`Scope.visible`): a row
outside the caller's region resolves to null exactly like a missing one.

A representation that is not one — no `__typename` of ours, a key missing a part or of the wrong
kind — is an INVALID error at its own index (the error's path ends with it); the others resolve.
Keys holding a whole ID number resolve only for roles that see whole ID numbers: for the others
each such representation is refused (FORBIDDEN) whatever the number, since an answer would
confirm a guess at a masked one (api/graphql/masking.py). A federation key confirms nothing (it
cannot be made without the server key), so every reader may resolve it; payments resolve by
receipt number for every reader.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlmodel import Session
from strawberry.dataloader import DataLoader

from yibao.core import lookups
from yibao.core.models import Enrolment, Payment, Person
from yibao.core.scope import Scope

from . import federation_keys
from .masking import refuse_lookup_by_id_number

# Where the loaders live on the request's context: one set per request, like `Context.loaders`.
_ATTRIBUTE = "federation_loaders"

KEYS = {
    "Person": ("idNumber", "federationKey"),
    "Enrolment": ("person { idNumber } coverageYear", "person { federationKey } coverageYear"),
    "Payment": ("receiptNumber",),
}


@dataclass
class FederationLoaders:
    session: Session
    scope: Scope
    person: DataLoader = field(init=False)
    enrolment: DataLoader = field(init=False)
    enrolment_of_person: DataLoader = field(init=False)
    payment: DataLoader = field(init=False)

    def __post_init__(self) -> None:
        self.person = DataLoader(self._persons)
        self.enrolment = DataLoader(self._enrolments)
        self.enrolment_of_person = DataLoader(self._enrolments_of_persons)
        self.payment = DataLoader(self._payments)

    async def _persons(self, numbers: list[str]) -> list[Person | None]:
        return lookups.persons_by_id_number(self.session, self.scope, numbers)

    async def _enrolments(self, keys: list[lookups.EnrolmentKey]) -> list[Enrolment | None]:
        return lookups.enrolments_by_key(self.session, self.scope, keys)

    async def _enrolments_of_persons(self, keys: list[tuple[int, int]]) -> list[Enrolment | None]:
        return lookups.enrolments_by_person_year(self.session, self.scope, keys)

    async def _payments(self, receipts: list[str]) -> list[Payment | None]:
        return lookups.payments_by_receipt(self.session, self.scope, receipts)


def loaders_of(info: strawberry.Info) -> FederationLoaders:
    """The request's loaders, made on first use (a context serves exactly one request)."""
    context = info.context
    loaders = getattr(context, _ATTRIBUTE, None)
    if loaders is None:
        loaders = FederationLoaders(context.session, context.scope)
        setattr(context, _ATTRIBUTE, loaders)
    return loaders


def invalid(type_name: str) -> GraphQLError:
    """A representation of `type_name` whose key is not one of its keys."""
    keys = "”或“".join(KEYS[type_name])
    return GraphQLError(f"实体引用无效：{type_name} 的键应为“{keys}”", extensions={"code": "INVALID"})


def _text(value: Any) -> str | None:
    """A key part as the tax system sent it; anything but non-empty text is no key at all."""
    return value if isinstance(value, str) and value else None


def _year(value: Any) -> int | None:
    # A coverage year has four digits; a 20-digit one once reached SQLite as an OverflowError.
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4:
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 10_000 else None


async def _load(loader: DataLoader, key: Hashable):
    return await loader.load(key)


async def _person_by_federation_key(info: strawberry.Info, key: Any) -> Person | None:
    """The person a federation key names, if it is in the caller's scope and the key is ours."""
    row_id = federation_keys.row_id_of(key)
    if row_id is None:
        raise invalid("Person")
    person = await info.context.loaders.person.load(row_id)
    server_key = info.context.key
    if person is None or not federation_keys.matches(server_key, key, person.id, person.id_number):
        return None
    return person


async def person(info: strawberry.Info, key: dict[str, Any]) -> Person | None:
    """The person a representation's `idNumber` (for roles that see whole ID numbers) or
    `federationKey` (for every reader) names."""
    if "federationKey" in key:
        return await _person_by_federation_key(info, key["federationKey"])
    refuse_lookup_by_id_number(info)
    number = _text(key.get("idNumber"))
    if number is None:
        raise invalid("Person")
    return await _load(loaders_of(info).person, number)


async def enrolment(info: strawberry.Info, key: dict[str, Any]) -> Enrolment | None:
    """The enrolment a representation's person and coverage year name."""
    person_key, year = key.get("person"), _year(key.get("coverageYear"))
    if not isinstance(person_key, dict) or year is None:
        raise invalid("Enrolment")
    if "federationKey" in person_key:
        found = await _person_by_federation_key(info, person_key["federationKey"])
        return None if found is None else await _load(loaders_of(info).enrolment_of_person, (found.id, year))
    refuse_lookup_by_id_number(info)  # the key holds the person's ID number
    number = _text(person_key.get("idNumber"))
    if number is None:
        raise invalid("Enrolment")
    return await _load(loaders_of(info).enrolment, (number, year))


async def payment(info: strawberry.Info, key: dict[str, Any]) -> Payment | None:
    """The payment a representation's `receiptNumber` names, for every reader."""
    number = _text(key.get("receiptNumber"))
    if number is None:
        raise invalid("Payment")
    return await _load(loaders_of(info).payment, number)
