"""Who is calling: signed bearer tokens carrying a role and a region scope.

Tokens are HS256 JWTs signed with a key from configuration: `YIBAO_JWT_KEY`, or the file
named by `YIBAO_JWT_KEY_FILE`. The embedded SQLite store may run without configuration:
a random key is then kept in `yibao.key` next to the database file. A PostgreSQL
deployment must configure its key.
"""

import secrets
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


class Role(StrEnum):
    VILLAGE_CLERK = "VILLAGE_CLERK"  # 村（社区）协办员: registers and collects in one village
    TOWNSHIP_OFFICER = "TOWNSHIP_OFFICER"  # 乡镇经办: watches and corrects a township
    COUNTY_ADMIN = "COUNTY_ADMIN"  # 县医保局: administers a county, issues tokens
    ROSTER_UPLOADER = "ROSTER_UPLOADER"  # a department's roster clerk: its own categories only
    TAX_INTEGRATOR = "TAX_INTEGRATOR"  # the tax system: entity reads and payment confirmations
    AUDITOR = "AUDITOR"  # read-only, including the audit trail
    PUBLIC = "PUBLIC"  # no token: policies and quotes only


class AuthError(Exception):
    """The token is missing a part, expired, forged or names an unknown role."""


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    region_code: str | None = None  # None only for PUBLIC
    department: str | None = None  # ROSTER_UPLOADER only


PUBLIC = Principal(name="public", role=Role.PUBLIC)


def issue(key: str, principal: Principal, valid_for: timedelta = timedelta(days=30)) -> str:
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
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify(key: str, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "sub"]}
        )
        role = Role(claims["role"])
    except (jwt.PyJWTError, KeyError, ValueError) as error:
        raise AuthError(f"令牌无效（invalid token: {error}）") from None
    if role is Role.PUBLIC or not claims.get("region"):
        raise AuthError("令牌缺少角色或地区（token without role or region）")
    return Principal(claims["sub"][:64], role, claims["region"], claims.get("dept"))


def configured_key() -> str | None:
    configured = settings()
    if configured.jwt_key:
        return configured.jwt_key
    if configured.jwt_key_file:
        return Path(configured.jwt_key_file).read_text(encoding="utf-8").strip()
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
    return path.read_text(encoding="utf-8").strip()
