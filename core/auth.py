"""Who is calling: signed bearer tokens carrying a role and a region scope.

Tokens are HS256 JWTs signed with a key from configuration: `YIBAO_JWT_KEY`, or the file
named by `YIBAO_JWT_KEY_FILE`. The embedded SQLite store may run without configuration:
a random key is then kept in `yibao.key` next to the database file. A PostgreSQL
deployment must configure its key.

A key shorter than 32 bytes is refused wherever one is used: HS256 is an HMAC over SHA-256,
and a shorter key is weaker than the hash (RFC 7518 3.2 asks for at least 256 bits). A token
lives at most 90 days, and a token claiming longer (or not saying when it was issued) is
refused even with a valid signature, so a leaked token stops working within a quarter.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import jwt
from sqlalchemy.engine import URL

from .settings import settings

KEY_VARIABLE = "YIBAO_JWT_KEY"
KEY_FILE_VARIABLE = "YIBAO_JWT_KEY_FILE"
ALGORITHM = "HS256"
ISSUER = "yibao"
MIN_KEY_BYTES = 32
MAX_TOKEN_LIFETIME = timedelta(days=90)


class Role(StrEnum):
    VILLAGE_CLERK = "VILLAGE_CLERK"  # 村（社区）协办员: registers and collects in one village
    TOWNSHIP_OFFICER = "TOWNSHIP_OFFICER"  # 乡镇经办: watches and corrects a township
    COUNTY_ADMIN = "COUNTY_ADMIN"  # 县医保局: administers a county, issues tokens
    ROSTER_UPLOADER = "ROSTER_UPLOADER"  # a department's roster clerk: its own categories only
    TAX_INTEGRATOR = "TAX_INTEGRATOR"  # the tax system: entity reads and payment confirmations
    AUDITOR = "AUDITOR"  # read-only, including the audit trail
    GATEWAY = "GATEWAY"  # a federation gateway's own credential: the subgraph's SDL (`_service`), no data
    PUBLIC = "PUBLIC"  # no token: policies and quotes only


class AuthError(Exception):
    """The token is missing a part, expired, forged or names an unknown role; or a key is too
    short. The message is for people (Chinese); `reason` is a stable code for programs."""

    def __init__(self, message: str, reason: str = "INVALID"):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    region_code: str | None = None  # None only for PUBLIC
    department: str | None = None  # ROSTER_UPLOADER only


PUBLIC = Principal(name="public", role=Role.PUBLIC)


def checked_key(key: str) -> str:
    """The key, if it is long enough to sign with."""
    if len(key.encode("utf-8")) < MIN_KEY_BYTES:
        raise AuthError(f"签名密钥太短：至少 {MIN_KEY_BYTES} 字节", reason="KEY_TOO_SHORT")
    return key


def issue(key: str, principal: Principal, valid_for: timedelta = timedelta(days=30), **extra: str) -> str:
    """A signed token naming `principal`; `extra` claims ride along (a download link's URL)."""
    if valid_for > MAX_TOKEN_LIFETIME:
        raise AuthError(f"令牌有效期不能超过 {MAX_TOKEN_LIFETIME.days} 天", reason="TOO_LONG_LIVED")
    checked_key(key)
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": principal.name,
        "role": str(principal.role),
        "region": principal.region_code,
        "iat": now,
        "exp": now + valid_for,
    }
    if principal.department:
        claims["dept"] = principal.department
    return jwt.encode(claims | extra, key, algorithm=ALGORITHM)


# Tokens verified by this process, by key and token: the principal and the token's `exp`. A token
# is stateless — nothing revokes it but its expiry — so a token verified once names the same
# principal until then; a hit is checked against `exp` exactly as PyJWT checks it (expired once
# `exp <= now`). Only accepted tokens are kept (a refusal is verified again, with its reason), and
# the whole table is dropped when full, so a flood of distinct tokens costs memory only up to it.
_VERIFIED: dict[tuple[str, str], tuple[Principal, int]] = {}
_VERIFIED_MAX = 4096


def verify(key: str, token: str) -> Principal:
    """The principal a token names. The HS256 check and the claims' parsing cost a request about
    0.15 ms; a client sends the same token with every request, so it is done once per token."""
    checked_key(key)
    found = _VERIFIED.get((key, token))
    if found is not None:
        principal, expires = found
        if expires > time.time():
            return principal
        _VERIFIED.pop((key, token), None)  # then refused as expired below, with its reason
    principal, expires = _verified(key, token)
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[(key, token)] = (principal, expires)
    return principal


def _verified(key: str, token: str) -> tuple[Principal, int]:
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "iat", "sub"]}
        )
        role = Role(_text(claims, "role"))
        region, department = _text(claims, "region"), _text(claims, "dept", required=False)
    except jwt.ExpiredSignatureError:
        raise AuthError("令牌已过期，请重新签发", reason="EXPIRED") from None
    except (jwt.PyJWTError, KeyError, ValueError):
        # Forged, signed with another key, cut short, or with claims `issue` never writes; which
        # one is the sender's problem to find, and naming it would help a forger more than a clerk.
        raise AuthError("令牌无效，请使用签发的令牌", reason="INVALID") from None
    if claims["exp"] - claims["iat"] > MAX_TOKEN_LIFETIME.total_seconds():
        raise AuthError(f"令牌无效：有效期超过 {MAX_TOKEN_LIFETIME.days} 天", reason="TOO_LONG_LIVED")
    if role is Role.PUBLIC or not region:
        raise AuthError("令牌无效：缺少角色或地区", reason="INVALID")
    return Principal(claims["sub"][:64], role, region, department), int(claims["exp"])


def _text(claims: dict, name: str, required: bool = True) -> str | None:
    """A claim that must be text: a list or an object where a region code belongs is a forgery or
    a bug, and must not reach a query as one."""
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ValueError(f"claim {name!r} must be a string")
    return value


def configured_key() -> str | None:
    configured = settings()
    if configured.jwt_key:
        return checked_key(configured.jwt_key)
    if configured.jwt_key_file:
        return checked_key(Path(configured.jwt_key_file).read_text(encoding="utf-8").strip())
    return None


def signing_key(url: URL) -> str:
    """The configured key; for an embedded SQLite database, one kept next to it if none is."""
    if key := configured_key():
        return key
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise AuthError(f"生产数据库必须配置签名密钥：设置 {KEY_VARIABLE} 或 {KEY_FILE_VARIABLE}")
    path = Path(url.database).resolve().with_name("yibao.key")
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return checked_key(path.read_text(encoding="utf-8").strip())
