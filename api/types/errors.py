from __future__ import annotations

import strawberry

from yibao.core import errors

ErrorCode = strawberry.enum(errors.ErrorCode, description="What is wrong with a field.")


@strawberry.type(description="One refused field: its input path, what is wrong, and a message for people.")
class FieldError:
    field: str
    code: ErrorCode
    message: str


@strawberry.type(description="The request was refused and nothing was stored.")
class InputErrors:
    errors: list[FieldError]

    @classmethod
    def of(cls, exc: errors.InputError) -> InputErrors:
        return cls(errors=[FieldError(field=e.field, code=e.code, message=e.message) for e in exc.errors])
