"""A refused payment names the window of the route the person would have used (issue 12, item 7).

The policy below is made up (测试〔2030〕1号) and lists the college window first, as 贵医保组〔2023〕1号
五 does, so naming "the policy's first route" would tell an ordinary resident, a migrant worker or
a newborn's parent about a window that was never theirs.
"""

from datetime import date
from decimal import Decimal

import pytest

from yibao.core.rules.cite import Cite
from yibao.core.rules.dates import Period
from yibao.core.rules.engine import quote
from yibao.core.rules.facts import LifeEvent, PersonFacts, QuoteRequest
from yibao.core.rules.policy import Event, Fixed, Newborn, Policy, Route, Tier
from yibao.core.rules.routes import would_apply

DOC = "测试〔2030〕1号"


def c(clause: str) -> Cite:
    return Cite(DOC, clause)


ROUTES = (
    Route("college", "大学生缴费期", c("五"), date(2030, 9, 1), date(2030, 10, 31), college_student=True),
    Route("general", "集中缴费期", c("三"), date(2030, 9, 1), date(2030, 12, 31), college_student=False),
    Route("late", "零星缴费期", c("四"), date(2031, 4, 1), date(2031, 6, 30), college_student=False),
    Route(
        "newborn",
        "新生儿90天内参保",
        c("六1"),
        date(2031, 1, 1),
        date(2031, 12, 31),
        newborn=Newborn(born_from=date(2031, 1, 1), within=Period(days=90)),
    ),
    Route(
        "released",
        "刑满释放3个月内参保",
        c("六2"),
        date(2031, 1, 1),
        date(2031, 12, 31),
        event=Event(frozenset({"RELEASED_FROM_PRISON"}), within=Period(months=3)),
    ),
    Route(
        "migrant",
        "务工人员延期",
        c("三 延长"),
        date(2031, 1, 1),
        date(2031, 2, 28),
        migrant_worker=True,
        college_student=False,
    ),
)
POLICY = Policy(
    province="test",
    region_code="999999",
    region_name="测试县",
    coverage_year=2031,
    documents=(),
    tiers=(Tier("1", "统一标准", Decimal("300"), c("二")),),
    coverage_start=date(2031, 1, 1),
    coverage_end=date(2031, 12, 31),
    coverage_cite=c("二"),
    fiscal_subsidy=Fixed(Decimal("600")),
    fiscal_cite=c("二"),
    routes=ROUTES,
)
ADULT = date(1980, 5, 1)


@pytest.mark.parametrize(
    ("facts", "paid_on", "named"),
    [
        (PersonFacts(ADULT), date(2031, 1, 10), "general"),  # not the college window listed first
        (PersonFacts(ADULT, migrant_worker=True), date(2031, 3, 1), "migrant"),  # the extension
        (PersonFacts(date(2011, 1, 1), college_student=True), date(2030, 11, 1), "college"),
        (
            PersonFacts(date(2011, 1, 1), college_student=True, migrant_worker=True),
            date(2031, 1, 5),
            "college",
        ),
        (PersonFacts(date(2031, 12, 20)), date(2032, 1, 3), "newborn"),  # within 90 days, after the year
        (
            PersonFacts(ADULT, events=(LifeEvent("RELEASED_FROM_PRISON", date(2031, 12, 1)),)),
            date(2032, 1, 5),
            "released",
        ),
        # Equally specific: the window nearest the payment date.
        (PersonFacts(ADULT), date(2030, 8, 31), "general"),
        (PersonFacts(ADULT), date(2031, 7, 1), "late"),
    ],
)
def test_the_refusal_names_the_route_the_person_would_have_used(facts, paid_on, named):
    route = next(r for r in ROUTES if r.key == named)
    assert would_apply(POLICY, facts, paid_on) is route
    refused = quote(POLICY, QuoteRequest(POLICY.id, paid_on, facts))
    assert not refused.accepted
    assert f"该人员适用的缴费期为{route.name}（{route.opens} 至 {route.closes}）（{route.cite}）" in (
        refused.rejection_reason
    )
    assert "允许的缴费期内" in refused.rejection_reason
    assert refused.explanation[-1].citation == str(route.cite)


def test_an_event_outside_its_conditions_falls_back_to_the_persons_general_window():
    # Released 5 months before paying: the 3-month route does not hold them, whatever its window.
    facts = PersonFacts(ADULT, events=(LifeEvent("RELEASED_FROM_PRISON", date(2031, 2, 1)),))
    assert would_apply(POLICY, facts, date(2031, 7, 1)).key == "late"


def test_with_no_route_for_the_person_the_first_route_is_named():
    only_students = Policy(**{**POLICY.__dict__, "routes": ROUTES[:1]})
    assert would_apply(only_students, PersonFacts(ADULT), date(2031, 1, 10)) is ROUTES[0]
