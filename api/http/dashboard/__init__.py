"""The dashboard (看板) served by yibao itself: `/dashboard`, its static files, and one-time sign-in.

The page is a static front-end on yibao's own GraphQL API (`static/js/`): it signs in with a bearer
token — pasted, or from a one-time link (`POST /dashboard/login`, core/login_links.py) — and reads
everything through `/graphql` and `/exports/…` like any client, so a role sees exactly what the
API lets it see. Everything it loads is served from this package (Apache ECharts is vendored under
`static/vendor/echarts/`, with its licence), so it works on an office network without internet.

Its own Content-Security-Policy allows scripts, styles and connections to this origin only: no
inline script or style, no other host, no framing, forms posting nowhere else.
"""

from pathlib import Path

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from yibao.core import login_links

STATIC = Path(__file__).parent / "static"
POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",  # ECharts may draw images from data: URLs; downloads use blob:
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",  # the page is small; a new version shows at once
}


class DashboardFiles(StaticFiles):
    """The static files, with the dashboard's headers on every answer."""

    async def get_response(self, path: str, scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(HEADERS)
        return response


def dashboard_routes(engine: Engine, key: str) -> list:
    async def page(_: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=HEADERS)

    async def login(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        code = body.get("code") if isinstance(body, dict) else None
        token = await run_in_threadpool(login_links.redeem, engine, key, code)
        if token is None:  # unknown, used and expired read alike: nothing to learn by probing
            return JSONResponse({"message": "登录链接无效、已使用或已过期"}, status_code=400, headers=HEADERS)
        return JSONResponse({"token": token}, headers={**HEADERS, "Cache-Control": "no-store"})

    return [
        Route("/dashboard", page, methods=["GET"]),
        Route("/dashboard/", lambda _: RedirectResponse("/dashboard", status_code=308), methods=["GET"]),
        Route("/dashboard/login", login, methods=["POST"]),
        Mount("/dashboard/static", app=DashboardFiles(directory=STATIC), name="dashboard-static"),
    ]
