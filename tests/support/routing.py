"""Would Citus send a statement to one shard? Its text read for the county code (docs/scaling.md §3).

Citus routes a statement to one shard when it names the distribution column's value: an INSERT
among its columns, a SELECT / UPDATE / DELETE as an equality in its WHERE or a join's ON. This
reads the SQL the code sends (as SQLAlchemy compiled it, or as the compiled page and the access
log write it by hand) with a small tokenizer — no SQL parser is a dependency — and says, for each
reference to a distributed table (core/distribution.py), whether the statement binds that table's
`county_code`: `t.county_code = <value>` (a parameter or a literal), or `t.county_code =
u.county_code` with `u` bound so. Unqualified `county_code = <value>` binds the statement's only
distributed table. An UPDATE's SET list binds nothing. It reads conservatively: what it cannot
tell bound is unbound.

What it does not see: a subquery that names the same table as its outer query under the same name
shares the outer one's binding (SQLAlchemy names both after the table); each is checked by the
tests that run the operations, not by this reading.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine

from yibao.core.distribution import COLUMN, DESIGNED, DISTRIBUTED, REFERENCE

ALLOWED = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|SET|SHOW|SELECT\s+pg_)\b", re.I)
_TOKEN = re.compile(
    r"""'(?:[^']|'')*'          # a string literal
      | "(?:[^"])*"             # a quoted identifier
      | %\(\w+\)s | %s | \$\d+ | :\w+ | \?   # a parameter
      | \w+(?:\.\w+)?           # a word, or a qualified name
      | [(),=]                  # what the reading needs
      | \S                      # anything else
    """,
    re.X,
)
_CLAUSE_END = {"WHERE", "RETURNING", "ON", "FROM"}
_NOT_ALIASES = {
    "WHERE", "ON", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "SET", "VALUES", "ORDER",
    "GROUP", "LIMIT", "OFFSET", "USING", "FOR", "RETURNING", "AS", "UNION", "HAVING", "WINDOW", "DEFAULT",
    "SELECT", "AND", "OR", "NATURAL", "LATERAL",
}  # fmt: skip
_TABLED = DISTRIBUTED | DESIGNED


@dataclass(frozen=True)
class Miss:
    table: str
    statement: str
    why: str

    @property
    def inserting(self) -> bool:
        return self.why.startswith("an INSERT")

    def __str__(self) -> str:
        return f"{self.table}: {self.why}\n    {' '.join(self.statement.split())[:400]}"


def _tokens(statement: str) -> list[str]:
    words = []
    for token in _TOKEN.findall(statement):
        if token.startswith('"'):
            token = token[1:-1]
        elif "." in token and not token[0].isdigit():
            token = ".".join(part.strip('"') for part in token.split("."))
        words.append(token)
    return words


def _is_value(token: str) -> bool:
    return token.startswith("'") or token in ("?", "%s") or token[0] in "%$:" or token.isdigit()


def misses(statement: str) -> list[Miss]:
    """Each reference to a distributed table the statement does not bind to one county."""
    if ALLOWED.match(statement):
        return []
    tokens = _tokens(statement)
    upper = [t.upper() for t in tokens]
    references: list[tuple[str, str]] = []  # (table, the name it is qualified by)
    inserted: dict[str, bool] = {}
    in_set = False
    set_spans: list[tuple[int, int]] = []
    for i, word in enumerate(upper):
        if word in ("FROM", "JOIN", "INTO", "UPDATE", ",") and i + 1 < len(tokens):
            name = tokens[i + 1].lower()
            if name not in _TABLED:
                continue
            alias = name
            after = i + 2
            if after < len(tokens) and upper[after] == "AS":
                after += 1
            if (
                after < len(tokens)
                and re.fullmatch(r"\w+", tokens[after])
                and upper[after] not in _NOT_ALIASES
            ):
                alias = tokens[after].lower()
            if word == "INTO":
                inserted[name] = _inserts_column(tokens, i + 2)
            else:
                references.append((name, alias))
        if word == "SET" and i and upper[i - 1] != "DO":
            in_set = True
            start = i
        if in_set and word in _CLAUSE_END:
            in_set = False
            set_spans.append((start, i))
    found = [
        Miss(table, statement, f"an INSERT into it without {COLUMN}")
        for table, ok in inserted.items()
        if not ok
    ]
    if not references:
        return found
    in_a_set = {k for start, end in set_spans for k in range(start, end)}
    bound, pairs = set(), []
    only = {alias for _, alias in references} if len({a for _, a in references}) == 1 else set()
    for i in range(len(tokens) - 2):
        if i in in_a_set or tokens[i + 1] != "=":
            continue
        left, right = _owner(tokens[i], only), _owner(tokens[i + 2], only)
        if left and right:
            pairs.append((left, right))
        elif left and _is_value(tokens[i + 2]):
            bound.add(left)
        elif right and _is_value(tokens[i]):
            bound.add(right)
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            if (a in bound) != (b in bound):
                bound |= {a, b}
                changed = True
    for table, alias in references:
        if table in DESIGNED:
            found.append(Miss(table, statement, f"distributed by design, without {COLUMN} yet"))
        elif alias not in bound:
            found.append(Miss(table, statement, f"no {alias}.{COLUMN} = <value> in its WHERE or ON"))
    return found


def _owner(token: str, only: set[str]) -> str | None:
    """The alias whose county code the token names, if it names one."""
    lowered = token.lower()
    if lowered == COLUMN:
        return next(iter(only)) if only else None
    if lowered.endswith("." + COLUMN):
        return lowered.rsplit(".", 1)[0]
    return None


def _inserts_column(tokens: list[str], at: int) -> bool:
    """Whether the INSERT's column list (the parenthesis at `at`) holds the county code."""
    if at >= len(tokens) or tokens[at] != "(":
        return False
    depth = 0
    for token in tokens[at:]:
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                return False
        elif depth == 1 and token.lower() == COLUMN:
            return True
    return False


def unrouted(statements: list[str]) -> list[Miss]:
    return [miss for statement in statements for miss in misses(statement)]


def tables_named(statement: str) -> set[str]:
    """The distributed and reference tables a statement names, for the test's own report."""
    words = {t.lower() for t in _tokens(statement)}
    return words & (_TABLED | REFERENCE)


@contextmanager
def statement_log(engine: Engine, monkeypatch) -> Iterator[list[str]]:
    """Every statement sent to `engine` inside the block: through SQLAlchemy (its
    `before_cursor_execute`), and on the driver's own cursor — the compiled page's reads
    (api/graphql/compiled_fields.py `_rows`, imported by compiled_roots.py) and the access log's
    INSERT (core/access_log.py), the places that bypass it (tests/core/test_county_routing.py
    holds the list)."""
    from yibao.api.graphql import compiled_fields, compiled_roots
    from yibao.core import access_log

    seen: list[str] = []

    def listen(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        seen.append(statement)

    rows, compiled_insert = compiled_fields._rows, access_log._compiled_insert

    def logged_rows(run, statement, params):
        seen.append(statement)
        return rows(run, statement, params)

    def logged_insert(dialect, columns):
        compiled = compiled_insert(dialect, columns)
        seen.append(compiled.string)
        return compiled

    monkeypatch.setattr(compiled_fields, "_rows", logged_rows)
    monkeypatch.setattr(compiled_roots, "_rows", logged_rows)
    monkeypatch.setattr(access_log, "_compiled_insert", logged_insert)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)
