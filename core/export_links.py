"""Download links: a short-lived signed URL for one export, so a browser can download from a link.

A browser cannot send an `Authorization` header with a plain `<a href>`, so `exportLink` signs the
caller's principal together with the one URL it may fetch, for five minutes. The signature is a
JWT under a key derived from the server's signing key (HMAC with a label), never the key itself,
so a link's signature is not a bearer token and a bearer token is not a link's signature. What a
link downloads is checked at download as if the signer had asked: the same role, region scope and
access log (api/http/exports.py). A link is bound to its path and query: changing the region, the
year or the format breaks it.

Within its five minutes a link may be fetched again (a browser retrying a download does that); it
carries nothing the signer could not download with their own token.
"""

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

from .auth import AuthError, Principal, issue, verify
from .errors import ErrorCode, InputError

LINK_LIFETIME = timedelta(minutes=5)
SIGNATURE = "signature"  # the query parameter that carries it
EXPORTS = "/exports/"


def _link_key(key: str) -> str:
    return hmac.new(key.encode("utf-8"), b"yibao export link", hashlib.sha256).hexdigest()


def canonical(path: str, pairs: list[tuple[str, str]]) -> str:
    """The URL a link is bound to: its path and its query without the signature, in order."""
    query = urlencode([(name, value) for name, value in pairs if name != SIGNATURE])
    return f"{path}?{query}" if query else path


def target_of(url: str) -> str:
    """The canonical export URL a client asks to sign, or the refusal naming `path`."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith(EXPORTS) or ".." in parts.path:
        raise InputError.one("path", ErrorCode.INVALID, f"只能为 {EXPORTS} 下的导出生成下载链接")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == SIGNATURE for name, _ in pairs):
        raise InputError.one("path", ErrorCode.INVALID, "链接已带签名")
    return canonical(parts.path, pairs)


def sign(
    key: str, principal: Principal, url: str, covers: Callable[[str], bool], now: datetime | None = None
) -> tuple[str, datetime]:
    """The signed URL for `url` (a path under /exports/ with its query), and when it expires.
    A region the signer does not cover is refused now, as the download would refuse it, and alike
    for a region that does not exist."""
    target = target_of(url)
    region = dict(parse_qsl(urlsplit(target).query)).get("regionCode", "")
    if not covers(region):
        raise InputError.one("path", ErrorCode.NOT_FOUND, f"行政区划 {region} 不存在或不在您的管辖范围")
    token = issue(_link_key(key), principal, LINK_LIFETIME, url=target)
    expires = (now or datetime.now(UTC)) + LINK_LIFETIME
    return f"{target}{'&' if '?' in target else '?'}{SIGNATURE}={token}", expires


def principal_of_link(key: str, token: str, path: str, pairs: list[tuple[str, str]]) -> Principal:
    """Who signed the link the request carries, if the link is for this very URL and still valid."""
    principal = verify(_link_key(key), token)
    bound = jwt.decode(token, options={"verify_signature": False}).get("url")  # verified just above
    if bound != canonical(path, pairs):
        raise AuthError("下载链接与所请求的导出不符，请重新生成", reason="INVALID")
    return principal
