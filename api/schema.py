"""The schema, assembled once, with its limits; `api/schema.graphql` is its committed SDL."""

import logging
import re
from functools import cache
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info

from core.plugins import load_registry
from core.rules.registry import Registry

from .access_log import AccessLog
from .collection import CollectionMutation, CollectionQuery
from .context import CloseSession
from .deposits import DepositsMutation
from .imports import ImportsMutation, ImportsQuery
from .mutations import Mutation as CoreMutation
from .payment_import import PaymentImportMutation
from .permissions import Authorize
from .queries import Query as CoreQuery
from .readjust import ReadjustMutation
from .refunds import RefundsMutation, RefundsQuery
from .regions import RegionMutation
from .report_catalog import ReportCatalogQuery
from .reports import reports_query
from .targets import TargetsMutation
from .tax import TaxMutation
from .viewer import ViewerQuery

# Root types are merged from one type per concept; a new module adds its type here. The
# `reports` field is composed per schema from the installed plugins' reports (api/reports.py).
QUERIES = (CoreQuery, CollectionQuery, RefundsQuery, ImportsQuery, ViewerQuery, ReportCatalogQuery)
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

MAX_DEPTH = 12  # the deepest real query (household → member → person → enrolment → payment …) is 8
MAX_ALIASES = 30
MAX_TOKENS = 5000
MAX_BATCH = 10  # operations in one batched HTTP request
MAX_ENTITIES = 500  # representations in one `_entities` call
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
        # Representations arrive as variables, which the token limit does not see.
        if len(representations) > MAX_ENTITIES:
            raise GraphQLError(
                f"一次最多解析 {MAX_ENTITIES} 个实体（at most {MAX_ENTITIES} representations）",
                extensions={"code": "LIMIT"},
            )
        return super().entities_resolver(info, representations)

    def process_errors(self, errors, execution_context=None) -> None:
        # Only unexpected errors are logged, and never with a whole ID or phone number in them.
        for error in errors:
            if unexpected(error):
                log.error("unexpected error: %s", LONG_DIGITS.sub("<number>", repr(error.original_error)))


# The limit rules are built once: the validation cache keys on the rule classes, and a limiter
# made per request would make new classes and miss the cache every time.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


def make_schema(registry: Registry | None = None, introspection: bool = True) -> strawberry.Schema:
    # Factories: a fresh extension per request (the parse and validation caches are shared by size).
    extensions = [
        Authorize,
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
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
