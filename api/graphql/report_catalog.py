"""`reportCatalog(regionCode:)`: the reports the installed plugins and core provide, described so a
client can build each report's query and download link without introspection (which a deployment
may turn off, `YIBAO_INTROSPECTION=0`): its GraphQL field under `reports`, its title and citation,
its columns with their kinds, and whether it applies to the region. The dashboard (api/http/dashboard/)
renders every report from it.

A region outside the caller's scope answers null, as the reports themselves do.
"""

from __future__ import annotations

import strawberry

from yibao.core.models import Region
from yibao.core.reports.catalog import overlaps

from .reports import camel


@strawberry.type(description="A report's column: its GraphQL field, the notice's heading and its kind.")
class CatalogColumn:
    key: str = strawberry.field(description="The row field, e.g. unitName.")
    heading: str
    kind: str = strawberry.field(
        description="TEXT, INT, MONEY (yuan), RATE (a fraction), DATE, BOOL, ID_NUMBER (masked per role)."
    )


@strawberry.type(
    description="A report of the catalog, run as `reports { <field>(regionCode, coverageYear, asOf) }`."
)
class CatalogReport:
    name: str = strawberry.field(
        description="snake_case; it downloads from /exports/reports/<name>.xlsx (or .csv)"
    )
    field: str = strawberry.field(description="The field of `reports` that runs it.")
    title: str
    citation: str
    description: str
    applies: bool = strawberry.field(description="False where the report is for other regions only.")
    columns: list[CatalogColumn]


@strawberry.type
class Query:
    @strawberry.field(description="Every report, with its columns and whether it applies to the region.")
    def report_catalog(self, info: strawberry.Info, region_code: str) -> list[CatalogReport] | None:
        ctx = info.context
        region = ctx.session.get(Region, region_code)
        if region is None or not ctx.scope.covers(ctx.session, region_code):
            return None
        return [
            CatalogReport(
                name=report.name,
                field=camel(report.name),
                title=report.title,
                citation=str(report.cite),
                description=report.description,
                applies=not report.regions or overlaps(ctx.session, region, report.regions),
                columns=[
                    CatalogColumn(key=camel(c.key), heading=c.heading, kind=str(c.kind))
                    for c in report.columns
                ],
            )
            for report in ctx.registry.reports
        ]
