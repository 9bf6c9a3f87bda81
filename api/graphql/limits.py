"""How big a request may be: depth, aliases, tokens, batch size, entities; page size is core's.

The limits are checked before anything runs, so the biggest document they allow is still cheap.
"""

from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from yibao.core.queries import MAX_PAGE

__all__ = [
    "CACHE_SIZE",
    "MAX_ALIASES",
    "MAX_BATCH",
    "MAX_DEPTH",
    "MAX_ENTITIES",
    "MAX_PAGE",
    "MAX_TOKENS",
    "check_entities",
    "limit_extensions",
]

MAX_DEPTH = 12  # the deepest real query (household → member → person → enrolment → payment …) is 8
MAX_ALIASES = 30
MAX_TOKENS = 5000
MAX_BATCH = 10  # operations in one batched HTTP request
MAX_ENTITIES = 500  # representations in one `_entities` call
CACHE_SIZE = 256  # parsed and validated documents kept

# The limit rules are built once: the validation cache keys on the rule classes, and a limiter
# made per request would make new classes and miss the cache every time.
LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


def limit_extensions() -> list:
    """Extension factories: a fresh extension per request (the parse and validation caches are
    shared by size)."""
    return [
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
    ]


def check_entities(representations: list) -> None:
    """Representations arrive as variables, which the token limit does not see."""
    if len(representations) > MAX_ENTITIES:
        raise GraphQLError(
            f"一次最多解析 {MAX_ENTITIES} 个实体（at most {MAX_ENTITIES} representations）",
            extensions={"code": "LIMIT"},
        )
