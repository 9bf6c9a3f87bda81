"""The `yibao` command as a user runs it: in a fresh directory, with no configuration."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.cli import yibao
from tests.support.registry import others
from tests.support.serving import serving

README = Path(__file__).parents[1] / "README.md"
OWN_POLICIES = {
    "anhui/341721/2022",
    "anhui/341702/2024",
    "henan/411322/2022",
    "chongqing/500230/2022",
    "guizhou/520100/2022",
}


def test_db_upgrade_creates_the_sqlite_file_in_the_working_directory(tmp_path):
    result = yibao("db", "upgrade", cwd=tmp_path, env={"YIBAO_DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "yibao.db").stat().st_size > 0


def test_db_upgrade_honours_the_database_url(tmp_path):
    target = tmp_path / "elsewhere.db"
    result = yibao("db", "upgrade", cwd=tmp_path, env={"YIBAO_DATABASE_URL": f"sqlite:///{target}"})
    assert result.returncode == 0, result.stderr
    assert target.exists() and not (tmp_path / "yibao.db").exists()


def test_plugins_lists_what_is_loaded(tmp_path):
    result = yibao("plugins", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) >= {"anhui", "chongqing", "guizhou", "henan"}


def test_serve_refuses_postgresql_without_a_signing_key(tmp_path):
    url = "postgresql://yibao@127.0.0.1:9/yibao"  # never reached: the key is checked first
    result = yibao("serve", cwd=tmp_path, env={"YIBAO_DATABASE_URL": url, "YIBAO_JWT_KEY": ""})
    assert result.returncode != 0 and "YIBAO_JWT_KEY" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "VILLAGE_CLERK", "--region", "999999"], "999999"),
        (["--role", "ROSTER_UPLOADER", "--region", "341721"], "--department"),
        (["--role", "ROSTER_UPLOADER", "--region", "341721", "--department", "POLICE"], "POLICE"),
    ],
)
def test_token_issue_refuses_what_it_cannot_vouch_for(tmp_path, args, message):
    assert yibao("db", "upgrade", cwd=tmp_path, env={"YIBAO_DATABASE_URL": ""}).returncode == 0
    result = yibao("token", "issue", *args, cwd=tmp_path, env={"YIBAO_DATABASE_URL": ""})
    assert result.returncode != 0 and message in result.stderr


def test_policy_list_names_each_policy_with_its_documents(tmp_path):
    result = yibao("policy", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "chongqing/500230/2022\t丰都县\t2022\t兴义府发〔2022〕3号、渝医保发〔2021〕70号" in result.stdout
    assert len({line.split("\t")[0] for line in result.stdout.splitlines()} & OWN_POLICIES) == 5


def test_policy_diff_shows_dongzhi_to_guichi_with_clauses_on_both_sides(tmp_path):
    result = yibao("policy", "diff", "anhui/341721/2022", "anhui/341702/2024", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "CHANGED  tier.1.personal" in text
    assert "320.00 [东政办〔2021〕6号 二]\n       → 380.00 [贵医保组〔2023〕1号 三]" in text
    assert re.search(r"ADDED +grant\.AGE_80_PLUS.*\n +—\n +→ 200\.00.*\[贵医保组〔2023〕1号 三5\]", text)
    assert re.search(r"ADDED +grant\.AGE_100_PLUS.*\n +—\n +→ 全额.*\[贵医保组〔2023〕1号 三1\]", text)


def test_policy_diff_of_an_unknown_policy_says_which(tmp_path):
    result = yibao("policy", "diff", "anhui/341721/2022", "anhui/341721/2023", cwd=tmp_path)
    assert result.returncode != 0 and "没有政策 anhui/341721/2023" in result.stderr


def test_schema_export_writes_the_committed_sdl(tmp_path):
    env = {"YIBAO_DISABLE_PLUGINS": ",".join(others())}  # the SDL is yibao's own plugins' schema
    result = yibao("schema", "export", str(tmp_path / "out.graphql"), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    committed = (README.parent / "api" / "schema.graphql").read_text(encoding="utf-8")
    assert (tmp_path / "out.graphql").read_text(encoding="utf-8") == committed


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    reader, writer = os.pipe()
    os.close(reader)  # nobody will read: the first write fails with EPIPE
    try:
        result = subprocess.run(
            [sys.executable, "-m", "yibao.api.cli", "schema", "export"],
            cwd=tmp_path,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert result.returncode == 1 and result.stderr == ""  # no traceback, no `Exception ignored`


def test_an_import_that_refuses_every_row_exits_non_zero(tmp_path):
    env = {"YIBAO_DATABASE_URL": ""}
    assert yibao("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "姓名,身份证号码,类别,认定日期\n无名,341721000000000000,低保,2021-06-01\n", encoding="utf-8"
    )
    args = ("--source", "CIVIL_AFFAIRS", "--as-of", "2021-09-30", "--region", "341721")
    result = yibao("roster", "import", str(roster), *args, cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "refused 1" in result.stdout and "yibao: roster.csv 的每一行都被拒绝" in result.stderr


def test_a_misused_command_line_shows_the_usage_and_exits_2(tmp_path):
    result = yibao("roster", "import", "x.csv", cwd=tmp_path)
    assert result.returncode == 2 and "Usage: yibao roster import" in result.stderr


def _readme_examples() -> list[str]:
    examples = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(examples) == 3, "README.md should show the household, the quote and the report examples"
    return examples


@pytest.fixture
def served(tmp_path):
    with serving(tmp_path, {"YIBAO_DATABASE_URL": ""}) as url:
        yield url


def test_serve_with_two_worker_processes_answers(tmp_path):
    _, quote, _ = _readme_examples()
    with serving(tmp_path, {"YIBAO_DATABASE_URL": ""}, "--workers", "2") as url:
        answers = [_post(url, quote)["quote"]["amountDue"] for _ in range(4)]
    assert answers == ["30.00"] * 4


def _post(url: str, query: str, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(
        f"{url}/graphql", data=json.dumps({"query": query}).encode(), headers=headers
    )
    body = json.loads(urllib.request.urlopen(request, timeout=10).read())
    assert "errors" not in body, body
    return body["data"]


def test_the_readme_examples_work_against_a_fresh_server(served, tmp_path):
    register, quote, report = _readme_examples()
    command = re.search(r"TOKEN=\$\(\.venv/bin/yibao (.*?)\)", README.read_text(encoding="utf-8")).group(1)
    issued = yibao(*command.split(), cwd=tmp_path, env={"YIBAO_DATABASE_URL": ""})
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()

    with pytest.raises(AssertionError, match="FORBIDDEN"):
        _post(served, register)  # no token: refused
    household = _post(served, register, token)["registerHousehold"]
    assert household["__typename"] == "Household"
    assert household["head"]["birthDate"] == "1975-03-09"
    assert (tmp_path / "yibao.db").exists()

    answer = _post(served, quote)["quote"]
    assert (answer["amountDue"], answer["subsidy"], answer["coverageStart"]) == (
        "30.00",
        "290.00",
        "2022-01-01",
    )
    assert "东政办〔2021〕6号 四（三）1" in [step["citation"] for step in answer["explanation"]]

    guichi = yibao(
        "token",
        "issue",
        "--role",
        "AUDITOR",
        "--region",
        "341702",
        cwd=tmp_path,
        env={"YIBAO_DATABASE_URL": ""},
    )
    progress = _post(served, report, guichi.stdout.strip())["reports"]["collectionProgress"]
    assert {"key": "target", "heading": "2024年任务数"} in progress["columns"]
    assert progress["rows"][-1] == {
        "unitName": "合计",
        "target": 510000,
        "paid": 0,
        "registeredUnpaid": 0,
        "amount": "0.00",
        "rate": "0.0000",
        "statedTarget": 510000,  # 附件2 prints 贵池区 510,000: its towns sum to it
        "targetDifference": 0,
    }
