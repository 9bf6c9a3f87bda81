"""GraphiQL, served entirely by yibao: the page `GET /graphql` answers a browser with, and the files
it loads from `/graphiql/…` — React, ReactDOM and GraphiQL vendored in api/http/ide/ (VENDORED.md
says which versions, from where, with their sums and licences). Nothing comes from a CDN, so the
page works where the offices work, on a network without the internet (医保专网).

The page has no inline script, so its Content-Security-Policy (api/headers.py) allows scripts and
styles from this server only.
"""

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

IDE = Path(__file__).with_name("ide")
PREFIX = "/graphiql"
# What the page loads, by suffix; nothing else in the folder (the page itself, VENDORED.md) is served.
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# The vendored files never change under a versioned path; the page's own two are small.
CACHE = "public, max-age=86400"


@cache
def graphiql_page() -> str:
    return (IDE / "graphiql.html").read_text(encoding="utf-8")


async def asset(request: Request) -> Response:
    path = (IDE / request.path_params["path"]).resolve()
    if not path.is_relative_to(IDE.resolve()) or path.suffix not in MEDIA_TYPES or not path.is_file():
        return PlainTextResponse("没有这个文件", status_code=404)
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": CACHE})


def graphiql_routes() -> list[Route]:
    return [Route(PREFIX + "/{path:path}", asset, methods=["GET", "HEAD"])]
