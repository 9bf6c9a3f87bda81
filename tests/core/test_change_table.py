"""The change table (变动表) against last year's enrolments (东政办〔2021〕6号 四（三）, 五（三）)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from tests.support.villages import TOWNSHIP, VILLAGE_A, VILLAGE_B, dongzhi_2021, enrolled_2021, identity
from yibao.core.errors import InputError
from yibao.core.scope import Scope
from yibao.core.services.change_table import change_table
from yibao.core.testing.scenarios import registry


def changes(engine, region: str = TOWNSHIP, year: int = 2022, scope_region: str | None = None, rules=None):
    with Session(engine) as session:
        return change_table(session, Scope.of(session, scope_region), rules or registry(), region, year)


def by_name(rows) -> dict:
    return {row.name: row for row in rows}


def test_added_removed_and_changed_with_their_reasons(engine):
    dongzhi_2021(engine)
    rows = changes(engine)
    assert [(r.village_code, r.change, r.reason, r.name) for r in rows] == [
        (VILLAGE_A, "ADDED", "NEW", "周八"),  # last year's enrolment was terminated
        (VILLAGE_A, "REMOVED", "MOVED_OUT", "赵五"),  # the household now lies in 贵池
        (VILLAGE_A, "CHANGED", "SUBSIDY_CATEGORY,AMOUNT_DUE", "李秀英"),
        (VILLAGE_B, "ADDED", "NEW", "孙七"),
        (VILLAGE_B, "ADDED", "MOVED_IN", "钱六"),  # enrolled in 贵池 last year
        (VILLAGE_B, "REMOVED", "DEATH", "张老四"),
    ]
    # unchanged: 王大山 (320 both years), 王小明 (columns only, 320), 张三 (paid and reversed, 320)


def test_each_row_carries_its_before_and_after(engine):
    ids = dongzhi_2021(engine).ids
    rows = by_name(changes(engine))
    li = rows["李秀英"]
    assert (li.category_before, li.category_after) == (None, "MINIMUM_LIVING")
    assert (li.amount_before, li.amount_after) == (Decimal("320.00"), Decimal("30.00"))
    assert (li.tier_before, li.tier_after, li.person_id) == ("1", "1", ids["li"])
    dead = rows["张老四"]
    assert (dead.departed_on, dead.household_id, dead.village_name) == (date(2021, 8, 1), None, "西河村")
    assert (dead.amount_before, dead.amount_after) == (Decimal("320.00"), None)
    added = rows["孙七"]
    assert (added.amount_before, added.amount_after, added.household_id is not None) == (
        None,
        Decimal("320.00"),
        True,
    )


def test_a_newborn_is_added_as_a_newborn(engine):
    from tests.support.villages import household
    from yibao.core.services.persons import PersonInput

    dongzhi_2021(engine)
    baby = PersonInput(
        name="王小宝",
        hukou_region_code="341721",
        no_id_reason="NEWBORN",
        birth_date=date(2021, 10, 15),
        gender="M",
    )
    household(engine, VILLAGE_A, (baby, "户主"))
    baby_row = by_name(changes(engine))["王小宝"]
    assert (baby_row.change, baby_row.reason, baby_row.amount_after) == (
        "ADDED",
        "NEWBORN",
        Decimal("320.00"),
    )


def test_an_amount_change_alone_is_listed(engine):
    """Last year's enrolment recorded 280 (the columns, no payment yet): this year's 320 differs."""
    dongzhi_2021(engine)
    from tests.support.villages import household, person

    (new,) = household(engine, VILLAGE_A, (person("吴九", date(1988, 9, 9), 71), "户主"))
    enrolled_2021(engine, new, VILLAGE_A, status="ENROLLED", amount="280.00", in_columns=True)
    row = by_name(changes(engine))["吴九"]
    assert (row.change, row.reason, row.amount_before, row.amount_after) == (
        "CHANGED",
        "AMOUNT_DUE",
        Decimal("280.00"),
        Decimal("320.00"),
    )
    assert "王大山" not in by_name(changes(engine))  # 320 both years


def test_a_lost_identity_is_a_change_of_category(engine):
    dongzhi_2021(engine)
    from tests.support.villages import household, person

    (poor,) = household(engine, VILLAGE_B, (person("郑十", date(1950, 10, 10), 81), "户主"))
    enrolled_2021(engine, poor, VILLAGE_B, amount="30.00", category="MINIMUM_LIVING", paid=[3000])
    identity(engine, poor, "MINIMUM_LIVING", date(2019, 1, 1), until=date(2021, 6, 30))
    row = by_name(changes(engine))["郑十"]
    assert (row.reason, row.category_before, row.category_after) == (
        "SUBSIDY_CATEGORY,AMOUNT_DUE",
        "MINIMUM_LIVING",
        None,
    )
    assert (row.amount_before, row.amount_after) == (Decimal("30.00"), Decimal("320.00"))


def test_a_village_table_sees_only_its_village_and_removals_from_it(engine):
    dongzhi_2021(engine)
    assert [(r.change, r.name) for r in changes(engine, VILLAGE_B, scope_region=VILLAGE_B)] == [
        ("ADDED", "孙七"),
        ("ADDED", "钱六"),
        ("REMOVED", "张老四"),
    ]
    with pytest.raises(InputError) as outside:
        changes(engine, VILLAGE_A, scope_region=VILLAGE_B)
    assert [e.code for e in outside.value.errors] == ["FORBIDDEN"]


def test_no_policy_for_the_year_is_refused(engine):
    dongzhi_2021(engine)
    with pytest.raises(InputError) as refused:
        changes(engine, year=2021)
    assert [(e.field, e.code) for e in refused.value.errors] == [("coverageYear", "NOT_FOUND")]
