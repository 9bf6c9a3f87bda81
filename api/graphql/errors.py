"""How a refusal reaches the caller, and how an unexpected error does not.

A mutation answers `InputErrors` in its result union (`attempt`); a query whose type has no room
for errors raises a typed GraphQL error (`refused`). Anything else is a bug: masked for the
caller, logged without ID numbers (`unexpected`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from yibao.core import errors

ErrorCode = strawberry.enum(errors.ErrorCode, description="What is wrong with a field.")

T = TypeVar("T")


# Value types other subgraphs may define too: @shareable, so a supergraph composes (docs/federation.md).
@strawberry.federation.type(
    shareable=True, description="One refused field: its input path, what is wrong, and a message for people."
)
class FieldError:
    field: str
    code: ErrorCode
    message: str


@strawberry.federation.type(shareable=True, description="The request was refused and nothing was stored.")
class InputErrors:
    errors: list[FieldError]

    @classmethod
    def of(cls, exc: errors.InputError) -> InputErrors:
        return cls(errors=[FieldError(field=e.field, code=e.code, message=e.message) for e in exc.errors])


def attempt(wrap: Callable[..., T], call: Callable[[], object]) -> T | InputErrors:
    """A mutation's answer: the core call's result wrapped as its type, or the refusal."""
    try:
        return wrap(call())
    except errors.InputError as exc:
        return InputErrors.of(exc)


def refused(exc: errors.InputError, prefix: str) -> GraphQLError:
    """A typed GraphQL error for a query whose result type has no room for errors."""
    found = [
        {"field": f"{prefix}.{e.field}" if prefix else e.field, "code": str(e.code), "message": e.message}
        for e in exc.errors
    ]
    return GraphQLError(
        "；".join(e["message"] for e in found), extensions={"code": found[0]["code"], "errors": found}
    )


MASKED_MESSAGE = "服务器内部错误（unexpected error）"
LONG_DIGITS = re.compile(r"\d{6,}[\dXx]*")


def unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose are GraphQLErrors; anything else is masked for the caller."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


def loggable(error: GraphQLError) -> str:
    """An unexpected error as the log may hold it: never with a whole ID or phone number."""
    return LONG_DIGITS.sub("<number>", described(error.original_error))


def described(error: BaseException) -> str:
    """What the log may say about an exception. Its repr would carry a decode error's whole input
    (an upload's bytes: names and ID numbers); its message names one byte and a position."""
    return f"{type(error).__name__}({str(error)!r})"
