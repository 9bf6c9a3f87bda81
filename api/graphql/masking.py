"""What a role that may not see whole ID numbers sees of the facts that would rebuild one.

The mask keeps 4 + 4 characters of an 18-character ID number (core/idcard.py): the province
and city (digits 1–4), the sequence with its gender digit (15–17) and the check digit (18).
Hidden are the county of issue (5–6) and the birth date (7–14). The county is rarely a secret
— a caller scoped to a county knows it — so the birth date is what keeps the mask a mask: such
roles see the birth year, never the day, nor any date the rules derive from it (a newborn's
coverage starting at birth). The check digit then still leaves some thirty candidates for
every masked number, and lookups by ID number, which would confirm a guess, are refused
(`refuse_lookup_by_id_number`).
"""

from datetime import date
from typing import Any

import strawberry

from yibao.core.idcard import coarsen_birth_date

from .permissions import forbidden, sees_identity


def whole(info: strawberry.Info) -> bool:
    return sees_identity(info.context.principal.role)


async def without_birth_date(info: strawberry.Info, person_id: int | None, value: Any) -> Any:
    """`value` (a date, text or JSON about the person) with their birth date withheld from roles
    that do not see whole ID numbers; as it is for the others."""
    if whole(info) or person_id is None:
        return value
    born: date | None = await info.context.loaders.birth_date.load(person_id)
    return coarsen_birth_date(value, born)


def refuse_lookup_by_id_number(info: strawberry.Info) -> None:
    """A lookup by whole ID number confirms or refutes a guess at a masked one: only roles that
    see whole numbers may make it. The refusal does not depend on the number or on the data."""
    role = info.context.principal.role
    if not sees_identity(role):
        raise forbidden("无权按身份证号码查询")
