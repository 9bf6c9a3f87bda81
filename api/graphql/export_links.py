"""`exportLink`: a short-lived signed URL for one download (core/export_links.py), so a browser app
can offer an export as a plain link, without an `Authorization` header."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from yibao.core import export_links

from .errors import InputErrors, attempt


@strawberry.type(description="A download link, valid for one URL and five minutes.")
class ExportLink:
    url: str = strawberry.field(description="Relative to the server, e.g. /exports/…?…&signature=…")
    expires_at: datetime


ExportLinkResult = Annotated[ExportLink | InputErrors, strawberry.union("ExportLinkResult")]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Signs one export URL (a path under /exports/ with its query) for the caller, for "
        "five minutes: the download is then checked as if the caller had sent their token."
    )
    def export_link(self, info: strawberry.Info, path: str) -> ExportLinkResult:
        ctx = info.context

        def covers(region_code: str) -> bool:
            return ctx.scope.covers(ctx.session, region_code)

        def signed() -> ExportLink:
            url, expires_at = export_links.sign(ctx.key, ctx.principal, path, covers)
            return ExportLink(url=url, expires_at=expires_at)

        return attempt(lambda link: link, signed)
