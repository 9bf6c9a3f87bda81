"""Loading collection targets (任务数) and bases (征收基数) for the progress reports."""

from enum import Enum
from typing import Annotated

import strawberry

from yibao.core import statuses
from yibao.core.services import targets

from .errors import InputErrors, attempt

# The GraphQL enum is a copy of core's, so the schema names it without touching core's class.
TargetKind = strawberry.enum(
    Enum("TargetKind", {kind.name: kind.value for kind in statuses.TargetKind}),
    description="TARGET: 任务数/约束目标 (collection_progress); BASE: 征收基数 (last year's base).",
)


@strawberry.input
class TargetInput:
    region_code: str
    headcount: int


@strawberry.input(description="Headcounts per region for a year; replaces the same region, year and kind.")
class LoadTargetsInput:
    coverage_year: int
    kind: TargetKind = TargetKind.TARGET
    source: str = strawberry.field(description="Where the figures come from, e.g. 兴义府发〔2022〕3号 附件1.")
    targets: list[TargetInput]

    def rows(self) -> list[targets.TargetRow]:
        return [
            targets.TargetRow(t.region_code, t.headcount, f"targets.{i}") for i, t in enumerate(self.targets)
        ]


@strawberry.type
class LoadedTargets:
    count: int
    coverage_year: int
    kind: str

    @classmethod
    def of(cls, stored: list) -> "LoadedTargets":
        first = stored[0]
        return cls(count=len(stored), coverage_year=first.coverage_year, kind=first.kind)


LoadTargetsResult = Annotated[LoadedTargets | InputErrors, strawberry.union("LoadTargetsResult")]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Loads targets or bases; one bad row refuses them all.")
    def load_targets(self, info: strawberry.Info, input: LoadTargetsInput) -> LoadTargetsResult:
        ctx = info.context
        kind = input.kind.value
        return attempt(
            LoadedTargets.of,
            lambda: targets.load_targets(
                ctx.engine, ctx.actor, input.rows(), input.coverage_year, kind, input.source
            ),
        )
