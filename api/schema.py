"""The schema, assembled once, with its limits; `api/schema.graphql` is its committed SDL."""

import logging
import re
from functools import cache
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info

from core.plugins import load_registry
from core.rules.registry import Registry

from .collection import CollectionMutation, CollectionQuery
from .access_log import AccessLog
from .context import CloseSession
from .deposits import DepositsMutation
from .imports import ImportsMutation, ImportsQuery
from .limits import MAX_ALIASES as MAX_ALIASES  # re-exported: the limits are read from here too
from .limits import MAX_DEPTH as MAX_DEPTH
from .limits import MAX_ENTITIES, Limits
from .mutations import Mutation as CoreMutation
from .payment_import import PaymentImportMutation
from .permissions import Authorize
from .queries import Query as CoreQuery
from .readjust import ReadjustMutation
from .refunds import RefundsMutation, RefundsQuery
from .regions import RegionMutation
from .reports import reports_query
from .targets import TargetsMutation
from .tax import TaxMutation

# Root types are merged from one type per concept; a new module adds its type here. The
# `reports` field is composed per schema from the installed plugins' reports (api/reports.py).
QUERIES = (CoreQuery, CollectionQuery, RefundsQuery, ImportsQuery)
Mutation = merge_types(
    "Mutation",
    (
        CoreMutation,
        RefundsMutation,
        CollectionMutation,
        RegionMutation,
        ReadjustMutation,
        ImportsMutation,
        PaymentImportMutation,
        TaxMutation,
        DepositsMutation,
        TargetsMutation,
    ),
)

SDL_FILE = Path(__file__).parent / "schema.graphql"

# Depth, aliases, cost and `_entities` representations are api/limits.py's (imported above).
MAX_TOKENS = 5000
MAX_BATCH = 10  # operations in one batched HTTP request
CACHE_SIZE = 256  # parsed and validated documents kept

LONG_DIGITS = re.compile(r"\d{6,}[\dXx]*")
log = logging.getLogger("yibao.graphql")


def unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose are GraphQLErrors; anything else is masked for the caller."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


# A federation v2 subgraph (federation_version defaults to the newest 2.x): `_service` and
# `_entities` let a tax subgraph reference our entities (api/federation.py).
class YibaoSchema(strawberry.federation.Schema):
    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        # Representations arrive as variables, which the token limit does not see. The cost check
        # (api/cost.py) counts them for the whole request before it runs; this count, kept on the
        # request's context (one for all operations of a batch), holds whatever way they came.
        context = info.context
        context.representations += len(representations)
        if context.representations > MAX_ENTITIES:
            raise GraphQLError(
                f"一次请求最多解析 {MAX_ENTITIES} 个实体"
                f"（at most {MAX_ENTITIES} representations per request）",
                extensions={"code": "LIMIT", "limit": MAX_ENTITIES},
            )
        entities = {type_.name for type_ in self._schema.get_type("_Entity").types}
        for index, representation in enumerate(representations):
            if not (isinstance(representation, dict) and representation.get("__typename") in entities):
                raise GraphQLError(
                    f"第 {index + 1} 个实体引用无效：应为带 __typename 的对象，"
                    f"类型为 {'、'.join(sorted(entities))}"
                    f"（representation {index}: an object whose __typename is an entity type）",
                    extensions={"code": "INVALID", "field": f"representations.{index}"},
                )
        return super().entities_resolver(info, representations)

    def process_errors(self, errors, execution_context=None) -> None:
        # Only unexpected errors are logged, and never with a whole ID or phone number in them.
        for error in errors:
            if unexpected(error):
                text = LONG_DIGITS.sub("<number>", described(error.original_error))
                log.error("unexpected error: %s", text)


def described(error: BaseException) -> str:
    """What the log may say about an exception. Its repr would carry a decode error's whole input
    (an upload's bytes: names and ID numbers); its message names one byte and a position."""
    return f"{type(error).__name__}({str(error)!r})"


def make_schema(registry: Registry | None = None, introspection: bool = True) -> strawberry.Schema:
    # Factories: a fresh extension per request (the parse and validation caches are shared by size).
    extensions = [
        Authorize,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        Limits,  # after ValidationCache: depth, aliases, cost and representations of a valid document
        lambda: MaskErrors(should_mask_error=unexpected, error_message="服务器内部错误（unexpected error）"),
        AccessLog,
        CloseSession,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    catalog = (registry or load_registry()).reports
    return YibaoSchema(
        query=merge_types("Query", (*QUERIES, reports_query(catalog))),
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(batching_config={"max_operations": MAX_BATCH}),
    )


@cache
def default_schema() -> strawberry.Schema:
    """The schema of the installed plugins, built on first use: the server builds its own
    (api/app.py), so importing this module must not build and load everything a second time."""
    return make_schema()


def __getattr__(name: str):
    if name == "schema":  # `from api.schema import schema`, for the SDL export and the tests
        return default_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def sdl() -> str:
    return default_schema().as_str() + "\n"
