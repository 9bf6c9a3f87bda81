"""Adding townships and villages below the seeded counties, as offices set up their campaigns.

The seed (core/data/regions.csv) carries the provinces, cities, counties and the townships the
notices name; villages (行政村/社区) are added by the county that runs the campaign.
"""

import re
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from .. import audit
from ..audit import Actor
from ..errors import ErrorCode, FieldError, InputError
from ..models import Region
from ..models.region import LEVELS
from ..text import text_errors
from .persons import region_errors
from .unit import unit_of_work

CODE = re.compile(r"\d{6,12}")


@dataclass
class RegionInput:
    code: str
    parent_code: str
    name: str


def add_region(engine: Engine, actor: Actor, data: RegionInput) -> Region:
    """The new region sits one level below its parent, and its code extends the parent's."""
    code = (data.code or "").strip()
    name = (data.name or "").strip()
    errors = text_errors("name", name, 64)
    if not name:
        errors.append(FieldError("name", ErrorCode.REQUIRED, "请填写名称"))
    with unit_of_work(engine, actor) as session:
        errors += region_errors(session, "parentCode", data.parent_code)
        parent = session.get(Region, data.parent_code) if not errors else None
        if parent is not None and parent.level == LEVELS[-1]:
            errors.append(FieldError("parentCode", ErrorCode.INVALID, "村（社区）下不能再设区划"))
        if not CODE.fullmatch(code) or (parent is not None and not code.startswith(parent.code)):
            errors.append(
                FieldError(
                    "code",
                    ErrorCode.INVALID,
                    f"区划代码应为上级代码 {data.parent_code} 加顺序号，共 6–12 位数字",
                )
            )
        elif session.get(Region, code) is not None:
            errors.append(FieldError("code", ErrorCode.DUPLICATE, f"区划代码 {code} 已存在"))
        if errors:
            raise InputError(errors)
        region = Region(
            code=code,
            parent_code=parent.code,
            level=LEVELS[LEVELS.index(parent.level) + 1],
            name=name,
            path=f"{parent.path}{code}/",
        )
        session.add(region)
        audit.record(session, actor, "add_region", region)
        return region
