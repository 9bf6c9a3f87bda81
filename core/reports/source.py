"""The read-only query interface a report is built from: scoped selectables and `fetch`.

Everything the source hands out is limited to the asked region and what lies below it; the
caller's scope was checked to cover that region before the source was made. Reports compose
these selectables with SQLAlchemy and aggregate in SQL; `fetch` runs a SELECT and nothing else.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NoReturn

from sqlalchemy import Select, func, literal, or_, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import Executable
from sqlmodel import Session, col, select

from ..errors import ErrorCode, InputError
from ..models import CategoryFact, DepositSlip, Enrolment, EnrolmentHistory, Payment, Person, Region, Target
from ..regions import under
from ..rules.policy import Policy
from ..scope import lives_in
from ..services.refund_ledger import LedgerRow, ledger_rows, ledger_statement
from ..statuses import TargetKind
from .spec import ReportArgs, TargetTable

_RATE = Decimal("0.0001")
# Up to this many region codes are read once and bound as a list (see `in_region`); a larger
# subtree (a province's thousands of villages) keeps the subquery, under every driver's limit on
# bound parameters (SQLite's is 32,766, and a statement may name the region several times).
INLINE_CODES = 2000


def rate(numerator: int | None, denominator: int | None) -> Decimal | None:
    """A fraction to four places (0.9512 reads 95.12%); None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(_RATE, rounding=ROUND_HALF_UP)


class ReportSource:
    def __init__(
        self,
        session: Session,
        args: ReportArgs,
        region: Region,
        targets: Sequence[TargetTable] = (),
        policy: Policy | None = None,
        category_names: Mapping[str, str] | None = None,
    ):
        self._session = session
        self.args = args
        self.region = region
        self.policy = policy  # the policy governing the region and year, when there is one
        self.target_tables = [t for t in targets if t.coverage_year == args.coverage_year]
        self.category_names = dict(category_names or {})
        self.headings: dict[str, str] = {}  # column key → the notice's heading for this region
        self._codes: list[str] | None = None

    def required_policy(self) -> Policy:
        """The governing policy, for a report that cannot be built without one."""
        if self.policy is None:
            raise InputError.one(
                "coverageYear",
                ErrorCode.NOT_FOUND,
                f"{self.coverage_year}年度没有适用的政策",
            )
        return self.policy

    def refuse(self, field: str, message: str) -> NoReturn:
        """Stops a report that cannot be built for what was asked (e.g. the year's policy lacks the
        rule it reports on): the caller gets NOT_FOUND on `field` with the message."""
        raise InputError.one(field, ErrorCode.NOT_FOUND, message)

    def rename(self, key: str, heading: str) -> None:
        """Uses the notice's own heading for a column, e.g. 约束目标（人） (筑医保通〔2021〕34号 附件)."""
        self.headings[key] = heading

    @property
    def as_of(self) -> date:
        return self.args.as_of or date.today()

    @property
    def coverage_year(self) -> int:
        return self.args.coverage_year

    # --- places ---

    def regions(self, name: str = "regions"):
        """The whole region tree (code, name, parent_code, level, path), public as names are: a
        subquery to join for names, e.g. a village's township. Call it again, with another
        `name`, to join it twice."""
        return select(Region.code, Region.name, Region.parent_code, Region.level, Region.path).subquery(name)

    def region_codes(self) -> Select:
        """Codes of the asked region and every region below it."""
        return select(Region.code).where(under(self.region.path, Region.path))

    def in_region(self, column):
        """SQL: `column` (a region code) is the asked region's or one below it.

        The codes are read once and bound as a list: a row filter the planner estimates from the
        column's statistics and checks by hashing, where `region_codes()` as a subquery (a LIKE on
        the joined path, unknown to the planner until run) made it guess the rows of every join
        above, join the region table per statement, and on PostgreSQL look each enrolment's
        region up again.
        """
        return col(column).in_(self._region_set())

    def _region_set(self) -> list[str] | Select:
        if self._codes is None:
            self._codes = list(self._session.execute(self.region_codes()).scalars())
        return self._codes if len(self._codes) <= INLINE_CODES else self.region_codes()

    def unit_list(self, level: str | None = None) -> Select:
        """The units a report has a row for: the asked region's children, or its regions at `level`.

        Columns unit_code, unit_name, in code order.
        """
        condition = Region.parent_code == self.region.code if level is None else Region.level == level
        return (
            select(Region.code.label("unit_code"), Region.name.label("unit_name"))
            .where(condition, under(self.region.path, Region.path), Region.code != self.region.code)
            .order_by(Region.code)
        )

    def units(self, level: str | None = None):
        """Subquery mapping each region code below the asked region to its unit (region_code, unit_code).

        Units are the asked region's children, or with `level` its regions at that level; a row
        registered on the asked region itself is its own unit (and has no unit at a `level`).
        """
        place, unit = aliased(Region), aliased(Region)
        condition = unit.parent_code == self.region.code if level is None else unit.level == level
        below = (
            select(place.code.label("region_code"), unit.code.label("unit_code"))
            .join(unit, col(place.path).startswith(unit.path))
            .where(condition, under(self.region.path, place.path), under(self.region.path, unit.path))
        )
        if level is not None:
            return below.subquery("units")
        itself = select(literal(self.region.code).label("region_code"), literal(self.region.code))
        return union_all(below, itself).subquery("units")

    def roll_up(self, rows, *figures, level: str | None = None):
        """`rows` (any subquery with a region_code column) summed to the units of `units(level)`:
        a subquery of unit_code and `figures`, the aggregates over `rows`' columns."""
        units = self.units(level)
        return (
            select(units.c.unit_code, *figures)
            .join(rows, rows.c.region_code == units.c.region_code)
            .group_by(units.c.unit_code)
            .subquery()
        )

    # --- the registry ---

    def enrolments(self, coverage_year: int | None = None):
        """Enrolments in or below the region for the year (default the asked one), every column of
        the table (with the household the database keeps on each, migration 0015)."""
        year = coverage_year or self.coverage_year
        return (
            select(Enrolment.__table__)
            .where(Enrolment.coverage_year == year, self.in_region(Enrolment.region_code))
            .subquery("enrolments")
        )

    def enrolment_ids(self, coverage_year: int | None = None) -> Select:
        """Ids of the enrolments in or below the region for the year (default the asked one)."""
        year = coverage_year or self.coverage_year
        return select(Enrolment.id).where(
            Enrolment.coverage_year == year, self.in_region(Enrolment.region_code)
        )

    def history(self, coverage_year: int | None = None):
        """The imported 参保底表 rows (core/models/history.py) in or below the region for the year
        (default the asked one), every column: PAID, UNPAID or STOPPED, for years without a policy."""
        year = coverage_year or self.coverage_year
        return (
            select(EnrolmentHistory)
            .where(
                EnrolmentHistory.coverage_year == year,
                self.in_region(EnrolmentHistory.region_code),
            )
            .subquery("history")
        )

    def payments(self, on: date | None = None):
        """Ledger rows (payments and reversals, reversals negative) of those enrolments up to `on`.

        Columns: every payment column, plus region_code and person_id of the enrolment.
        """
        statement = (
            select(Payment, Enrolment.region_code, Enrolment.person_id)
            .join(Enrolment, Enrolment.id == Payment.enrolment_id)
            .where(
                Enrolment.coverage_year == self.coverage_year,
                self.in_region(Enrolment.region_code),
            )
        )
        if on is not None:
            statement = statement.where(Payment.paid_on <= on)
        return statement.subquery("payments")

    def persons(self):
        """Persons who live in or below the region (core/scope.py `lives_in`: their residence, else
        their hukou region), every column plus `home_region_code`, the region they live in."""
        home = func.coalesce(Person.residence_region_code, Person.hukou_region_code)
        return (
            select(Person, home.label("home_region_code"))
            .where(lives_in(self._region_set()))
            .subquery("persons")
        )

    def enrolled_persons(self):
        """The persons of the year's enrolments in or below the region, every person column: what
        a row about an enrolment joins for the person's name and ID number."""
        enrolled = select(Enrolment.person_id).where(
            Enrolment.coverage_year == self.coverage_year, self.in_region(Enrolment.region_code)
        )
        return select(Person).where(col(Person.id).in_(enrolled)).subquery("enrolled_persons")

    def deposit_slips(self):
        """Deposit slips (缴款单) of the year for villages in or below the region, every column."""
        return (
            select(DepositSlip)
            .where(
                DepositSlip.coverage_year == self.coverage_year,
                self.in_region(DepositSlip.region_code),
            )
            .subquery("deposit_slips")
        )

    def refund_ledger(self) -> list[LedgerRow]:
        """The refunds of the year's enrolments in or below the region, per department and township:
        owed, paid, outstanding, pending and to recover (core/services/refund_ledger.py)."""
        return ledger_rows(self.fetch(ledger_statement(self.region.path, self.coverage_year)))

    def identities(self, on: date | None = None):
        """Hardship identities held on `on` (default as-of) by persons of the region.

        Columns person_id, code, region_code (the region the person lives in); one row per
        person and code even when several rosters assert it.
        """
        day = on or self.as_of
        # Driven from the facts, each holder's home read by primary key (a correlated subquery,
        # which neither backend turns into a join): the holders are a fraction of the persons,
        # where joining `persons()` scanned every person to find those living in the region
        # (a city's million, to keep 80,000; bench/README.md). Where one lives is `lives_in`'s:
        # the residence, else the hukou region.
        home = (
            select(func.coalesce(Person.residence_region_code, Person.hukou_region_code))
            .where(Person.id == CategoryFact.person_id)
            .scalar_subquery()
        )
        held = (
            select(CategoryFact.person_id, CategoryFact.code, home.label("region_code"))
            .where(
                or_(col(CategoryFact.since).is_(None), CategoryFact.since <= day),
                or_(col(CategoryFact.until).is_(None), CategoryFact.until >= day),
            )
            # OFFSET 0 keeps PostgreSQL from merging this subquery into the one below, which
            # would copy the lookup into the filter and read each holder's person twice.
            .offset(0)
            .subquery("held")
        )
        return (
            select(held.c.person_id, held.c.code, held.c.region_code)
            .where(held.c.region_code.in_(self._region_set()))
            .distinct()
            .subquery("identities")
        )

    def targets(self, kind: str = TargetKind.TARGET):
        """Headcounts per region for the year (region_code, headcount): loaded rows win over the notice's."""
        loaded = select(Target.region_code, Target.headcount).where(
            Target.coverage_year == self.coverage_year,
            Target.kind == kind,
            self.in_region(Target.region_code),
        )
        stated = [(t.region_code, t.headcount) for table in self.target_tables for t in table.rows]
        if kind != "TARGET" or not stated:
            return loaded.subquery("targets")
        # A UNION of literal rows, not VALUES: SQLite cannot name the columns of a VALUES list.
        notice = union_all(
            *(
                select(literal(code).label("region_code"), literal(count).label("headcount"))
                for code, count in stated
            )
        ).subquery("notice_targets")
        from_notice = select(notice.c.region_code, notice.c.headcount).where(
            notice.c.region_code.not_in(select(loaded.subquery().c.region_code))
        )
        return union_all(loaded, from_notice).subquery("targets")

    def target_table(self) -> TargetTable | None:
        """The notice's task table covering this region and year, if a plugin provides one."""
        for table in self.target_tables:
            paths = self._session.execute(
                select(Region.path).where(col(Region.code).in_(table.regions))
            ).scalars()
            if any(self.region.path.startswith(p) or p.startswith(self.region.path) for p in paths):
                return table
        return None

    def fetch(self, statement: Executable) -> list:
        """Runs a SELECT built from the selectables above."""
        if not isinstance(statement, Select) and not hasattr(statement, "selected_columns"):
            raise TypeError("a report may only run SELECT statements")
        return list(self._session.execute(statement).all())
