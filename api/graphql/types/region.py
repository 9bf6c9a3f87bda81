from __future__ import annotations

import strawberry

from yibao.core import models


@strawberry.type
class Region:
    code: str
    name: str
    level: str
    parent_code: str | None

    @classmethod
    def of(cls, row: models.Region | None) -> Region | None:
        if row is None:
            return None
        return cls(code=row.code, name=row.name, level=row.level, parent_code=row.parent_code)

    @strawberry.field
    async def parent(self, info: strawberry.Info) -> Region | None:
        if self.parent_code is None:
            return None
        return Region.of(await info.context.loaders.region.load(self.parent_code))
