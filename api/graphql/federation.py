"""Apollo Federation: the entities another subgraph (the tax system) can reference, resolved in batches.

A tax system holds what is printed on its records, not our row ids, so the keys are:

- Person: `idNumber` (the 18-digit resident ID number);
- Enrolment: `person { idNumber } coverageYear region { code }` — the person, the year and the
  region the enrolment was made in (a nested key on the existing fields, so the type gains no
  field that only repeats `region.code`);
- Payment: `receiptNumber`, the number printed on the receipt the tax office invoices against
  (方政办明电〔2021〕35号 四（五）: 税务局根据征集流水号完成开票、入库).

`_entities` calls each type's `resolve_reference` once per representation, which asks this module
for the row (the type wraps it); each call only queues its key in a DataLoader kept for the
request, so a batch costs one SQL statement per entity type whatever its size (core/lookups.py).
Every statement goes through the caller's scope (`Scope.visible`): a row outside the caller's
region resolves to null exactly like a missing one. Person and Enrolment keys hold a whole ID
number, so only roles that see whole ID numbers may resolve them: for the others each such
representation is refused (FORBIDDEN), whatever the number, since an answer would confirm a guess
at a masked number (api/graphql/masking.py). Payments resolve by receipt number for every reader.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from sqlmodel import Session
from strawberry.dataloader import DataLoader

from yibao.core import lookups
from yibao.core.models import Enrolment, Payment, Person
from yibao.core.scope import Scope

from .masking import refuse_lookup_by_id_number

# Where the loaders live on the request's context: one set per request, like `Context.loaders`.
_ATTRIBUTE = "federation_loaders"


@dataclass
class FederationLoaders:
    session: Session
    scope: Scope
    person: DataLoader = field(init=False)
    enrolment: DataLoader = field(init=False)
    payment: DataLoader = field(init=False)

    def __post_init__(self) -> None:
        self.person = DataLoader(self._persons)
        self.enrolment = DataLoader(self._enrolments)
        self.payment = DataLoader(self._payments)

    async def _persons(self, numbers: list[str]) -> list[Person | None]:
        return lookups.persons_by_id_number(self.session, self.scope, numbers)

    async def _enrolments(self, keys: list[lookups.EnrolmentKey]) -> list[Enrolment | None]:
        return lookups.enrolments_by_key(self.session, self.scope, keys)

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


def _nested(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else None


async def _load(loader: DataLoader, key: Hashable | None):
    return None if key is None else await loader.load(key)


async def person(info: strawberry.Info, key: dict[str, Any]) -> Person | None:
    """The person a representation's `idNumber` names, for roles that see whole ID numbers."""
    refuse_lookup_by_id_number(info)
    return await _load(loaders_of(info).person, _text(key.get("idNumber")))


async def enrolment(info: strawberry.Info, key: dict[str, Any]) -> Enrolment | None:
    """The enrolment a representation's person, year and region name, for the same roles."""
    refuse_lookup_by_id_number(info)  # the key holds the person's ID number
    number = _text(_nested(key.get("person"), "idNumber"))
    year = _year(key.get("coverageYear"))
    region = _text(_nested(key.get("region"), "code"))
    complete = number is not None and year is not None and region is not None
    return await _load(loaders_of(info).enrolment, (number, year, region) if complete else None)


async def payment(info: strawberry.Info, key: dict[str, Any]) -> Payment | None:
    """The payment a representation's `receiptNumber` names, for every reader."""
    return await _load(loaders_of(info).payment, _text(key.get("receiptNumber")))
