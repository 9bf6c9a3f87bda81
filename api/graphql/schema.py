"""The schema, assembled once from one module per concept; `api/schema.graphql` is its committed SDL.

Each concept module (households, enrolments, payments, refunds, …) contributes a `Query` and/or a
`Mutation` type. The root types merge them in the order below, which is the order of the fields
in the committed SDL: a new concept goes at the end. The `reports` field is composed per schema
from the installed plugins' reports (api/graphql/reports.py).
"""

import logging
from functools import cache
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import Info

from yibao.core.plugins import load_registry
from yibao.core.rules.registry import Registry

from . import (
    audit,
    collection,
    coverage,
    deposits,
    enrolments,
    entitlements,
    export_links,
    history,
    households,
    imports,
    nodes,
    payments,
    persons,
    readjust,
    refunds,
    regions,
    report_catalog,
    rules,
    targets,
    tax,
    viewer,
    vocabulary,
)
from .access_log import AccessLog, note_subjects
from .authorize import Authorize, authorize_root_fields
from .compiled import Compiled
from .context import CloseSession
from .errors import MaskUnexpected, loggable, unexpected
from .lean import lean_resolvers
from .limits import MAX_BATCH, MAX_ENTITIES, limit_extensions
from .reports import reports_query

QUERIES = (
    rules.Query,
    regions.Query,
    persons.Query,
    households.Query,
    enrolments.Query,
    coverage.Query,
    audit.Query,
    payments.Query,
    entitlements.Query,
    collection.Query,
    refunds.Query,
    imports.Query,
    history.Query,
    viewer.Query,
    report_catalog.Query,
    nodes.Query,
    vocabulary.Query,
)
Mutation = merge_types(
    "Mutation",
    (
        households.Mutation,
        enrolments.Mutation,
        persons.CategoryMutation,
        payments.Mutation,
        refunds.Mutation,
        persons.DepartureMutation,
        regions.Mutation,
        readjust.Mutation,
        imports.Mutation,
        tax.Mutation,
        deposits.Mutation,
        targets.Mutation,
        history.Mutation,
        export_links.Mutation,
    ),
)

SDL_FILE = Path(__file__).parents[1] / "schema.graphql"

log = logging.getLogger("yibao.graphql")


# A federation 2 subgraph: `_service` and `_entities` let a tax subgraph reference our entities
# (api/graphql/federation.py). It declares the lowest version covering what it uses — @key and
# @shareable are federation 2.0 — so every composer from 2.0 on accepts it (docs/federation.md).
FEDERATION_VERSION = "2.0"


class YibaoSchema(strawberry.federation.Schema):
    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        # Representations arrive as variables, which the token limit does not see. The cost check
        # (api/graphql/cost.py) counts them for the whole request before it runs; this count, kept
        # on the request's context (one for all operations of a batch), holds whatever way they came.
        context = info.context
        context.representations += len(representations)
        if context.representations > MAX_ENTITIES:
            raise GraphQLError(
                f"一次请求最多解析 {MAX_ENTITIES} 个实体引用",
                extensions={"code": "LIMIT", "limit": MAX_ENTITIES},
            )
        # A representation that is not one is an error at its own index; the others resolve, so one
        # bad reference does not empty a gateway's whole fetch.
        entities = {type_.name for type_ in self._schema.get_type("_Entity").types}
        good = [
            index
            for index, representation in enumerate(representations)
            if isinstance(representation, dict) and representation.get("__typename") in entities
        ]
        resolved = dict(
            zip(good, super().entities_resolver(info, [representations[i] for i in good]), strict=True)
        )
        wanted = "、".join(sorted(entities))
        return [
            resolved[index]
            if index in resolved
            else GraphQLError(
                f"第 {index + 1} 个实体引用无效：应为带 __typename 的对象，类型为 {wanted}",
                extensions={"code": "INVALID", "field": f"representations.{index}"},
            )
            for index in range(len(representations))
        ]

    def process_errors(self, errors, execution_context=None) -> None:
        # Only unexpected errors are logged, and never with a whole ID or phone number in them.
        for error in errors:
            if unexpected(error):
                log.error("unexpected error: %s", loggable(error))


def make_schema(registry: Registry | None = None, introspection: bool = True) -> strawberry.Schema:
    extensions = [
        Authorize,
        *limit_extensions(),
        MaskUnexpected,
        CloseSession,  # before AccessLog, so after it on the way out: the log may write on the session
        AccessLog,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    extensions.append(Compiled)  # last: it answers a known shape once every check above has passed
    catalog = (registry or load_registry()).reports
    schema = YibaoSchema(
        federation_version=FEDERATION_VERSION,
        query=merge_types("Query", (*QUERIES, reports_query(catalog))),
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(batching_config={"max_operations": MAX_BATCH}),
    )
    # Plain fields called directly; then, on the resolvers that need them, once, rather than as hooks
    # around every field of an answer, the root fields' check and the access log's noting.
    lean_resolvers(schema, schema.config.info_class)
    authorize_root_fields(schema._schema)
    note_subjects(schema._schema)
    return schema


@cache
def default_schema() -> strawberry.Schema:
    """The schema of the installed plugins, built on first use: the server builds its own
    (api/app.py), so importing this module must not build and load everything a second time."""
    return make_schema()


def sdl() -> str:
    return default_schema().as_str() + "\n"
