"""How a refusal reaches the caller, and how an unexpected error does not.

A mutation answers `InputErrors` in its result union (`attempt`); a query whose type has no room
for errors raises a typed GraphQL error (`refused`, `refusing`) with the same fields in its
`extensions`: `code`, the first refused `field`, and `errors`, each `{field, code, message}`.
Field paths are dotted input paths everywhere (`members.1.person.idNumber`, `input.paidOn`,
`after`; docs/errors.md). Anything else is a bug: masked for the caller, logged without ID
numbers (`unexpected`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

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


def refused(exc: errors.InputError, prefix: str = "") -> GraphQLError:
    """A typed GraphQL error for a query whose result type has no room for errors: `code` and
    `field` of the first refused field, and every one of them in `errors`."""
    found = [
        {"field": f"{prefix}.{e.field}" if prefix else e.field, "code": str(e.code), "message": e.message}
        for e in exc.errors
    ]
    return GraphQLError(
        "；".join(e["message"] for e in found),
        extensions={"code": found[0]["code"], "field": found[0]["field"], "errors": found},
    )


@contextmanager
def refusing(prefix: str = "") -> Iterator[None]:
    """Within it, a core refusal (bad arguments, a bad cursor) becomes the typed GraphQL error."""
    try:
        yield
    except errors.InputError as exc:
        raise refused(exc, prefix) from None


MASKED_MESSAGE = "服务器内部错误，请稍后重试或联系管理员"
INTERNAL = "INTERNAL"  # the code of every masked error


class MaskUnexpected(MaskErrors):
    """Masks unexpected errors (`unexpected`) as MASKED_MESSAGE, with the code INTERNAL like every
    other top-level error has a code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=unexpected, error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL}
        return masked


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
