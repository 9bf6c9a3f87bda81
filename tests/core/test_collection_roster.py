"""The collection roster (缴费清册): last year's enrolment table becomes this year's roster, quoted
under this year's policy (东政办〔2021〕6号 五（三）; 方政办明电〔2021〕35号 三（二）).

Last year's enrolments and payments are written as rows, as a finished 2021 campaign left them;
the roster only reads them.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlmodel import Session

from tests.support.factories import id_number
from tests.support.villages import TOWNSHIP, VILLAGE_A, VILLAGE_B, dongzhi_2021, household, identity, person
from yibao.core.errors import InputError
from yibao.core.scope import Scope
from yibao.core.services.collection_roster import collection_roster, window_opens
from yibao.core.services.persons import PersonInput
from yibao.core.testing.scenarios import registry

DONGZHI = "anhui/341721/2022"


def roster(engine, region: str = TOWNSHIP, year: int = 2022, scope_region: str | None = None, **kwargs):
    with Session(engine) as session:
        scope = Scope.of(session, scope_region)
        return collection_roster(session, scope, kwargs.pop("rules", registry()), region, year, **kwargs)


def test_the_roster_lists_every_member_by_village_and_household_head_first(engine):
    c = dongzhi_2021(engine).ids
    rows = roster(engine)
    assert [(r.village_name, r.name, r.is_head) for r in rows] == [
        ("东山村", "王大山", True),
        ("东山村", "李秀英", False),
        ("东山村", "王小明", False),
        ("东山村", "周八", True),
        ("西河村", "张三", True),
        ("西河村", "孙七", False),
        ("西河村", "钱六", True),
    ]  # 张老四 died; 赵五's household lies in 贵池
    first = rows[0]
    assert (first.village_code, first.household_id, first.head_name, first.address) == (
        VILLAGE_A,
        rows[1].household_id,
        "王大山",
        "东山村3组",
    )
    assert (first.person_id, first.id_number, first.relation) == (
        c["wang"],
        id_number(born=date(1975, 3, 9), seq=11),
        "户主",
    )
    assert [r.name for r in roster(engine, VILLAGE_B)] == ["张三", "孙七", "钱六"]


def test_amounts_come_from_this_years_policy_and_the_persons_identities(engine):
    dongzhi_2021(engine)
    rows = {r.name: r for r in roster(engine)}
    ordinary, minimum = rows["王大山"], rows["李秀英"]
    # 东政办〔2021〕6号 二: 320 a person; 四（三）1: 低保 subsidised 290, taken off the bill.
    assert (ordinary.tier, ordinary.amount_due, ordinary.subsidy, ordinary.subsidy_category) == (
        "1",
        Decimal("320.00"),
        Decimal("0.00"),
        None,
    )
    assert ordinary.method == "UPFRONT" and ordinary.note is None
    assert (minimum.amount_due, minimum.subsidy, minimum.subsidy_category, minimum.method) == (
        Decimal("30.00"),
        Decimal("290.00"),
        "MINIMUM_LIVING",
        "UPFRONT",
    )


def test_last_years_status_and_net_amount_paid(engine):
    dongzhi_2021(engine)
    rows = {r.name: r for r in roster(engine)}
    assert (rows["王大山"].last_year_status, rows["王大山"].last_year_paid) == ("PAID", Decimal("320.00"))
    assert (rows["王小明"].last_year_status, rows["王小明"].last_year_paid) == ("ENROLLED", Decimal("0.00"))
    # paid, then reversed: nothing stands paid
    assert (rows["张三"].last_year_status, rows["张三"].last_year_paid) == ("ENROLLED", Decimal("0.00"))
    assert (rows["孙七"].last_year_status, rows["孙七"].last_year_paid) == (None, None)
    assert rows["周八"].last_year_status == "TERMINATED"


def test_an_identity_that_ended_before_the_quote_date_no_longer_counts(engine):
    c = dongzhi_2021(engine).ids
    identity(engine, c["wang"], "MINIMUM_LIVING", date(2020, 1, 1), until=date(2021, 9, 1))
    identity(engine, c["xiaoming"], "EXTREME_POVERTY", date(2021, 1, 1))
    rows = {r.name: r for r in roster(engine)}
    assert (rows["王大山"].amount_due, rows["王大山"].subsidy_category) == (Decimal("320.00"), None)
    # 四（三）1: 特困 fully subsidised; 0 is a real amount, not "no answer".
    assert (rows["王小明"].amount_due, rows["王小明"].subsidy_category) == (
        Decimal("0.00"),
        "EXTREME_POVERTY",
    )


def test_the_quote_date_defaults_to_the_opening_of_the_centralized_window(engine):
    dongzhi_2021(engine)
    policy = registry().get(DONGZHI)
    assert window_opens(policy) == date(2021, 9, 20)  # 东政办〔2021〕6号 一
    late = {r.name: r for r in roster(engine, on=date(2022, 2, 1))}
    # after the window only the 四（七） routes are open: an ordinary resident cannot pay
    assert late["王大山"].amount_due is None and "2022-02-01" in late["王大山"].note


def test_a_newborn_born_after_the_window_opened_is_quoted_on_the_day_of_birth(engine):
    dongzhi_2021(engine)
    baby = PersonInput(
        name="王小宝",
        hukou_region_code="341721",
        no_id_reason="NEWBORN",
        birth_date=date(2021, 10, 15),
        gender="M",
    )
    household(engine, VILLAGE_A, (baby, "户主"))
    rows = {r.name: r for r in roster(engine)}
    # quoted on 2021-10-15, inside the window (a quote before birth would be refused)
    assert (rows["王小宝"].amount_due, rows["王小宝"].id_number, rows["王小宝"].note) == (
        Decimal("320.00"),
        None,
        None,
    )


def test_collect_then_refund_collects_the_full_share_and_names_the_subsidy(engine):
    """方政办明电〔2021〕35号 二（一）: 低保 pay the full 320; the subsidy is refunded afterwards."""
    (head, member) = household(
        engine,
        "411322001",
        (person("刘一", date(1970, 1, 1), 61, region="411322"), "户主"),
        (person("刘二", date(1972, 2, 2), 62, region="411322", male=False), "配偶"),
    )
    identity(engine, member, "MINIMUM_LIVING", date(2021, 6, 1))
    rules = registry().with_parameters("henan/411322/2022", {"refund.MINIMUM_LIVING": "200.00"})
    rows = {r.name: r for r in roster(engine, "411322001", rules=rules)}
    assert window_opens(rules.get("henan/411322/2022")) == date(2021, 10, 1)
    assert (rows["刘二"].amount_due, rows["刘二"].subsidy, rows["刘二"].method) == (
        Decimal("320.00"),
        Decimal("200.00"),
        "COLLECT_THEN_REFUND",
    )
    assert rows["刘一"].amount_due == Decimal("320.00") and rows["刘一"].subsidy == Decimal("0.00")
    # Unconfigured, the refund figure is not invented: 320 is collected all the same (二（一）),
    # and the row says which parameter the refund waits for.
    unset = {r.name: r for r in roster(engine, "411322001")}
    assert (unset["刘二"].amount_due, unset["刘二"].subsidy) == (Decimal("320.00"), None)
    assert "refund.MINIMUM_LIVING" in unset["刘二"].note
    assert unset["刘一"].amount_due == Decimal("320.00")


def test_a_year_no_policy_covers_is_refused_never_carried_forward(engine):
    dongzhi_2021(engine)
    with pytest.raises(InputError) as refused:
        roster(engine, year=2023)
    assert [(e.field, e.code) for e in refused.value.errors] == [("coverageYear", "NOT_FOUND")]


def test_a_region_outside_the_scope_is_refused_and_unknown_regions_too(engine):
    dongzhi_2021(engine)
    with pytest.raises(InputError) as outside:
        roster(engine, VILLAGE_A, scope_region=VILLAGE_B)
    assert [(e.field, e.code) for e in outside.value.errors] == [("regionCode", "FORBIDDEN")]
    with pytest.raises(InputError) as unknown:
        roster(engine, "341721999999")
    assert [(e.field, e.code) for e in unknown.value.errors] == [("regionCode", "NOT_FOUND")]
    assert [r.name for r in roster(engine, VILLAGE_A, scope_region=TOWNSHIP)][:1] == ["王大山"]


def test_the_roster_loads_by_region_in_a_fixed_number_of_queries(engine):
    dongzhi_2021(engine)

    def count() -> tuple[int, int]:
        statements = []

        def seen(*_):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            rows = roster(engine)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return len(rows), len(statements)

    few = count()
    for n in range(20):
        household(engine, VILLAGE_A, (person(f"新{n}", date(1980, 1, 1), 100 + n), "户主"))
    many = count()
    assert (few[0], many[0]) == (7, 27)
    assert many[1] == few[1] <= 8, (few, many)


def test_each_household_is_quoted_under_its_own_areas_policy(engine):
    """A roster above county level spans areas: 贵池 has no 2022 policy, so its rows say so."""
    dongzhi_2021(engine)
    rows = {r.name: r for r in roster(engine, "340000")}
    assert rows["王大山"].amount_due == Decimal("320.00")
    moved = rows["赵五"]  # lives in 乌沙镇, 贵池区
    assert moved.amount_due is None and "341702001 2022" in moved.note
