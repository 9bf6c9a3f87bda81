"""The same quote asked again, answered from the first: for an import, whose rows are mostly alike.

An import's batch quotes each of its rows under one policy, and most rows, to the rules, are
the same person: an adult with no hardship identity paying on the village's collection day. A
`QuoteMemo` computes each distinct quote once and hands the same `Quote` back after (measured
alone: ~27 µs a quote computed, ~12 µs answered with its facts built; issue 15).

Exact, not approximate: the key is everything `Registry.quote` reads — the policy, the day, the
tier, the parameters and every one of the person's facts — but the birth date, which stands in
it as the answers of the comparisons the rules make with it. They read it in four places
(BIRTH_DATE_READS; a test fails when the rules read it anywhere else): the payment day is
compared with it (a payment before birth is refused), so is each age-based grant's date
(`born_on_or_before`), and a newborn's route compares it with its first and last birth days,
and the payment day with the end of its periods from birth. Only a route that starts coverage
at birth reads the date itself: the key holds the date when such a route may hold the person
(born within its rule's reach: the few born within months of the payment), nothing otherwise.

The answer is the very `Quote` object the first request got: callers read it, none changes it
(an import's batch keeps it in several rows). A request the registry refuses (InputError) is
not kept: it is asked again each time.
"""

from dataclasses import fields
from datetime import date
from operator import attrgetter

from .facts import PersonFacts, QuoteRequest
from .policy import Newborn, Policy, Start
from .registry import Registry
from .result import Quote

# Where the rules read `PersonFacts.birth_date` (file: how many times); tests/core/rules/test_quote_memo.py
# counts them, so that a new reading is seen here before a memo keys on less than it reads.
BIRTH_DATE_READS = {
    "registry.py": 1,  # paid_on < birth_date: refused
    "routes.py": 2,  # is_newborn (born_from/born_to, paid_on, within/beyond); coverage from BIRTH
    "subsidies.py": 2,  # held_grounds: birth_date <= grant.born_on_or_before (local or not)
}
# The facts other than the birth date, by name: a fact added to PersonFacts is in the key unasked.
_OTHER_FACTS = tuple(f.name for f in fields(PersonFacts) if f.name != "birth_date")
_other_facts = attrgetter(*_OTHER_FACTS)
# Entries kept before the memo starts afresh: memory stays bounded over any job.
MOST_KEPT = 4096


class QuoteMemo:
    """`Registry.quote` for one registry, each distinct request computed once (see the module)."""

    def __init__(self, rules: Registry):
        self.rules = rules
        self._kept: dict[tuple, Quote] = {}
        self._reads: dict[str, tuple] = {}

    def quote(self, request: QuoteRequest) -> Quote:
        key = self.key(request)
        found = self._kept.get(key)
        if found is None:
            found = self.rules.quote(request)  # an InputError is raised, not kept
            if len(self._kept) >= MOST_KEPT:
                self._kept.clear()
            self._kept[key] = found
        return found

    def key(self, request: QuoteRequest) -> tuple:
        facts = request.person
        return (
            request.policy_id,
            request.paid_on,
            request.tier,
            tuple(sorted(request.parameters.items())),
            self._born(request.policy_id, request.paid_on, facts.birth_date),
            _other_facts(facts),
        )

    def _born(self, policy_id: str, paid_on: date, born: date) -> tuple:
        """What the rules can tell of `born` (BIRTH_DATE_READS): the answer of each comparison they
        make with it, and the date itself when a route starting coverage at birth may hold it."""
        reads = self._reads.get(policy_id)
        if reads is None:
            reads = self._reads[policy_id] = birth_reads(self.rules.get(policy_id))
        ages, newborns = reads
        answers = [paid_on < born, *(born <= day for day in ages)]
        at_birth = False
        for rule, starts_at_birth in newborns:
            if rule is None:  # a route starting at birth whoever it holds
                at_birth = True
                continue
            # `routes.is_newborn`'s reads of the birth date, in its terms.
            refused = (
                rule.born_from is not None and born < rule.born_from,
                rule.born_to is not None and born > rule.born_to,
                rule.within is not None and paid_on > rule.within.last_day_from(born),
                rule.beyond is not None and paid_on <= rule.beyond.last_day_from(born),
            )
            answers += refused
            at_birth = at_birth or (starts_at_birth and not any(refused) and paid_on >= born)
        return (tuple(answers), born if at_birth else None)


def birth_reads(policy: Policy) -> tuple[tuple[date, ...], tuple[tuple[Newborn | None, bool], ...]]:
    """The dates of the policy's age-based grants, and each route that reads a birth date: its
    newborn's rule (None for a route starting at birth without one) and whether its coverage
    starts at birth."""
    ages = tuple(g.born_on_or_before for g in policy.grants if g.born_on_or_before is not None)
    newborns = tuple(
        (route.newborn, route.start is Start.BIRTH)
        for route in policy.routes
        if route.newborn is not None or route.start is Start.BIRTH
    )
    return ages, newborns
