"""Cross-origin requests: which browser apps, served from other origins, may call the API.

A front end served from its own origin (a dev server on another port, the office's intranet
site) calls `/graphql` and `/exports/…` with `fetch`, sending `Authorization` and
`Content-Type: application/json` — which makes the browser ask first (a preflight `OPTIONS`).
Only the origins named in `YIBAO_CORS_ORIGINS` are answered; none by default, so a page on
another origin can call nothing until a deployment names it. Credentials are allowed (a page
may send cookies or HTTP authentication with `credentials: 'include'`); tokens still travel as
`Authorization: Bearer …`, which a page must hold itself. `*` is refused: with credentials it
would let every site on the web make the request.
"""

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

METHODS = ["GET", "POST"]
HEADERS = ["Authorization", "Content-Type"]
EXPOSED = ["Content-Disposition"]  # an export's file name, for a page that saves the download
PREFLIGHT_CACHE_SECONDS = 600


class CorsSettingError(ValueError):
    pass


def checked_origins(origins: tuple[str, ...]) -> list[str]:
    """The origins as a browser sends them (`scheme://host[:port]`, no path), or why not."""
    checked = []
    for origin in origins:
        parts = urlsplit(origin)
        if origin == "*" or parts.scheme not in ("http", "https") or not parts.hostname:
            raise CorsSettingError(
                f"YIBAO_CORS_ORIGINS 中的 {origin!r} 不是来源：应写成 https://主机[:端口]，不可用 *"
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
            raise CorsSettingError(f"YIBAO_CORS_ORIGINS 中的 {origin!r} 只能有协议、主机和端口，不能带路径")
        checked.append(f"{parts.scheme}://{parts.netloc}".lower())
    return checked


class OriginsOnly(CORSMiddleware):
    """Starlette's CORS for the listed origins; a request from any other origin passes as if CORS
    did not exist — no CORS header at all (starlette's would still list the allowed methods and
    headers and allow credentials) — and its preflight is refused. A same-origin request (GraphiQL
    posting to /graphql) sends its own origin too, and needs no CORS header."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin is not None and not self.is_allowed_origin(origin):
                if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
                    refusal = PlainTextResponse(
                        "此来源不在 YIBAO_CORS_ORIGINS 中，不能跨域调用", status_code=400
                    )
                    await refusal(scope, receive, send)
                else:
                    await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """The middleware answering preflights and marking answers for these origins; none without."""
    allowed = checked_origins(origins)
    if not allowed:
        return []
    return [
        Middleware(
            OriginsOnly,
            allow_origins=allowed,
            allow_methods=METHODS,
            allow_headers=HEADERS,
            allow_credentials=True,
            expose_headers=EXPOSED,
            max_age=PREFLIGHT_CACHE_SECONDS,
        )
    ]
