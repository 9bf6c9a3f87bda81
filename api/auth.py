"""Who is calling: the principal a request's bearer token names, for GraphQL and downloads alike."""

from yibao.core.audit import Actor
from yibao.core.auth import PUBLIC, AuthError, Principal, verify


def principal_of(key: str, headers) -> tuple[Principal, str | None]:
    """The caller a request's `Authorization: Bearer` header names, or the public and why not."""
    header = headers.get("authorization", "")
    if not header:
        return PUBLIC, None
    scheme, _, token = header.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token:
            raise AuthError("请使用 Bearer 令牌")
        return verify(key, token.strip()), None
    except AuthError as error:
        return PUBLIC, str(error)


def actor_of(principal: Principal) -> Actor:
    """Who the audit trail records for this caller."""
    return Actor(name=principal.name, role=str(principal.role), region_code=principal.region_code)
