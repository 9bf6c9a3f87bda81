"""The quote memo (core/rules/memo.py) answers exactly what the registry computes, for every
installed policy, over persons varied where the rules decide: birth dates at each threshold the
rules compare them with, identities, life events, stated circumstances, histories, tiers, days."""

import random
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from yibao.core.errors import InputError
from yibao.core.rules import memo as memo_module
from yibao.core.rules.dates import add_months
from yibao.core.rules.facts import CategoryFact, Continuity, LifeEvent, PersonFacts, QuoteRequest
from yibao.core.rules.memo import QuoteMemo
from yibao.core.rules.vocabulary import EVENTS
from yibao.core.testing.scenarios import registry

RULES = registry()
ONE = timedelta(days=1)


def _days(policy) -> list[date]:
    """Payment days at each route's window edges, and the coverage year's start and end."""
    days = {policy.coverage_start, policy.coverage_end}
    for route in policy.routes:
        for edge in (route.opens, route.closes):
            if edge:
                days |= {edge - ONE, edge, edge + ONE}
    return sorted(days)


def _births(policy, paid_on: date, rng: random.Random) -> list[date]:
    """Birth dates at every date the rules compare one with, a day either side, and at random."""
    edges = {paid_on, paid_on - timedelta(days=90), add_months(paid_on, -3)}
    edges |= {g.born_on_or_before for g in policy.grants if g.born_on_or_before}
    for route in policy.routes:
        if route.newborn:
            edges |= {d for d in (route.newborn.born_from, route.newborn.born_to) if d}
            for period in (route.newborn.within, route.newborn.beyond):
                if period:  # the birth days whose period ends on the payment day
                    edges |= {add_months(paid_on, -period.months) - timedelta(days=period.days)}
    births = {d + timedelta(days=k) for d in edges for k in (-1, 0, 1)}
    births |= {paid_on - timedelta(days=rng.randrange(0, 36500)) for _ in range(12)}
    return sorted(births)


def _persons(policy, paid_on: date, rng: random.Random) -> list[PersonFacts]:
    codes = sorted({g.code for g in policy.grants if not g.born_on_or_before} | {"MINIMUM_LIVING"})
    hukou = [policy.region_code, "110101"]
    variants = []
    for born in _births(policy, paid_on, rng):
        variants.append(PersonFacts(born, area_code=policy.region_code, hukou_region_code=policy.region_code))
        code = rng.choice(codes)
        since = rng.choice([None, paid_on - timedelta(days=400), paid_on + ONE])
        variants.append(
            PersonFacts(
                born,
                categories=(CategoryFact(code, since, rng.choice([None, 1, 3])),),
                events=(
                    LifeEvent(rng.choice(sorted(EVENTS)), paid_on - timedelta(days=rng.randrange(0, 200))),
                )
                if rng.random() < 0.3
                else (),
                college_student=rng.random() < 0.2,
                migrant_worker=rng.random() < 0.2,
                guardian_enrolled=rng.random() < 0.5,
                area_code=policy.region_code,
                hukou_region_code=rng.choice(hukou),
                continuity=Continuity(*rng.choice([(0, 0, 0, 0), (3, 0, 0, 2), (0, 2, 1, 0), (6, 0, 0, 6)])),
            )
        )
    return variants


def _answer(rules, request):
    try:
        return rules.quote(request)
    except InputError as error:
        return [(e.field, e.code, e.message) for e in error.errors]


@pytest.mark.parametrize("policy_id", [p.id for p in RULES.policies()])
def test_the_memo_answers_what_the_registry_computes(policy_id):
    policy = RULES.get(policy_id)
    rng = random.Random(policy_id)
    requests = [
        QuoteRequest(policy_id, paid_on, person, tier.code)
        for paid_on in _days(policy)
        for person in _persons(policy, paid_on, rng)
        for tier in policy.tiers[:2]
    ]
    rng.shuffle(requests)  # a key too coarse would answer one person with another's quote
    memo = QuoteMemo(RULES)
    answered = [_answer(memo, r) for r in requests]
    assert answered == [_answer(RULES, r) for r in requests]
    # Not a pass-through: the plain adults of each day and tier shared one quote.
    assert len(memo._kept) < len(requests) * 0.75


def test_alike_adults_share_one_quote_and_a_newborn_is_quoted_for_their_birth_date():
    memo = QuoteMemo(RULES)
    paid_on = date(2021, 10, 8)

    def ask(born: date):
        return memo.quote(QuoteRequest("anhui/341721/2022", paid_on, PersonFacts(born), "1"))

    assert ask(date(1970, 1, 1)) is ask(date(1985, 6, 30))
    # Born days apart within the newborn routes' reach: their coverage may start at birth.
    assert memo.key(
        QuoteRequest("anhui/341721/2022", paid_on, PersonFacts(date(2021, 9, 1)), "1")
    ) != memo.key(QuoteRequest("anhui/341721/2022", paid_on, PersonFacts(date(2021, 9, 2)), "1"))


def test_an_age_based_grant_tells_the_ages_apart():
    policy = next(p for p in RULES.policies() if any(g.born_on_or_before for g in p.grants))
    cut = min(g.born_on_or_before for g in policy.grants if g.born_on_or_before)
    paid_on = policy.routes[0].opens or policy.coverage_start
    memo = QuoteMemo(RULES)
    older, younger = (
        memo.quote(
            QuoteRequest(policy.id, paid_on, PersonFacts(born, hukou_region_code=policy.region_code), "1")
        )
        for born in (cut, cut + ONE)
    )
    assert older.subsidy != younger.subsidy
    assert older == RULES.quote(
        QuoteRequest(policy.id, paid_on, PersonFacts(cut, hukou_region_code=policy.region_code), "1")
    )


def test_a_refused_request_is_refused_each_time():
    memo = QuoteMemo(RULES)
    request = QuoteRequest("anhui/341721/2022", date(2021, 10, 8), PersonFacts(date(2021, 10, 9)), "1")
    for _ in range(2):
        with pytest.raises(InputError):
            memo.quote(request)
    assert not memo._kept


def test_every_fact_but_the_birth_date_is_in_the_key():
    memo = QuoteMemo(RULES)
    base = QuoteRequest("anhui/341721/2022", date(2021, 10, 8), PersonFacts(date(1970, 1, 1)), "1")
    changed = {
        "categories": (CategoryFact("MINIMUM_LIVING"),),
        "events": (LifeEvent("GRADUATION", date(2021, 7, 1)),),
        "college_student": True,
        "migrant_worker": True,
        "guardian_enrolled": True,
        "area_code": "341721001",
        "hukou_region_code": "341721",
        "continuity": Continuity(1, 0, 0, 0),
    }
    assert set(changed) == set(memo_module._OTHER_FACTS)
    for name, value in changed.items():
        other = replace(base, person=replace(base.person, **{name: value}))
        assert memo.key(other) != memo.key(base), name


def test_the_rules_read_the_birth_date_only_where_the_memo_knows():
    """A new reading of the birth date by the rules must be taught to the memo's key first."""
    rules = Path(memo_module.__file__).parent
    counts = {
        path.name: len(re.findall(r"\bbirth_date\b", path.read_text(encoding="utf-8")))
        for path in rules.glob("*.py")
        if path.name not in {"facts.py", "memo.py"}
    }
    assert {name: n for name, n in counts.items() if n} == memo_module.BIRTH_DATE_READS
