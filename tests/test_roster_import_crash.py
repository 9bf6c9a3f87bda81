"""`yibao roster import` killed (SIGKILL) midway leaves whole batches; running it again completes it.

On the real PostgreSQL server: the import runs as a subprocess with small batches and is killed
while it commits them. What is stored must then be exactly `rows_done` rows of results and the
identities of those rows — whole batches, none half-written — and a second run must end in the
very state a run that was never interrupted gives.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tests.support.factories import id_number
from yibao.core.db import make_engine
from yibao.core.migrate import upgrade
from yibao.core.models import Person

ROOT = Path(__file__).parents[1]
PEOPLE = 3000
BATCH = 20
MISNAMED = len(range(0, PEOPLE, 101))  # every 101st row names someone else
DUPLICATES = sum(1 for n in range(PEOPLE) if n % 499 == 7)  # rows repeated once
ROWS = PEOPLE + DUPLICATES


def fresh_database(admin, postgres_url: str, name: str) -> str:
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():  # the same persons, with the same ids, in each
        session.add_all(
            Person(
                name=f"居民{n}",
                id_number=number(n),
                birth_date=date(1960, 1, 1),
                gender="M",
                hukou_region_code="341721",
            )
            for n in range(PEOPLE)
        )
    engine.dispose()
    return url


def number(n: int) -> str:
    """Distinct valid ID numbers: three sequence digits hold 500 men, so the birth day moves on."""
    return id_number(born=date(1960, 1, 1 + n // 500), seq=n % 500)


def roster(tmp_path) -> str:
    lines = ["姓名,身份证号码,类别,认定日期"]
    for n in range(PEOPLE):
        name = f"居民{n}" if n % 101 else "别人"  # every 101st name differs: refused
        lines.append(f"{name},{number(n)},{'低保' if n % 2 else '特困'},2021-0{1 + n % 9}-15")
        if n % 499 == 7:  # a repeated row, refused as a duplicate
            lines.append(lines[-1])
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    return str(path)


def command(path: str, url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "yibao.api.cli", "roster", "import", path, "--source", "CIVIL_AFFAIRS"]
        + ["--as-of", "2021-09-30", "--region", "341721", "--batch-size", str(BATCH)],
        cwd=ROOT,
        env={**os.environ, "YIBAO_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def state(url: str) -> dict:
    engine = make_engine(url)
    with engine.connect() as connection:
        result = {
            "job": connection.execute(
                text("SELECT status, rows_total, rows_done, imported, unchanged, refused FROM import_job")
            ).all(),
            "rows": connection.execute(
                text("SELECT row_number, outcome, field, code, reason, id_number FROM import_row ORDER BY 1")
            ).all(),
            "facts": connection.execute(
                text(
                    "SELECT person_id, code, since, until, source, grade FROM category_fact "
                    "ORDER BY person_id, code"
                )
            ).all(),
        }
    engine.dispose()
    return result


def rows_done(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        done = connection.execute(text("SELECT coalesce(max(rows_done), 0) FROM import_job")).scalar()
    engine.dispose()
    return done


def test_a_killed_roster_import_leaves_whole_batches_and_resumes(postgres_url, tmp_path):
    admin = make_engine(postgres_url, isolation_level="AUTOCOMMIT")
    killed_url = fresh_database(admin, postgres_url, "yibao_roster_killed")
    clean_url = fresh_database(admin, postgres_url, "yibao_roster_clean")
    path = roster(tmp_path)
    try:
        clean = command(path, clean_url)
        out, err = clean.communicate(timeout=300)
        assert clean.returncode == 0, err.decode()
        assert "refused" in out.decode()
        expected = state(clean_url)
        (status, total, done, imported, _, refused) = expected["job"][0]
        assert (status, total, done) == ("DONE", ROWS, ROWS)
        assert (imported, refused) == (PEOPLE - MISNAMED, MISNAMED + DUPLICATES)

        victim = command(path, killed_url)
        deadline = time.monotonic() + 120
        while rows_done(killed_url) < PEOPLE // 4:
            assert victim.poll() is None, victim.communicate()[1].decode()
            assert time.monotonic() < deadline, "the import made no progress"
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=20)
        assert victim.returncode == -signal.SIGKILL

        cut = state(killed_url)
        (status, _, done, imported, unchanged, refused) = cut["job"][0]
        assert status == "RUNNING" and done < ROWS and done % BATCH == 0
        assert len(cut["rows"]) == done == imported + unchanged + refused
        assert len(cut["facts"]) == imported
        assert cut["rows"] == expected["rows"][:done]  # the same results for the rows done so far

        again = command(path, killed_url)
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, err.decode()
        assert state(killed_url) == expected
    finally:
        with admin.connect() as connection:
            for name in ("yibao_roster_killed", "yibao_roster_clean"):
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
