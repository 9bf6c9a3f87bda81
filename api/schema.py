"""The schema, assembled once; `api/schema.graphql` is its committed SDL."""

from pathlib import Path

import strawberry

from .context import CloseSession
from .mutations import Mutation
from .queries import Query

SDL_FILE = Path(__file__).parent / "schema.graphql"

schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[CloseSession])


def sdl() -> str:
    return schema.as_str() + "\n"
