"""The report catalog: definitions checked at start-up, scope and applicability when run."""

from datetime import date

import pytest
from sqlmodel import Session

from yibao.core.errors import InputError
from yibao.core.plugins import load_registry
from yibao.core.reports import Catalog, CatalogError, Column, Kind, Report, ReportArgs
from yibao.core.rules.cite import Cite
from yibao.core.scope import Scope

CITE = Cite("测试〔2026〕1号", "一")
CODE = (Column("code", "代码"),)


def report(name="demo_rows", columns=CODE, regions=(), build=None) -> Report:
    return Report(name, "测试报表", CITE, columns, build or (lambda source: [("x",)]), regions)


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (report(name="DemoRows"), "snake_case"),
        (report(columns=()), "至少需要一列"),
        (report(columns=(Column("code", "代码"), Column("code", "代码二"))), "列名重复"),
        (report(columns=(Column("Code", "代码"),)), "列名 Code"),
        (report(columns=(Column("code", " "),)), "缺少表头"),
    ],
)
def test_an_unusable_report_stops_start_up_naming_the_problem(bad, why):
    with pytest.raises(CatalogError, match=why):
        Catalog([bad])


def test_two_reports_of_one_name_are_refused():
    with pytest.raises(CatalogError, match="重复"):
        Catalog([report(), report()])


def test_core_reports_are_always_there():
    assert {"collection_progress", "hardship_coverage", "payments_by_channel"} <= set(Catalog().reports)


def test_a_report_outside_its_regions_is_refused_and_outside_the_scope_is_null(engine):
    registry = load_registry()
    only_guichi = report(regions=("341702",))
    catalog = Catalog([only_guichi])
    with Session(engine) as session:
        args = ReportArgs("341702001", 2024, date(2024, 1, 1))
        assert catalog.run(session, Scope(path=None), registry, only_guichi, args).rows == [("x",)]
        # An ancestor overlaps (贵阳贵安 reports are asked at 520000 too); a sibling county does not.
        assert catalog.run(session, Scope(path=None), registry, only_guichi, ReportArgs("340000", 2024))
        with pytest.raises(InputError, match="不适用于 东至县"):
            catalog.run(session, Scope(path=None), registry, only_guichi, ReportArgs("341721", 2022))
        dongzhi = Scope.of(session, "341721")
        assert catalog.run(session, dongzhi, registry, only_guichi, args) is None
        assert (
            catalog.run(session, Scope(path=None), registry, only_guichi, ReportArgs("999999", 2024)) is None
        )


def test_values_are_presented_by_kind_and_id_numbers_masked_unless_the_caller_may_see_them(engine):
    registry = load_registry()
    columns = (
        Column("amount", "金额", Kind.MONEY),
        Column("rate", "比率", Kind.RATE),
        Column("id_number", "身份证号码", Kind.ID_NUMBER),
    )
    typed = report(columns=columns, build=lambda source: [(12345, 0.5, "341702198001010012")])
    catalog = Catalog([typed])
    with Session(engine) as session:
        args = ReportArgs("341702", 2024)
        [masked] = catalog.run(session, Scope(path=None), registry, typed, args).rows
        [whole] = catalog.run(session, Scope(path=None), registry, typed, args, sees_identity=True).rows
    assert str(masked[0]) == "123.45" and str(masked[1]) == "0.5"
    assert masked[2] == "3417**********0012" and whole[2] == "341702198001010012"
