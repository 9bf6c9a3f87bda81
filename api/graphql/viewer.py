"""`viewer`: who the token names — so a browser app (the dashboard, api/http/dashboard/) can show who is
signed in and start from their region without decoding the token itself. Null without a token.

`permissions` lists the root fields the role may call (api/graphql/permissions.py), so an app can
hide what the caller may not do instead of learning it from a refusal.
"""

from __future__ import annotations

import strawberry

from yibao.core.models import Region as RegionRow

from .permissions import OPERATIONS
from .types.region import Region


@strawberry.type(description="The caller a bearer token names: name, role, department and region scope.")
class Viewer:
    name: str
    role: str = strawberry.field(description="VILLAGE_CLERK, TOWNSHIP_OFFICER, COUNTY_ADMIN, AUDITOR, …")
    department: str | None = strawberry.field(description="A roster uploader's department only.")
    region: Region | None = strawberry.field(description="Everything at or below it is in scope.")
    permissions: list[str] = strawberry.field(
        description="The queries and mutations this role may call, by field name (e.g. recordPayment)."
    )


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in caller; null without a (valid) token.")
    def viewer(self, info: strawberry.Info) -> Viewer | None:
        principal = info.context.principal
        if principal.region_code is None:
            return None
        region = info.context.session.get(RegionRow, principal.region_code)
        return Viewer(
            name=principal.name,
            role=str(principal.role),
            department=principal.department,
            region=Region.of(region),
            permissions=sorted(field for field, roles in OPERATIONS.items() if principal.role in roles),
        )
