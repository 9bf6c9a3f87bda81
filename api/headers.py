"""Security headers on every response, as an ASGI middleware so refusals and errors carry them too.

- `X-Content-Type-Options: nosniff`: a JSON answer or an export is never run as a script.
- `Referrer-Policy: no-referrer`: query strings (region codes, years) never leave in a Referer.
- `Content-Security-Policy`: an API answer loads and runs nothing (`default-src 'none'`) and is
  framed nowhere. The GraphiQL page sets its own policy (`GRAPHIQL_POLICY`): this server's
  scripts and styles only; the middleware keeps a policy a response already has.
- `Cache-Control: no-store` on `/graphql` and `/exports/…`: personal data is not kept by a
  browser or a proxy (a GET query or a downloaded roster would otherwise be cacheable).
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
NO_STORE_PREFIXES = ("/graphql", "/exports/")

# GraphiQL's page (api/http/graphiql.py) loads React, ReactDOM and GraphiQL from this server and
# has no inline script, so 'self' is all it needs for scripts. React and CodeMirror set style
# attributes, which need 'unsafe-inline' for styles only; GraphiQL's fonts are `data:` URLs in
# its stylesheet.
GRAPHIQL_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",  # the fetcher posts to /graphql on this origin
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = scope["path"].startswith(NO_STORE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", API_POLICY.encode()),
                ]
                if no_store:
                    wanted.append((b"cache-control", b"no-store"))
                headers += [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
