"""A person's enrolment history before a coverage year, computed from what the register holds.

Years enrolled are the coverage years with an enrolment that was not terminated and whose payment
stands (参保, as every report counts it, core/reports/counting.py), and the years of the imported
参保底表 marked PAID (core/models/history.py). From them, for coverage year Y:

- continuous_years: the unbroken run of years enrolled ending at Y − 1 (0 if Y − 1 is not one);
- lapsed_years: Y − 1 − the last year enrolled, when that is before Y − 1 (断保年数); 0 when no
  year is on record at all — there is nothing to count a lapse from (reading C1 of
  core/rules/continuity.py, docs/policies/national-continuity-2025.md);
- zero_claim_years: the years of that run on a zero-claim list (基金零报销) governing the region;
- repair_years: what the enrolment repairs now (缴费修复), given by the clerk.

Only what the caller may see counts — enrolments and history in their region, lists imported for
it or above — so the answer never depends on another region's data (core/scope.py). A person who
moved in can have their earlier years imported as history by the office that now enrols them.
The enrolment keeps the result in its snapshot, so its payment and any later re-quote read the
same history whoever makes them (core/services/facts.py `continuity_of_snapshot`).
"""

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ..imports.bulk import among
from ..models import Enrolment, EnrolmentHistory, ListEntry, Payment, Person
from ..regions import codes_under
from ..rules.facts import Continuity
from ..scope import Scope, scope_of
from ..statuses import EnrolmentStatus, HistoryStatus, ListSource, PaymentKind
from .lists_in_force import governing_codes


def years_enrolled(session: Session, person_id: int, before: int, scope: Scope | None = None) -> set[int]:
    return years_enrolled_of(session, [person_id], before, scope)[person_id]


def years_enrolled_of(
    session: Session, person_ids: list[int], before: int, scope: Scope | None = None
) -> dict[int, set[int]]:
    """The years enrolled of each person, in two statements (an import's batch asks for hundreds)."""
    scope = scope or scope_of(session)
    found: dict[int, set[int]] = {pid: set() for pid in person_ids}
    if not person_ids:
        return found
    standing = func.sum(case((Payment.kind == PaymentKind.PAYMENT, 1), else_=-1))
    register = session.exec(
        select(Enrolment.person_id, Enrolment.coverage_year)
        .join(Payment, Payment.enrolment_id == Enrolment.id)
        .where(
            among(session, Enrolment.person_id, person_ids),
            Enrolment.coverage_year < before,
            Enrolment.status != EnrolmentStatus.TERMINATED,
            col(Enrolment.amount_due_fen).is_not(None),
            scope.visible(Enrolment),
        )
        .group_by(Enrolment.id, Enrolment.person_id, Enrolment.coverage_year)
        .having(standing > 0)
    ).all()
    history = select(EnrolmentHistory.person_id, EnrolmentHistory.coverage_year).where(
        among(session, EnrolmentHistory.person_id, person_ids),
        EnrolmentHistory.coverage_year < before,
        EnrolmentHistory.status == HistoryStatus.PAID,
    )
    if scope.path is not None:
        history = history.where(col(EnrolmentHistory.region_code).in_(codes_under(scope.path)))
    for pid, year in [*register, *session.exec(history).all()]:
        found[pid].add(year)
    return found


def continuity_of(
    session: Session,
    person: Person,
    coverage_year: int,
    region_code: str,
    repair_years: int = 0,
    scope: Scope | None = None,
) -> Continuity:
    """The history before `coverage_year` of a person enrolling in `region_code`, as `scope` (default:
    the unit of work's) sees it."""
    years = years_enrolled(session, person.id, coverage_year, scope)
    return continuity_from(session, person, years, coverage_year, region_code, repair_years)


def continuity_from(
    session: Session,
    person: Person,
    years: set[int],
    coverage_year: int,
    region_code: str,
    repair_years: int = 0,
) -> Continuity:
    """`continuity_of` from the years enrolled already read (an import's batch reads its persons' at
    once, `years_enrolled_of`); only an unbroken run up to last year reads the zero-claim lists."""
    if not years:
        return Continuity(repair_years=repair_years)
    last = max(years)
    if last < coverage_year - 1:
        return Continuity(lapsed_years=coverage_year - 1 - last, repair_years=repair_years)
    first = last
    while first - 1 in years:
        first -= 1
    zero_claim = 0
    if person.id_number:
        zero_claim = len(
            set(
                session.exec(
                    select(ListEntry.year).where(
                        ListEntry.source == ListSource.ZERO_CLAIM,
                        ListEntry.id_number == person.id_number,
                        col(ListEntry.region_code).in_(governing_codes(session, region_code)),
                        col(ListEntry.year).between(first, last),
                    )
                ).all()
            )
        )
    return Continuity(
        continuous_years=last - first + 1, zero_claim_years=zero_claim, repair_years=repair_years
    )


def as_snapshot(history: Continuity) -> dict:
    return {
        "continuousYears": history.continuous_years,
        "lapsedYears": history.lapsed_years,
        "repairYears": history.repair_years,
        "zeroClaimYears": history.zero_claim_years,
    }
