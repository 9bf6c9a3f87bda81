"""The region tree: seed data from the notices, and scope selection by path prefix."""

import csv
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, bindparam
from sqlmodel import Session, col, select

from .distribution import county_code_of
from .models import Region

SEED_FILE = Path(__file__).parent / "data" / "regions.csv"


@dataclass(frozen=True)
class RegionSeed:
    code: str
    parent_code: str | None
    level: str
    name: str
    path: str


def read_seed(path: Path = SEED_FILE) -> list[RegionSeed]:
    """Rows of regions.csv with their paths, parents before children."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {row["code"]: row for row in rows}

    def path_of(code: str) -> str:
        parent = by_code[code]["parent_code"]
        return (path_of(parent) if parent else "/") + code + "/"

    seeds = [
        RegionSeed(row["code"], row["parent_code"] or None, row["level"], row["name"], path_of(row["code"]))
        for row in rows
    ]
    return sorted(seeds, key=lambda seed: seed.path.count("/"))


def under(region_path: str, column) -> ColumnElement[bool]:
    """SQL condition: `column` (a region path) lies in or below `region_path`."""
    return col(column).startswith(region_path, autoescape=True)


def codes_under(code_path: str):
    """Subquery of every region code at or below the region with path `code_path`."""
    return select(Region.code).where(under(code_path, Region.path))


# A region is only ever added (core/services/regions.py): its path and its county never change,
# so what was read of them once is kept per database (engine) for the process's life.
_known: WeakKeyDictionary = WeakKeyDictionary()
_PATH = select(Region.path).where(Region.code == bindparam("code"))
_LEVELS = select(Region.code, Region.level).where(col(Region.code).in_(bindparam("codes", expanding=True)))


def _cache(session: Session, kind: str) -> dict[str, str]:
    return _known.setdefault(session.get_bind(), {}).setdefault(kind, {})


def known_path(engine, code: str) -> str | None:
    """The region's path if `region_path` has read it already for this engine (a database), else
    None: what a request that has opened no session yet may ask without opening one."""
    return _known.get(engine, {}).get("path", {}).get(code)


def known_scope(engine, code: str) -> tuple[str, str | None] | None:
    """The region's path and `county_within`'s answer if both were read already for this engine,
    else None: the parts of a caller's scope a request that has opened no session may know."""
    if (path := known_path(engine, code)) is None:
        return None
    if engine.dialect.name == "sqlite":
        return path, None  # `county_within` answers None there without reading
    within = _known[engine].get("within", {})
    return (path, within[code]) if code in within else None


def region_path(session: Session, code: str) -> str | None:
    """The region's path ("/34/3417/341721/…/"), read from the database once per region and engine:
    every scoped unit of work and each payment's county ask it."""
    paths = _cache(session, "path")
    if (path := paths.get(code)) is None:
        path = session.connection().execute(_PATH, {"code": code}).scalar()
        if path is not None:  # an unknown region may be added later
            paths[code] = path
    return path


def county_of(session: Session, code: str) -> str:
    """The county-level ancestor (or the region itself when it sits above county level)."""
    counties = _cache(session, "county")
    if (county := counties.get(code)) is not None:
        return county
    path = region_path(session, code)
    chain = [part for part in (path or f"/{code}/").split("/") if part]
    levels = dict(session.connection().execute(_LEVELS, {"codes": chain}).all())
    county = next((c for c in chain if levels.get(c) == "county"), code)
    if path is not None:
        counties[code] = county
    return county


def county_within(session: Session, code: str) -> str | None:
    """The county code of a region at county level or below, whose rows all lie on that county's
    shard on Citus (docs/scaling.md §3); None above it (a city or a province spans counties) or for
    an unknown region. Read once per region and engine, as `county_of`.

    None on SQLite, which is for one machine and never distributed (docs/scaling.md §1): there the
    statements leave the county out of their WHERE. SQLite adds a column after the existing ones,
    so an enrolment's county code is stored after its snapshot and read through the snapshot's
    overflow pages: naming it cost the household page and a payment 10–15 % (bench/page.py,
    bench/payment.py), for nothing a single database uses."""
    if session.get_bind().dialect.name == "sqlite":
        return None
    within = _cache(session, "within")
    if code in within:
        return within[code]
    county = county_of(session, code)
    level = None if county != code else session.connection().execute(_LEVELS, {"codes": [code]}).first()
    found = county_code_of(county) if county != code or (level is not None and level[1] == "county") else None
    if county != code or level is not None:  # an unknown region may be added later
        within[code] = found
    return found
