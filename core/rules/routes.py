"""Which route admits a payment, and the coverage period it gives."""

from dataclasses import dataclass
from datetime import date

from .dates import next_day
from .facts import LifeEvent, PersonFacts
from .policy import Event, Newborn, Policy, Route, Start, Waiver


def admits(route: Route, facts: PersonFacts, paid_on: date) -> bool:
    return in_window(route, paid_on) and fits(route, facts, paid_on)


def in_window(route: Route, paid_on: date) -> bool:
    return not ((route.opens and paid_on < route.opens) or (route.closes and paid_on > route.closes))


def fits(route: Route, facts: PersonFacts, paid_on: date) -> bool:
    """The route's population (college students, migrant workers, newborns, a life event) holds
    the person on `paid_on`, whatever its window says."""
    if route.college_student is not None and facts.college_student != route.college_student:
        return False
    if route.migrant_worker is not None and facts.migrant_worker != route.migrant_worker:
        return False
    if route.newborn and not is_newborn(route.newborn, facts, paid_on):
        return False
    return not (route.event and matching_event(route.event, facts, paid_on) is None)


def would_apply(policy: Policy, facts: PersonFacts, paid_on: date) -> Route:
    """The route a refused payment should have used: the one the person's population fits.

    Refusing a migrant worker with the general window, or a college student with the migrant
    extension, names a window that was never theirs (贵医保组〔2023〕1号 三, 五). Of the routes whose
    population holds the person whatever the window (`fits`), the most specific wins — the one
    singling out the most of college student, migrant worker, newborn and life event — then the
    one whose window lies nearest the payment date, then the policy's order. When no route fits
    at all, the policy's first route is named.
    """
    fitting = [(i, route) for i, route in enumerate(policy.routes) if fits(route, facts, paid_on)]
    if not fitting:
        return policy.routes[0]
    _, route = min(fitting, key=lambda f: (-_singles_out(f[1]), _distance(f[1], paid_on), f[0]))
    return route


def _singles_out(route: Route) -> int:
    """How many special populations the route is for. A condition that excludes a population
    (college_student=False; a birth date only bounded above) singles nobody out."""
    newborn = route.newborn
    is_for_newborns = newborn is not None and bool(
        newborn.born_from or newborn.within or newborn.beyond or newborn.guardian_enrolled is not None
    )
    special = (route.college_student is True, route.migrant_worker is True, is_for_newborns, route.event)
    return sum(bool(condition) for condition in special)


def _distance(route: Route, paid_on: date) -> int:
    """Days between `paid_on` and the route's window (0 inside it)."""
    if route.opens and paid_on < route.opens:
        return (route.opens - paid_on).days
    if route.closes and paid_on > route.closes:
        return (paid_on - route.closes).days
    return 0


def is_newborn(rule: Newborn, facts: PersonFacts, paid_on: date) -> bool:
    born = facts.birth_date
    if (rule.born_from and born < rule.born_from) or (rule.born_to and born > rule.born_to):
        return False
    if rule.guardian_enrolled is not None and facts.guardian_enrolled != rule.guardian_enrolled:
        return False
    return paid_on >= born and _in_period(born, paid_on, rule.within, rule.beyond)


def matching_event(rule: Event, facts: PersonFacts, paid_on: date) -> LifeEvent | None:
    for event in facts.events:
        if event.kind not in rule.kinds or event.on > paid_on:
            continue
        if (rule.on_from and event.on < rule.on_from) or (rule.on_to and event.on > rule.on_to):
            continue
        if rule.min_prior_months is not None and (event.prior_continuous_months or 0) < rule.min_prior_months:
            continue
        if _in_period(event.on, paid_on, rule.within, rule.beyond):
            return event
    return None


def _in_period(anchor: date, paid_on: date, within, beyond) -> bool:
    if within and paid_on > within.last_day_from(anchor):
        return False
    return not (beyond and paid_on <= beyond.last_day_from(anchor))


def waiver_for(route: Route, facts: PersonFacts, paid_on: date) -> Waiver | None:
    held = {c.code for c in facts.categories if c.since is None or c.since <= paid_on}
    for waiver in route.waivers:
        if held & waiver.categories:
            return waiver
        if waiver.event and matching_event(waiver.event, facts, paid_on):
            return waiver
    return None


@dataclass(frozen=True)
class Coverage:
    start: date
    end: date
    waiting_until: date | None


def coverage(policy: Policy, route: Route, facts: PersonFacts, paid_on: date, waived: bool) -> Coverage:
    end = route.end_date or policy.coverage_end
    if route.waiting and not waived:
        waiting_until = route.waiting.last_day_from(paid_on)
        return Coverage(max(next_day(waiting_until), policy.coverage_start), end, waiting_until)
    if route.start is Start.FIXED:
        return Coverage(route.start_date, end, None)
    start = {
        Start.YEAR_START: policy.coverage_start,
        Start.BIRTH: facts.birth_date,
        Start.PAYMENT_DAY: paid_on,
        Start.DAY_AFTER_PAYMENT: next_day(paid_on),
        Start.PAYMENT_MONTH: paid_on.replace(day=1),
    }[route.start]
    return Coverage(max(start, policy.coverage_start), end, None)
