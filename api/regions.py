"""Regions below the seed: a county adds the villages (行政村/社区) its campaign works in."""

from __future__ import annotations

from typing import Annotated

import strawberry

from yibao.core.services.regions import RegionInput, add_region

from .mutations import _attempt
from .types.errors import InputErrors
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
class RegionMutation:
    @strawberry.mutation(description="Adds a township or village inside the caller's region.")
    def add_region(self, info: strawberry.Info, input: AddRegionInput) -> RegionResult:
        ctx = info.context
        return _attempt(Region.of, lambda: add_region(ctx.engine, ctx.actor, input.to_core()))
