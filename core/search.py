"""What a clerk types into a list's search box, and the persons it finds, as SQL.

One box, whose text says what it is: an ID number, whole (`341702199001010231`) or masked as a
role that may not see whole numbers sees it (`3417**********0231`); a whole mobile number (11
digits); on the payments list a receipt number (`341702-2024-00000001`); anything else is the
beginning of a name (`张`, `张三`) — Chinese names are searched by family name first.

Issue 13's rule holds here (docs/security.md, "Why a masked number stays masked"): a role that
sees ID numbers masked may not search by a whole one, since an answer would confirm a guess at a
masked number; it is refused before anything is read, with the same answer for any number. The
same goes for whole phone numbers, which such a role also sees masked. A masked number finds only
what listing the region would show that role anyway.

Each kind of search is answered from an index (migration 0009_search): the name (in code-point
order on PostgreSQL, whatever the database's collation), the ID number and its last four
characters, the phone, the receipt number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, literal_column
from sqlmodel import Session, col

from .errors import ErrorCode, InputError
from .models import Person

MAX_NAME = 64  # the name column's length


class Kind(StrEnum):
    NAME = "NAME"
    ID_NUMBER = "ID_NUMBER"
    MASKED_ID_NUMBER = "MASKED_ID_NUMBER"
    PHONE = "PHONE"
    RECEIPT = "RECEIPT"


@dataclass(frozen=True)
class Needle:
    kind: Kind
    text: str


WHOLE_ID = re.compile(r"\d{17}[\dX]")
MASKED_ID = re.compile(r"\d{4}\*{10}\d{3}[\dX]")  # core/idcard.py mask_id_number's form
MOBILE = re.compile(r"1\d{10}")
RECEIPT = re.compile(r"\d{6,12}-\d{4}-\d{8}")  # core/receipts.py next_receipt's form
FORMS = "姓名（或姓）、身份证号码、脱敏身份证号码（如 3417**********0231）或手机号"


def parse(text: str, whole: bool, field: str = "search", receipts: bool = False) -> Needle:
    """The kind of search `text` is, for a caller who sees whole numbers (`whole`) or not."""
    value = text.strip()
    number = value.upper()  # the check digit X, typed lower-case
    if WHOLE_ID.fullmatch(number):
        if not whole:
            raise InputError.one(field, ErrorCode.FORBIDDEN, "无权按完整身份证号码查询，请输入脱敏号码")
        return Needle(Kind.ID_NUMBER, number)
    if MASKED_ID.fullmatch(number):
        return Needle(Kind.MASKED_ID_NUMBER, number)
    if MOBILE.fullmatch(value):
        if not whole:
            raise InputError.one(field, ErrorCode.FORBIDDEN, "无权按完整手机号查询")
        return Needle(Kind.PHONE, value)
    if receipts and RECEIPT.fullmatch(value):
        return Needle(Kind.RECEIPT, value)
    if not value or len(value) > MAX_NAME or re.search(r"[\d*]", value):
        raise InputError.one(field, ErrorCode.INVALID, f"请输入{FORMS}")
    return Needle(Kind.NAME, value)


def binary(session: Session, column):
    """The column compared by code point: PostgreSQL's database collation may order (and so
    range-match) otherwise, SQLite's default already does; the name index is built the same way."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


def id_suffix(column):
    """The last four characters of an ID number (sequence and check digit), as the index has them:
    a literal 15, not a bound parameter, so that the expression matches the index's."""
    return func.substr(column, literal_column("15"))


def persons_matching(session: Session, needle: Needle) -> ColumnElement[bool]:
    """SQL: the person is what `needle` (not a receipt) searches for."""
    if needle.kind is Kind.ID_NUMBER:
        return col(Person.id_number) == needle.text
    if needle.kind is Kind.MASKED_ID_NUMBER:
        return and_(
            id_suffix(Person.id_number) == needle.text[-4:],
            func.substr(Person.id_number, literal_column("1"), literal_column("4")) == needle.text[:4],
        )
    if needle.kind is Kind.PHONE:
        return col(Person.phone) == needle.text
    name = binary(session, col(Person.name))
    return and_(name >= needle.text, name < needle.text[:-1] + chr(ord(needle.text[-1]) + 1))
