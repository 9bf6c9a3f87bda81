"""Who is calling: the principal a request's bearer token names, for GraphQL and downloads alike."""

from yibao.core.audit import Actor
from yibao.core.auth import PUBLIC, AuthError, Principal, verify

# The code of a refusal because the token sent was not accepted (expired, forged, not a bearer
# token): the caller must sign in again. A token that is accepted but whose role or region may not
# do something is FORBIDDEN instead, and so is calling with no token at all.
UNAUTHENTICATED = "UNAUTHENTICATED"
NO_TOKEN = "请在 Authorization 请求头中提供 Bearer 令牌"


def principal_of(key: str, headers) -> tuple[Principal, AuthError | None]:
    """The caller a request's `Authorization: Bearer` header names, or the public and why not."""
    header = headers.get("authorization", "")
    if not header:
        return PUBLIC, None
    scheme, _, token = header.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError(f"令牌格式不对：{NO_TOKEN}", reason="NOT_BEARER")
        return verify(key, token.strip()), None
    except AuthError as error:
        return PUBLIC, error


def actor_of(principal: Principal) -> Actor:
    """Who the audit trail records for this caller."""
    return Actor(name=principal.name, role=str(principal.role), region_code=principal.region_code)
