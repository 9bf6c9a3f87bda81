"""Loading targets and bases: from a file, the CLI and GraphQL; all or nothing; the report uses them."""

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from tests.support.cli import yibao
from tests.support.db_state import stored
from tests.support.graphql_client import gql
from yibao.core.audit import Actor
from yibao.core.errors import InputError
from yibao.core.models import Target
from yibao.core.plugins import load_registry
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.targets import TargetRow, load_targets, read_file

GUICHI = Actor("admin-341702", "COUNTY_ADMIN", "341702")
WUSHA, CHIYANG = "341702001", "341702002"  # 乌沙镇 (附件2: 36800), 池阳街道 (12100)


def targets(engine) -> dict:
    with Session(engine) as session:
        rows = session.exec(select(Target).order_by(Target.region_code, Target.kind)).all()
        return {(t.region_code, t.coverage_year, t.kind): t.headcount for t in rows}


def progress(engine):
    registry = load_registry()
    with Session(engine) as session:
        report = registry.reports.get("collection_progress")
        return registry.reports.run(session, Scope(path=None), registry, report, ReportArgs("341702", 2024))


def progress_targets(engine) -> dict:
    return {row[0]: row[2] for row in progress(engine).rows}


def test_a_loaded_target_replaces_the_notices_figure_for_that_town_only(engine):
    assert progress_targets(engine)[WUSHA] == 36800
    load_targets(engine, GUICHI, [TargetRow(WUSHA, 37000, "targets.0")], 2024, "TARGET", "区医保局调整")
    load_targets(engine, GUICHI, [TargetRow(WUSHA, 37100, "targets.0")], 2024, "TARGET", "再次调整")
    assert targets(engine) == {(WUSHA, 2024, "TARGET"): 37100}
    figures = progress_targets(engine)
    assert figures[WUSHA] == 37100 and figures[CHIYANG] == 12100
    # The total's target sums the towns; 附件2's printed 510,000 stays beside it with the difference.
    total = progress(engine).dicts()[-1]
    assert (total["target"], total["stated_target"], total["target_difference"]) == (510300, 510000, -300)


@pytest.mark.parametrize(
    ("rows", "field", "code"),
    [
        (
            [TargetRow(WUSHA, 10, "targets.0"), TargetRow("341702999", 5, "targets.1")],
            "targets.1.regionCode",
            "NOT_FOUND",
        ),
        ([TargetRow(WUSHA, -1, "targets.0")], "targets.0.headcount", "INVALID"),
        (
            [TargetRow(WUSHA, 1, "targets.0"), TargetRow(WUSHA, 2, "targets.1")],
            "targets.1.regionCode",
            "DUPLICATE",
        ),
        ([TargetRow("341721", 1, "targets.0")], "targets.0.regionCode", "FORBIDDEN"),  # 东至县: not Guichi's
    ],
)
def test_one_bad_row_refuses_the_whole_load_and_nothing_changes(engine, rows, field, code):
    load_targets(engine, GUICHI, [TargetRow(CHIYANG, 12000, "targets.0")], 2024, "TARGET", "first")
    before = stored(engine)
    with pytest.raises(InputError) as refused:
        load_targets(engine, GUICHI, rows, 2024, "TARGET", "bad")
    assert (field, code) in [(e.field, str(e.code)) for e in refused.value.errors]
    assert stored(engine) == before


def test_a_file_with_a_title_line_and_chinese_headings_is_read(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["兴义镇2022年度城乡居民医保应参保人数分解表"])
    sheet.append(["地区代码", "村（社区）", "户籍人数"])
    sheet.append(["500230001001", "一村", 1520])
    sheet.append(["500230001002", "二村", "980"])
    path = tmp_path / "附件1.xlsx"
    book.save(path)
    assert [(r.region_code, r.headcount) for r in read_file(path)] == [
        ("500230001001", 1520),
        ("500230001002", 980),
    ]


def test_the_cli_loads_a_csv_and_the_report_command_exports_it(tmp_path):
    env = {"YIBAO_DATABASE_URL": ""}
    assert yibao("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    (tmp_path / "targets.csv").write_text("地区代码,任务数\n341702001,40000\n", encoding="utf-8")
    loaded = yibao("targets", "load", "targets.csv", "--year", "2024", cwd=tmp_path, env=env)
    assert loaded.returncode == 0, loaded.stderr
    out = tmp_path / "进度.xlsx"
    run = yibao(
        "report",
        "run",
        "collection_progress",
        "--region",
        "341702",
        "--year",
        "2024",
        "-o",
        str(out),
        cwd=tmp_path,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["代码", "单位", "2024年任务数"]
    assert (sheet["A2"].value, sheet["C2"].value) == ("341702001", 40000)
    fresh = {"YIBAO_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    bad = yibao("targets", "load", "targets.csv", "--year", "2024", "--kind", "BASE", cwd=tmp_path, env=fresh)
    assert bad.returncode != 0 and "yibao db upgrade" in bad.stderr


def test_load_targets_over_graphql_answers_typed_errors(client):
    mutation = """mutation($input: LoadTargetsInput!) { loadTargets(input: $input) {
        __typename ... on LoadedTargets { count kind } ... on InputErrors { errors { field code } } } }"""
    ok = gql(
        client,
        mutation,
        input={
            "coverageYear": 2024,
            "kind": "BASE",
            "source": "2023年征收基数",
            "targets": [{"regionCode": WUSHA, "headcount": 35000}],
        },
    )["loadTargets"]
    assert ok == {"__typename": "LoadedTargets", "count": 1, "kind": "BASE"}
    refused = gql(
        client,
        mutation,
        input={"coverageYear": 2024, "source": "x", "targets": [{"regionCode": "999999", "headcount": 1}]},
    )["loadTargets"]
    assert refused["errors"] == [{"field": "targets.0.regionCode", "code": "NOT_FOUND"}]
