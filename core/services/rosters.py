"""Department rosters (花名册) → hardship identities (困难群体属性), row by row.

A roster is a department's list of the people it has recognised, as of a date (在册日期):
民政局 (特困、低保…), 乡村振兴局 (脱贫人口、监测对象…), 退役军人事务局, 卫健委, 农业农村局,
残联 — 东政办〔2021〕6号 五（三）, 贵医保组〔2023〕1号 六5–六10, 方政办明电〔2021〕35号 五（二）.
Each row becomes a `CategoryFact` (since/until; the policy's own recognition cut-off then
decides whether it counts, e.g. 贵医保组〔2023〕1号: recognised by 2023-08-31). A row is
refused with its column and reason; the rest are imported.

Readings:
- A roster without a 认定日期 column (or a blank cell) gives `since` = the roster's as-of date:
  the department asserts the person was recognised by then, and no earlier date is known.
- An identity already stored with the same person, code and since is UNCHANGED; when the
  stored one has no `until` and the roster now ends it (退出日期), `until` is set (IMPORTED).
- The same ID number and category twice in one file is refused from the second row on
  (DUPLICATE): the roster contradicts or repeats itself, and which row is right is the
  department's call.
- Refusals, in this order: idNumber (REQUIRED/INVALID), category (REQUIRED/INVALID/FORBIDDEN),
  DUPLICATE, since/until/grade (INVALID), unknown person in the job's region (NOT_FOUND),
  name differing from the registered one (MISMATCH), a stored identity the row contradicts
  (CONFLICT).
"""

import hashlib
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from .. import audit
from ..audit import Actor
from ..departments import DEPARTMENT_CATEGORIES
from ..errors import ErrorCode, InputError
from ..idcard import InvalidIdNumber, parse_id_number
from ..imports.bulk import among, insert_rows, probe
from ..imports.headers import parse_date, parse_id_text, parse_int
from ..imports.jobs import (
    IMPORTED,
    REFUSED,
    UNCHANGED,
    RowOutcome,
    Rows,
    Turn,
    resume_import,
    start_import,
)
from ..models import CategoryFact, ImportJob, ImportRow, Person
from ..models.base import utcnow
from ..rules.vocabulary import CATEGORIES
from ..scope import Scope
from ..statuses import ImportKind

ROSTER_FIELDS: Mapping[str, tuple[str, ...]] = {
    "idNumber": (
        "身份证号码",
        "身份证号",
        "公民身份号码",
        "公民身份证号码",
        "身份证件号码",
        "证件号码",
        "id_number",
    ),
    "name": ("姓名", "name"),
    "category": (
        "类别",
        "人员类别",
        "困难类别",
        "属性",
        "困难群体属性",
        "身份类别",
        "对象类别",
        "category",
    ),
    "since": ("认定日期", "认定时间", "纳入日期", "since"),
    "until": ("退出日期", "终止日期", "退出时间", "until"),
    "grade": ("残疾等级", "等级", "grade"),
}
ROSTER_REQUIRED = ("idNumber", "category")

# The words rosters use besides the contract's own wording (core/rules/vocabulary.py).
CATEGORY_ALIASES = {
    "特困": "EXTREME_POVERTY",
    "特困人员": "EXTREME_POVERTY",
    "特困供养人员": "EXTREME_POVERTY",
    "特困供养对象": "EXTREME_POVERTY",
    "特困供养": "EXTREME_POVERTY",
    "农村特困": "EXTREME_POVERTY",
    "城市特困": "EXTREME_POVERTY",
    "五保": "EXTREME_POVERTY",
    "五保户": "EXTREME_POVERTY",
    "孤儿": "ORPHAN",
    "低保": "MINIMUM_LIVING",
    "低保户": "MINIMUM_LIVING",
    "低保对象": "MINIMUM_LIVING",
    "低保人员": "MINIMUM_LIVING",
    "城乡低保": "MINIMUM_LIVING",
    "农村低保": "MINIMUM_LIVING",
    "城市低保": "MINIMUM_LIVING",
    "最低生活保障对象": "MINIMUM_LIVING",
    "低保边缘": "MINIMUM_LIVING_MARGINAL",
    "低保边缘户": "MINIMUM_LIVING_MARGINAL",
    "低保边缘家庭": "MINIMUM_LIVING_MARGINAL",
    "低保边缘家庭成员": "MINIMUM_LIVING_MARGINAL",
    "重点优抚": "PRIORITY_CARE",
    "优抚对象": "PRIORITY_CARE",
    "老复员军人": "OLD_DEMOBILIZED_SOLDIER",
    "计划生育特殊家庭": "FAMILY_PLANNING_HARDSHIP",
    "计划生育困难家庭": "FAMILY_PLANNING_HARDSHIP",
    "计生特扶": "FAMILY_PLANNING_HARDSHIP",
    "返贫致贫户": "RETURNED_TO_POVERTY",
    "返贫户": "RETURNED_TO_POVERTY",
    "致贫户": "RETURNED_TO_POVERTY",
    "脱贫不稳定户": "UNSTABLE_OUT_OF_POVERTY",
    "边缘易致贫": "AT_RISK_OF_POVERTY",
    "边缘易致贫人口": "AT_RISK_OF_POVERTY",
    "突发严重困难": "SUDDEN_HARDSHIP",
    "突发严重困难人口": "SUDDEN_HARDSHIP",
    "低收入监测对象": "LOW_INCOME_MONITORED",
    "稳定脱贫户": "STABLE_OUT_OF_POVERTY",
    "脱贫户": "OUT_OF_POVERTY",
    "脱贫人口": "OUT_OF_POVERTY",
    "已脱贫人口": "OUT_OF_POVERTY",
    "建档立卡": "OUT_OF_POVERTY",
    "建档立卡贫困人口": "OUT_OF_POVERTY",
    "原建档立卡贫困人口": "OUT_OF_POVERTY",
    "四集中": "FOUR_CONCENTRATED",
    "四集中保障对象": "FOUR_CONCENTRATED",
    "重度残疾": "SEVERE_DISABILITY",
    "重残": "SEVERE_DISABILITY",
    "因病致贫重病患者": "SERIOUS_ILLNESS_POVERTY",
    "精减退职老职工": "DOWNSIZED_1960S_WORKER",
    "肇事肇祸精神病人": "MENTAL_DISORDER_OFFENDER",
}

# With its person's county: a fact lies on its person's shard on Citus (docs/scaling.md §3, migration 0019).
FACT_COLUMNS = (
    "person_id", "code", "since", "until", "grade", "source", "import_job_id", "created_at", "county_code",
)  # fmt: skip

_WORDING_NOISE = re.compile(r"[\s“”\"'‘’「」()（）]+")
_NAME_NOISE = re.compile(r"[\s·•・.]+")


def _words(text: str) -> str:
    return _WORDING_NOISE.sub("", text)


class CategoryVocabulary:
    """A roster's 类别 cell → a canonical code: the code itself, the notice's wording, an alias."""

    def __init__(self, categories: Mapping[str, str] = CATEGORIES):
        self.known = set(categories)
        self._by_word = {_words(w): code for code, w in categories.items()}
        self._by_word.update({_words(k): v for k, v in CATEGORY_ALIASES.items()})

    def code(self, cell) -> str | None:
        text = str(cell).strip()
        if text.upper() in self.known:
            return text.upper()
        return self._by_word.get(_words(text))


# Where `prepare` leaves a row's checked cells in its record (no column is named so).
_PREPARED = "\0prepared"


class RosterHandler:
    """The ROSTER kind of `core.imports.jobs`: one department's roster as of a date."""

    kind = ImportKind.ROSTER
    fields = ROSTER_FIELDS
    required = ROSTER_REQUIRED
    # On PostgreSQL the next batch may be read and decided while this one is written (core/imports/
    # jobs.py `_Overlapping`): a batch reads what another writes only for the same ID and category.
    overlaps = True

    def __init__(
        self,
        department: str,
        as_of: date,
        categories: Mapping[str, str] = CATEGORIES,
        actor: Actor | None = None,
    ):
        if department not in DEPARTMENT_CATEGORIES:
            raise InputError.one(
                "source",
                ErrorCode.INVALID,
                f"未知的部门 {department}",
            )
        self.department = department
        self.allowed = DEPARTMENT_CATEGORIES[department]
        self.as_of = as_of
        self.vocabulary = CategoryVocabulary(categories)
        self.actor = actor  # who an ended identity's audit event names

    @property
    def source(self) -> str:
        return f"{self.department}:{self.as_of.isoformat()}"

    def _key(self, row: dict) -> tuple[str | None, str | None, str | None, str | None]:
        """(normalised ID number, category code, duplicate key) — each None when unreadable — and
        the ID number's text as the cell gave it (`parse_id_text`), for the refusals."""
        number = code = None
        text = parse_id_text(row.get("idNumber"))
        if text:
            try:
                number = parse_id_number(text).number
            except InvalidIdNumber:
                number = None
        if row.get("category") is not None:
            code = self.vocabulary.code(row["category"])
        if number is None or code is None:
            return number, code, None, text
        return number, code, hashlib.blake2b(f"{number}|{code}".encode(), digest_size=8).hexdigest(), text

    def prepare(self, rows: Rows) -> None:
        """What a row's checks decide from its cells alone, worked out for the next batch in the
        runner's reading thread while this one waits on the database (core/imports/jobs.py): a
        third of a batch's time on PostgreSQL, half of it on SQLite, was this Python. Once per
        row: else when first needed (`touches`, `handle`)."""
        for number, row in rows:
            if _PREPARED not in row:
                keyed = self._key(row)
                row[_PREPARED] = (keyed, *self._stages(number, row, keyed))

    def touches(self, rows: Rows) -> set[str]:
        """The keys (ID number and category) the batch's rows name, as the duplicate check keys them."""
        self.prepare(rows)
        return {row[_PREPARED][0][2] for _, row in rows if row[_PREPARED][0][2]}

    def handle(
        self, session: Session, job: ImportJob, rows: Rows, turn: Turn | None = None
    ) -> list[RowOutcome]:
        """`turn`: with another batch in hand, nothing is written before it (`_Overlapping`)."""
        self.prepare(rows)
        keys = {number: row[_PREPARED][0] for number, row in rows}
        # Rows met earlier in the file are found by their stored keys, so memory stays flat.
        met = set(
            session.execute(
                probe(
                    session,
                    select(ImportRow.row_key).where(ImportRow.job_id == job.id),
                    ImportRow.row_key,
                    {k[2] for k in keys.values() if k[2]},
                )
            ).scalars()
        )
        outcomes: dict[int, RowOutcome] = {}
        pending: list[tuple[int, dict, str, str, date, date | None, int | None]] = []
        for number, row in rows:
            refusal, parsed = self._check(keys[number], met, *row[_PREPARED][1:])
            if refusal is not None:
                outcomes[number] = refusal
            else:
                pending.append((number, row, *parsed))

        # Columns, not ORM objects: a batch reads hundreds of persons and facts and changes few.
        scope = Scope.of(session, job.region_code)
        ids = {p[2] for p in pending}
        persons = (
            {
                number: (person_id, name, county)
                for person_id, number, name, county in session.execute(
                    select(Person.id, Person.id_number, Person.name, Person.county_code).where(
                        among(session, Person.id_number, ids), scope.visible(Person)
                    )
                ).all()
            }
            if ids
            else {}
        )
        stored: dict[tuple[int, str, date | None], tuple] = {}
        if persons:
            facts = session.execute(
                probe(
                    session,
                    select(
                        CategoryFact.id, CategoryFact.person_id, CategoryFact.code, CategoryFact.since,
                        CategoryFact.until, CategoryFact.grade,
                    ),
                    CategoryFact.person_id,
                    [p[0] for p in persons.values()],
                )
            ).all()  # fmt: skip
            for fact in sorted(facts, key=lambda fact: fact.id):  # the first stored of a kind counts
                stored.setdefault((fact.person_id, fact.code, fact.since), fact)

        new_facts = []
        now = utcnow()
        source = self.source
        for number, row, id_number, code, since, until, grade in pending:
            key = keys[number][2]  # every outcome carries its row's key (ImportRow.row_key)

            def refuse(field: str, error: ErrorCode, reason: str) -> RowOutcome:
                return RowOutcome(number, REFUSED, field, str(error), reason, id_number, key)  # noqa: B023

            person_id, registered_name, county = persons.get(id_number, (None, None, None))
            if person_id is None:
                outcomes[number] = refuse(
                    "idNumber",
                    ErrorCode.NOT_FOUND,
                    "未登记或不在本辖区",
                )
                continue
            name = row.get("name")
            # The same text is the same name without the two substitutions (most rows).
            if (
                name is not None
                and (text := str(name)) != registered_name
                and _NAME_NOISE.sub("", text) != _NAME_NOISE.sub("", registered_name)
            ):
                outcomes[number] = refuse(
                    "name",
                    ErrorCode.MISMATCH,
                    "姓名与登记信息不符",
                )
                continue
            fact = stored.get((person_id, code, since))
            if fact is None:
                new_facts.append((person_id, code, since, until, grade, source, job.id, now, county))
                outcomes[number] = RowOutcome(number, IMPORTED, id_number=id_number, key=key)
            elif grade is not None and fact.grade is not None and grade != fact.grade:
                outcomes[number] = refuse("grade", ErrorCode.CONFLICT, f"已记录为 {fact.grade} 级")
            elif until == fact.until or (until is None and fact.until is None):
                outcomes[number] = RowOutcome(number, UNCHANGED, id_number=id_number, key=key)
            elif fact.until is None:
                if turn is not None:
                    turn.wait()
                fact = session.get(CategoryFact, fact.id)  # the rare change: as an object, audited
                before = audit.snapshot_of(fact)
                fact.until = until
                session.add(fact)
                actor = self.actor or Actor(name=job.actor, region_code=job.region_code)
                audit.record(session, actor, "end_category", fact, before)
                outcomes[number] = RowOutcome(
                    number,
                    IMPORTED,
                    reason=f"终止日期更新为 {until}",
                    id_number=id_number,
                    key=key,
                )
            else:
                outcomes[number] = refuse(
                    "until",
                    ErrorCode.CONFLICT,
                    f"已记录终止日期 {fact.until}",
                )
        if turn is not None:
            turn.wait()
        insert_rows(session, CategoryFact.__table__, FACT_COLUMNS, new_facts)
        return [outcomes[number] for number, _ in rows]

    @staticmethod
    def _check(keyed: tuple, met: set[str], first, then):
        """(refusal, None) or (None, (id, code, since, until, grade)); `met`: keys seen before,
        this row's added. A row refused before the duplicate check keeps that refusal."""
        key = keyed[2]
        duplicate = False
        if key is not None:
            duplicate = key in met
            met.add(key)
        if first is not None:
            return first, None
        if duplicate:
            return then[2](), None
        return then[0], then[1]

    def _stages(self, number: int, row: dict, keyed: tuple):
        """The checks of a row's cells, in order, around the duplicate check that needs the file's
        earlier rows: (the refusal before it or None, (the refusal after it or None, the parsed
        values, the duplicate's refusal — made when a row is one: most rows are not))."""
        id_number, code, key, raw_id = keyed

        def refuse(field: str, error: ErrorCode, reason: str):
            return RowOutcome(number, REFUSED, field, str(error), reason, id_number or raw_id, key)

        def before():
            if not raw_id:
                return refuse("idNumber", ErrorCode.REQUIRED, "请填写身份证号码")
            if id_number is None:
                try:
                    parse_id_number(raw_id)
                except InvalidIdNumber as exc:
                    return refuse("idNumber", ErrorCode.INVALID, f"身份证号码无效：{exc}")
            if row.get("category") is None:
                return refuse("category", ErrorCode.REQUIRED, "请填写类别")
            if code is None:
                return refuse("category", ErrorCode.INVALID, f"未知的困难类别“{row['category']}”")
            if code not in self.allowed:
                return refuse(
                    "category",
                    ErrorCode.FORBIDDEN,
                    f"{self.department} 无权认定 {code}",
                )
            return None

        if (first := before()) is not None:
            return first, None

        def duplicate():
            return refuse("idNumber", ErrorCode.DUPLICATE, "同一身份证号码和类别在本文件中已出现")

        try:
            since = parse_date(row.get("since")) or self.as_of
        except ValueError as exc:
            return None, (refuse("since", ErrorCode.INVALID, f"认定日期{exc}"), None, duplicate)
        try:
            until = parse_date(row.get("until"))
        except ValueError as exc:
            return None, (refuse("until", ErrorCode.INVALID, f"退出日期{exc}"), None, duplicate)
        if until is not None and until < since:
            refusal = refuse("until", ErrorCode.INVALID, f"退出日期 {until} 早于认定日期 {since}")
            return None, (refusal, None, duplicate)
        try:
            grade = parse_int(row.get("grade"))
        except ValueError:
            grade = 0
        if grade is not None and not 1 <= grade <= 4:
            return None, (refuse("grade", ErrorCode.INVALID, "残疾等级应为 1–4 级"), None, duplicate)
        return None, (None, (id_number, code, since, until, grade), duplicate)


def start_roster_import(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    source: str,
    as_of: date,
    region_code: str,
    categories: Mapping[str, str] = CATEGORIES,
    filename: str | None = None,
) -> tuple[ImportJob, RosterHandler]:
    """Checks the file and creates (or finds) its job; `resume_import` then runs it."""
    handler = RosterHandler(source, as_of, categories, actor)
    job = start_import(
        engine,
        actor,
        Path(path),
        handler,
        filename=filename or Path(path).name,
        region_code=region_code,
        source=source,
        as_of=as_of,
    )
    return job, handler


def import_roster(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    source: str,
    as_of: date,
    region_code: str,
    categories: Mapping[str, str] = CATEGORIES,
    filename: str | None = None,
    batch_size: int = 500,
    progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Imports a department's roster file (CSV or XLSX) for a region; returns the finished job."""
    job, handler = start_roster_import(
        engine,
        actor,
        path,
        source=source,
        as_of=as_of,
        region_code=region_code,
        categories=categories,
        filename=filename,
    )
    return resume_import(engine, actor, job, Path(path), handler, batch_size=batch_size, progress=progress)
