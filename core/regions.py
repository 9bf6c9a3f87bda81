"""The region tree: seed data from the notices, and scope selection by path prefix."""

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

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


def region_path(session: Session, code: str) -> str | None:
    return session.exec(select(Region.path).where(Region.code == code)).first()


def codes_under(code_path: str):
    """Subquery of every region code at or below the region with path `code_path`."""
    return select(Region.code).where(under(code_path, Region.path))


def county_of(session: Session, code: str) -> str:
    """The county-level ancestor (or the region itself when it sits above county level)."""
    path = region_path(session, code) or f"/{code}/"
    chain = [part for part in path.split("/") if part]
    levels = dict(session.exec(select(Region.code, Region.level).where(col(Region.code).in_(chain))).all())
    return next((c for c in chain if levels.get(c) == "county"), code)
