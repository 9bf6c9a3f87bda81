"""One-time dashboard sign-in links (core/login_links.py): once, briefly, and only from the code."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from tests.support.tokens import TEST_KEY
from yibao.core.auth import Principal, Role, verify
from yibao.core.login_links import SESSION, create, digest, redeem
from yibao.core.models import AuditEvent, LoginLink

OFFICER = Principal("officer-wusha", Role.TOWNSHIP_OFFICER, "341702001")


def test_a_link_signs_in_once_as_its_principal_for_a_working_day(engine):
    code = create(engine, OFFICER)
    token = redeem(engine, TEST_KEY, code)
    assert verify(TEST_KEY, token) == OFFICER
    import jwt

    claims = jwt.decode(token, TEST_KEY, algorithms=["HS256"], issuer="yibao")
    assert claims["exp"] - claims["iat"] == SESSION.total_seconds()
    assert redeem(engine, TEST_KEY, code) is None  # used
    with Session(engine) as session:
        stored = session.exec(select(LoginLink)).one()
        assert stored.code_hash == digest(code) and code not in stored.model_dump_json()
        assert session.exec(
            select(AuditEvent).where(AuditEvent.action == "login_link.redeem")
        ).one().actor == ("officer-wusha")


def test_an_expired_or_unknown_code_signs_nobody_in(engine):
    code = create(engine, OFFICER, valid_for=timedelta(minutes=15))
    assert redeem(engine, TEST_KEY, code, now=datetime.now(UTC) + timedelta(minutes=16)) is None
    assert redeem(engine, TEST_KEY, code[:-1] + ("A" if code[-1] != "A" else "B")) is None
    assert redeem(engine, TEST_KEY, None) is None and redeem(engine, TEST_KEY, "x" * 1000) is None
    assert redeem(engine, TEST_KEY, code) is not None  # still unused, within its time


def test_two_browsers_racing_with_one_link_get_one_token(engine):
    code = create(engine, OFFICER)
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda _: redeem(engine, TEST_KEY, code), range(8)))
    assert sum(token is not None for token in tokens) == 1


def test_the_endpoint_answers_a_used_and_an_unknown_code_alike(app, engine):
    from starlette.testclient import TestClient

    code = create(engine, OFFICER)
    with TestClient(app) as web:
        first = web.post("/dashboard/login", json={"code": code})
        assert first.status_code == 200 and verify(TEST_KEY, first.json()["token"]) == OFFICER
        assert first.headers["cache-control"] == "no-store"
        again, unknown = (web.post("/dashboard/login", json={"code": c}) for c in (code, "n" * 43))
        assert again.status_code == unknown.status_code == 400 and again.json() == unknown.json()
        assert web.post("/dashboard/login", content=b"null").status_code == 400
