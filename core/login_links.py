"""One-time login links: `yibao token issue --login-url` prints a link that signs one browser in.

Why and how (the attack analysis is in docs/security.md, "Dashboard sign-in"):

- Only the server's administrator makes links (the command reads the database and the signing
  key); no HTTP endpoint mints one, so a token holder cannot make links for anyone, itself included.
- The code is 32 random bytes (256 bits) carried in the link's fragment (`/dashboard#login=…`),
  which browsers never send: it does not reach access logs, proxies or a Referer. The page strips
  it from the address bar and history before redeeming it.
- Only the code's SHA-256 is stored; a copy of the table signs nobody in.
- Redeeming is one compare-and-set UPDATE (`used_at IS NULL AND expires_at > now`): of two
  browsers racing with the same link, one wins; a link is dead after `valid_for` (15 minutes by
  default) whether used or not.
- It yields an ordinary bearer token for the same name, role, region and department, living
  `SESSION` (12 hours, a working day) rather than the 30 days of a token handed to a client.
- Every redemption writes an audit event (`login_link.redeem`) under the signed-in name.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from .audit import Actor, record
from .auth import Principal, Role, issue
from .db import transaction
from .models import LoginLink

VALID_FOR = timedelta(minutes=15)
SESSION = timedelta(hours=12)


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def create(engine: Engine, principal: Principal, valid_for: timedelta = VALID_FOR) -> str:
    """Stores a link for `principal` and returns its code (shown once, never stored)."""
    code = secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        session.add(
            LoginLink(
                code_hash=digest(code),
                name=principal.name,
                role=str(principal.role),
                region_code=principal.region_code,
                department=principal.department,
                expires_at=datetime.now(UTC) + valid_for,
            )
        )
    return code


def redeem(engine: Engine, key: str, code: str, now: datetime | None = None) -> str | None:
    """A bearer token for the link's principal, once; None for an unknown, used or expired code."""
    if not isinstance(code, str) or not 20 <= len(code) <= 100:
        return None
    now = now or datetime.now(UTC)
    table = LoginLink.__table__
    claim = (
        update(table)
        .where(table.c.code_hash == digest(code), table.c.used_at.is_(None), table.c.expires_at > now)
        .values(used_at=now)
        .returning(table.c.name, table.c.role, table.c.region_code, table.c.department)
    )
    with transaction(engine) as session:
        found = session.execute(claim).first()
        if found is None:
            return None
        name, role, region_code, department = found
        principal = Principal(name, Role(role), region_code, department)
        link = session.get(LoginLink, digest(code))
        record(session, Actor(name, role, region_code), "login_link.redeem", link)
    return issue(key, principal, SESSION)
