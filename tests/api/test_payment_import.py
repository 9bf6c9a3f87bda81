"""Batch payments through the `yibao payments import` command and the `importPayments` upload."""

import csv
import os
import subprocess
import sys
from pathlib import Path

from tests.support.payment_rosters import CHILD, FATHER, POLICY, VILLAGE, ledger, register, write
from tests.support.uploads import IMPORT_PAYMENTS


def yibao(engine, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    parameters = cwd / "parameters.toml"  # the deployment's figures 35号 leaves to other rules
    parameters.write_text(f'["{POLICY}"]\n"refund.MINIMUM_LIVING" = "200.00"\n', encoding="utf-8")
    env = {
        **os.environ,
        "YIBAO_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "YIBAO_PARAMETERS": str(parameters),
    }
    command = [sys.executable, "-m", "yibao.api.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_command_imports_a_village_roster_and_reports_every_row(engine, tmp_path):
    register(engine)
    path = write(tmp_path / "释之街道缴费清册.csv")
    command = ("payments", "import", str(path), "--policy", POLICY, "--region", VILLAGE)

    result = yibao(engine, *command, "--report", str(tmp_path / "report.csv"), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "job 1 DONE: 10/10 rows, imported 3, unchanged 0, refused 7"
    assert lines[1] == "refused rows:"
    assert lines[2].startswith("  row 4\tamount\tMISMATCH\t应缴 320.00 元")
    assert "10/10 100.0%  refused 7" in result.stderr  # the progress bar
    with (tmp_path / "report.csv").open(encoding="utf-8-sig") as handle:
        report = list(csv.DictReader(handle))
    assert [(r["row"], r["outcome"]) for r in report][:3] == [
        ("2", "IMPORTED"),
        ("3", "IMPORTED"),
        ("4", "REFUSED"),
    ]
    assert report[0]["idNumber"] == FATHER and report[0]["reason"] == "receipt 411322-2022-00000001"
    paid = ledger(engine)
    assert [row[-1] for row in paid] == [f"411322-2022-0000000{i}" for i in (1, 2, 3)]

    again = yibao(engine, *command, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == lines[0]  # the same job, unchanged
    assert ledger(engine) == paid


def test_the_command_refuses_a_channel_the_notice_does_not_name(engine, tmp_path):
    path = write(tmp_path / "清册.csv")
    result = yibao(
        engine, "payments", "import", str(path), "--policy", POLICY, "--region", VILLAGE,
        "--channel", "WANSHITONG", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode != 0
    assert "channel: 缴费渠道 WANSHITONG 不适用于政策 henan/411322/2022" in result.stderr


PAYMENTS = "{ payments(coverageYear: 2022) { nodes { amount channel receiptNumber enrolment { status } } } }"


def henan_client(engine, role: str, region: str):
    from starlette.testclient import TestClient

    from tests.support.payment_rosters import rules
    from tests.support.tokens import TEST_KEY, bearer
    from yibao.api.app import create_app

    return TestClient(create_app(engine, rules(), key=TEST_KEY), headers=bearer(role, region))


def upload(client, content: bytes, **variables) -> dict:
    from tests.support.uploads import Upload, post_multipart

    defaults = {"file": Upload("释之街道缴费清册.csv", content), "policyId": POLICY, "regionCode": VILLAGE}
    response = post_multipart(client, IMPORT_PAYMENTS, defaults | variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]["importPayments"]


def test_a_village_clerk_uploads_the_roster_and_follows_the_job(engine, tmp_path):
    from tests.support.graphql_client import gql
    from tests.support.uploads import IMPORT_JOB, until_done

    register(engine)
    content = write(tmp_path / "清册.csv").read_bytes()
    with henan_client(engine, "VILLAGE_CLERK", VILLAGE) as clerk:
        started = upload(clerk, content)
        assert started["__typename"] == "ImportJob", started
        assert (started["kind"], started["regionCode"], started["rowsTotal"]) == ("PAYMENTS", VILLAGE, 10)
        job = until_done(clerk, started["id"], outcome="REFUSED")
        assert (job["imported"], job["unchanged"], job["refused"]) == (3, 0, 7)
        assert job["rows"]["nodes"] == [
            {
                "rowNumber": 4,
                "outcome": "REFUSED",
                "field": "amount",
                "code": "MISMATCH",
                "reason": "应缴 320.00 元",
                "idNumber": CHILD,
            },
            {
                "rowNumber": 6,
                "outcome": "REFUSED",
                "field": "paidOn",
                "code": "INVALID",
                "reason": job["rows"]["nodes"][1]["reason"],
                "idNumber": job["rows"]["nodes"][1]["idNumber"],
            },
        ]
        assert job["rows"]["nodes"][1]["reason"].startswith("该日期不能缴费")
        paid = gql(clerk, PAYMENTS)["payments"]["nodes"]
        assert sorted(p["receiptNumber"] for p in paid) == [f"411322-2022-0000000{i}" for i in (1, 2, 3)]
        assert {(p["amount"], p["enrolment"]["status"]) for p in paid} == {("320.00", "PAID")}

        again = upload(clerk, content)  # the same file: the same job, nothing recorded twice
        assert again["id"] == started["id"] and again["status"] == "DONE"
        assert len(gql(clerk, PAYMENTS)["payments"]["nodes"]) == 3
        auditor = gql(
            henan_client(engine, "AUDITOR", "411322"), IMPORT_JOB, id=started["id"], outcome="IMPORTED"
        )["importJob"]
        assert auditor["rows"]["nodes"][0]["idNumber"].count("*") > 0  # masked for the auditor


def test_an_upload_for_another_township_or_policy_is_refused_storing_nothing(engine, tmp_path):
    from tests.support.db_state import stored

    register(engine)
    content = write(tmp_path / "清册.csv").read_bytes()
    before = stored(engine)
    with henan_client(engine, "VILLAGE_CLERK", "411322002") as elsewhere:  # 凤瑞街道's clerk
        refused = upload(elsewhere, content)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("regionCode", "FORBIDDEN")]
    with henan_client(engine, "COUNTY_ADMIN", "411322") as admin:
        refused = upload(admin, content, policyId="anhui/341721/2022")
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [("policyId", "MISMATCH")]
        refused = upload(admin, content, channel="WANSHITONG")
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [("channel", "INVALID")]
    assert stored(engine) == before
