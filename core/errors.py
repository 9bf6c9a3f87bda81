"""Typed, field-level errors: what a clerk sees instead of a stack trace."""

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    MISMATCH = "MISMATCH"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"  # outside the caller's role or region
    ELSEWHERE = "ELSEWHERE"  # exists in another region, which is not described (services/elsewhere.py)
    NOT_ENROLLED = "NOT_ENROLLED"  # a fact the register must hold does not (a guardian has not paid)
    EMPLOYEE_INSURED = "EMPLOYEE_INSURED"  # on a list of persons insured as employees (职工医保)


@dataclass(frozen=True)
class FieldError:
    """`field` is the input path, e.g. `members.1.idNumber`; `message` is for people."""

    field: str
    code: ErrorCode
    message: str

    def under(self, prefix: str) -> "FieldError":
        return FieldError(f"{prefix}.{self.field}", self.code, self.message)


class InputError(Exception):
    """Refuses a request; raised before or instead of any write, so nothing changes."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str, code: ErrorCode, message: str) -> "InputError":
        return cls([FieldError(field, code, message)])
