"""Apollo Federation: the entities another subgraph (the tax system) can reference, resolved in batches.

A tax system holds what is printed on its records, not our row ids, so the keys are:

- Person: `idNumber` (the 18-digit resident ID number);
- Enrolment: `person { idNumber } coverageYear region { code }` — the person, the year and the
  region the enrolment was made in (a nested key on the existing fields, so the type gains no
  field that only repeats `region.code`);
- Payment: `receiptNumber`, the number printed on the receipt the tax office invoices against
  (方政办明电〔2021〕35号 四（五）: 税务局根据征集流水号完成开票、入库).

`_entities` calls `resolve_reference` once per representation; each call only queues its key in
a DataLoader kept for the request, so a batch costs one SQL statement per entity type whatever its
size. Every statement goes through the caller's scope (`Scope.visible`): a row outside the caller's
region resolves to null exactly like a missing one. Person and Enrolment keys hold a whole ID
number, so only roles that see whole ID numbers may resolve them: for the others each such
representation is refused (FORBIDDEN), whatever the number, since an answer would confirm a guess
at a masked number (api/masking.py). Payments resolve by receipt number for every reader.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from sqlmodel import Session, col, select
from strawberry.dataloader import DataLoader

from core.models import Enrolment, Payment, Person
from core.scope import Scope

from .masking import refuse_lookup_by_id_number

# Where the loaders live on the request's context: one set per request, like `Context.loaders`.
_ATTRIBUTE = "federation_loaders"

EnrolmentKey = tuple[str, int, str]  # (ID number, coverage year, region code)


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
        statement = select(Person).where(col(Person.id_number).in_(numbers), self.scope.visible(Person))
        found = {row.id_number: row for row in self.session.exec(statement)}
        return [found.get(number) for number in numbers]

    async def _enrolments(self, keys: list[EnrolmentKey]) -> list[Enrolment | None]:
        # A superset by each part of the key, matched exactly below: portable to SQLite and
        # PostgreSQL alike, and still one statement for the whole batch.
        numbers, years, regions = (sorted({key[i] for key in keys}) for i in range(3))
        statement = (
            select(Enrolment, Person.id_number)
            .join(Person, col(Person.id) == Enrolment.person_id)
            .where(
                col(Person.id_number).in_(numbers),
                col(Enrolment.coverage_year).in_(years),
                col(Enrolment.region_code).in_(regions),
                self.scope.visible(Enrolment),
            )
        )
        found = {
            (number, row.coverage_year, row.region_code): row for row, number in self.session.exec(statement)
        }
        return [found.get(key) for key in keys]

    async def _payments(self, receipts: list[str]) -> list[Payment | None]:
        statement = select(Payment).where(
            col(Payment.receipt_number).in_(receipts), self.scope.visible(Payment)
        )
        found = {row.receipt_number: row for row in self.session.exec(statement)}
        return [found.get(receipt) for receipt in receipts]


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


async def resolve_person(info: strawberry.Info, key: dict[str, Any]):
    from .types.person import Person as PersonType

    refuse_lookup_by_id_number(info)
    row = await _load(loaders_of(info).person, _text(key.get("idNumber")))
    return PersonType.of(row)


async def resolve_enrolment(info: strawberry.Info, key: dict[str, Any]):
    from .types.enrolment import Enrolment as EnrolmentType

    refuse_lookup_by_id_number(info)  # the key holds the person's ID number
    number = _text(_nested(key.get("person"), "idNumber"))
    year = _year(key.get("coverageYear"))
    region = _text(_nested(key.get("region"), "code"))
    complete = number is not None and year is not None and region is not None
    row = await _load(loaders_of(info).enrolment, (number, year, region) if complete else None)
    return EnrolmentType.of(row)


async def resolve_payment(info: strawberry.Info, key: dict[str, Any]):
    from .types.payment import Payment as PaymentType

    row = await _load(loaders_of(info).payment, _text(key.get("receiptNumber")))
    return PaymentType.of(row)
