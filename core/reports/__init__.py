"""Reports: typed tables under the notices' headings, built in SQL, exported as CSV and XLSX.

Core provides collection progress, hardship coverage, payments by channel, tax reconciliation
and partially paid households; a plugin adds its province's reports through the `yibao_reports`
hook and its task tables through `yibao_targets` (core/hookspecs.py). The API turns each report
into a typed GraphQL field (api/graphql/reports.py).
"""

from .catalog import Catalog, CatalogError, ReportResult
from .source import ReportSource, rate
from .spec import Column, Kind, Report, ReportArgs, Target, TargetTable, Total

__all__ = [
    "Catalog",
    "CatalogError",
    "Column",
    "Kind",
    "Report",
    "ReportArgs",
    "ReportResult",
    "ReportSource",
    "Target",
    "TargetTable",
    "Total",
    "rate",
]
