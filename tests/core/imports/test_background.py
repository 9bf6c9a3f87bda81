"""A saved upload does not outlive the server importing it: it holds residents' ID numbers.

`yibao serve` is stopped (SIGTERM, as systemd or a container runtime stops it) while a large
roster import still runs in its background thread. The job stays RUNNING, to be resumed by
uploading the file again, but the server's copy of the file is gone from the temporary folder.
"""

from datetime import date, timedelta

import httpx2 as httpx

from tests.support.factories import id_number
from tests.support.serving import start
from tests.support.uploads import IMPORT_ROSTER, Upload, post_multipart
from yibao.core.auth import Principal, Role, issue
from yibao.core.db import make_engine

KEY = "background-test-signing-key-0123456789abcdef"
ROWS = 30_000  # seconds of importing: still running when the server is stopped


def roster() -> bytes:
    lines = ["姓名,身份证号码,类别"]
    lines += [
        f"居民{n},{id_number(born=date(1960, 1, 1) + timedelta(days=n // 500), seq=n % 500)},低保"
        for n in range(ROWS)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_a_stopped_server_leaves_no_saved_upload_behind(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    database = f"sqlite:///{tmp_path / 'yibao.db'}"
    env = {"YIBAO_DATABASE_URL": database, "YIBAO_JWT_KEY": KEY, "TMPDIR": str(temporary)}
    server, url = start(tmp_path, env)
    token = issue(KEY, Principal("admin", Role.COUNTY_ADMIN, "341721"))
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            variables = {
                "file": Upload("roster.csv", roster()),
                "source": "CIVIL_AFFAIRS",
                "asOf": "2023-08-31",
            }
            started = post_multipart(client, IMPORT_ROSTER, variables | {"region": "341721"}).json()
        assert started["data"]["importRoster"]["status"] == "RUNNING", started
        assert list(temporary.glob("yibao-import-*")), "the upload is saved while it is imported"
    finally:
        server.terminate()
        server.wait(timeout=30)

    engine = make_engine(database)
    with engine.connect() as connection:
        status, done = connection.exec_driver_sql("SELECT status, rows_done FROM import_job").one()
    engine.dispose()
    assert (status, done < ROWS) == ("RUNNING", True)  # stopped midway, as the test intends
    assert list(temporary.glob("yibao-import-*")) == []
