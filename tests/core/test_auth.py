"""Tokens: what they carry, what makes them invalid, and where the signing key comes from."""

import stat
import time
from datetime import datetime, timedelta

import jwt
import pytest
from sqlalchemy.engine import make_url

from yibao.core import auth
from yibao.core.auth import AuthError, Principal, Role, issue, signing_key, verify

KEY = "k" * 40
CLERK = Principal("clerk-041", Role.VILLAGE_CLERK, "341721")


def test_a_token_carries_name_role_region_and_department():
    uploader = Principal("民政-01", Role.ROSTER_UPLOADER, "341721", "CIVIL_AFFAIRS")
    assert verify(KEY, issue(KEY, uploader)) == uploader
    assert verify(KEY, issue(KEY, CLERK)) == CLERK


@pytest.mark.parametrize(
    "token",
    [
        issue("another key entirely, forty characters..", CLERK),
        issue(KEY, CLERK, valid_for=timedelta(seconds=-1)),
        issue(KEY, Principal("x", Role.PUBLIC, "341721")),
        issue(KEY, Principal("x", Role.VILLAGE_CLERK, None)),
        "not.a.token",
    ],
    ids=["wrong key", "expired", "public role", "no region", "garbage"],
)
def test_invalid_tokens_are_refused(token):
    with pytest.raises(AuthError):
        verify(KEY, token)


def test_a_token_verified_before_is_refused_once_it_expires(monkeypatch):
    """verify keeps the tokens it accepted (core/auth.py): a kept one still expires at its `exp`,
    and one signed with another key is not found under this one."""
    token = issue(KEY, CLERK, valid_for=timedelta(seconds=30))
    assert verify(KEY, token) == CLERK
    assert verify(KEY, token) == CLERK  # kept
    with pytest.raises(AuthError):
        verify("another key entirely, forty characters..", token)
    later = time.time() + 31

    class Later(datetime):  # PyJWT's clock, half a minute on
        @classmethod
        def now(cls, tz=None):
            return datetime.fromtimestamp(later, tz)

    monkeypatch.setattr(auth.time, "time", lambda: later)
    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)
    with pytest.raises(AuthError) as refused:
        verify(KEY, token)
    assert refused.value.reason == "EXPIRED"


def test_postgresql_needs_a_configured_key(monkeypatch):
    monkeypatch.delenv("YIBAO_JWT_KEY", raising=False)
    monkeypatch.delenv("YIBAO_JWT_KEY_FILE", raising=False)
    with pytest.raises(AuthError, match="YIBAO_JWT_KEY"):
        signing_key(make_url("postgresql+psycopg://u@h/db"))
    monkeypatch.setenv("YIBAO_JWT_KEY", KEY)
    assert signing_key(make_url("postgresql+psycopg://u@h/db")) == KEY


def test_the_embedded_store_keeps_a_private_key_next_to_its_database(monkeypatch, tmp_path):
    monkeypatch.delenv("YIBAO_JWT_KEY", raising=False)
    monkeypatch.delenv("YIBAO_JWT_KEY_FILE", raising=False)
    url = make_url(f"sqlite:///{tmp_path / 'yibao.db'}")
    first = signing_key(url)
    assert len(first) >= 40 and signing_key(url) == first
    assert stat.S_IMODE((tmp_path / "yibao.key").stat().st_mode) == 0o600
