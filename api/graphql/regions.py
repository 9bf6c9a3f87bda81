"""The region tree: the seeded GB/T 2260 codes, and below them the townships and villages a county
adds for its campaign (行政村/社区)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from yibao.core import queries
from yibao.core.services.regions import RegionInput, add_region

from .errors import InputErrors, attempt
from .types.region import Region

RegionResult = Annotated[Region | InputErrors, strawberry.union("RegionResult")]


@strawberry.input(description="A township or village one level below `parentCode`, coded from it.")
class AddRegionInput:
    code: str
    parent_code: str
    name: str

    def to_core(self) -> RegionInput:
        return RegionInput(code=self.code, parent_code=self.parent_code, name=self.name)


@strawberry.type
class Query:
    @strawberry.field
    def region(self, info: strawberry.Info, code: str) -> Region | None:
        return Region.of(queries.region(info.context.session, code))

    @strawberry.field(
        description="Regions directly under `parent` (`parentCode`, its older name); provinces without."
    )
    def regions(
        self, info: strawberry.Info, parent_code: str | None = None, parent: str | None = None
    ) -> list[Region]:
        return [Region.of(row) for row in queries.regions_under(info.context.session, parent or parent_code)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Adds a township or village inside the caller's region.")
    def add_region(self, info: strawberry.Info, input: AddRegionInput) -> RegionResult:
        ctx = info.context
        return attempt(Region.of, lambda: add_region(ctx.engine, ctx.actor, input.to_core()))
