"""The public plugin surface: everything a regional plugin may use, and nothing else.

    from yibao.plugins import Cite, Document, Fixed, Policy, Route, Tier, hookimpl

A plugin — the in-tree provinces below this package as much as a regional team's own package —
imports from this module only (tests/test_layering.py checks ours). What is listed in `__all__`
is the contract, documented in docs/plugins.md: hooks, policies as cited and dated data, the
shared vocabularies, and the read-only building blocks of reports. Core may change behind it.

The in-tree provinces are the subpackages: `yibao.plugins.anhui`, `.henan`, `.chongqing`,
`.guizhou`.
"""

from yibao.core.hookspecs import CONTRACT_VERSION, hookimpl
from yibao.core.idcard import mask_name
from yibao.core.money import fen_to_yuan, yuan_to_fen
from yibao.core.reports import (
    Column,
    Kind,
    Report,
    ReportSource,
    Target,
    TargetTable,
    Total,
    counting,
    hardship,
    progress,
    rate,
)
from yibao.core.rules.cite import Cite
from yibao.core.rules.continuity import NATIONAL as NATIONAL_CONTINUITY
from yibao.core.rules.continuity import ContinuityRule, IncentiveRule, WaitingRule, incentive_parameters
from yibao.core.rules.dates import Period
from yibao.core.rules.policy import (
    SETTLEMENT_PARTIES,
    Amount,
    Document,
    Event,
    Fixed,
    Forfeit,
    FromParameter,
    FullShare,
    Funding,
    FundingPart,
    Grant,
    HouseholdMode,
    HouseholdRule,
    Method,
    Newborn,
    Parameter,
    PercentOf,
    Policy,
    Readjustment,
    Route,
    Start,
    Tier,
    Waiver,
)
from yibao.core.rules.subsidies import split as split_funding
from yibao.core.rules.subsidies import stated_amount
from yibao.core.rules.vocabulary import CATEGORIES, CHANNELS, EVENTS, FUNDING_SOURCES, Category
from yibao.core.statuses import EnrolmentStatus, HistoryStatus, PaymentKind

__all__ = [
    # the hook contract (core/hookspecs.py)
    "CONTRACT_VERSION",
    "hookimpl",
    # a policy: one notice's rules for one region and coverage year, every value cited
    "Policy",
    "Document",
    "Cite",
    "Tier",
    "Parameter",
    "Fixed",
    "FullShare",
    "PercentOf",
    "FromParameter",
    "Amount",
    "Grant",
    "Method",
    "Funding",
    "FundingPart",
    "Route",
    "Start",
    "Newborn",
    "Event",
    "Waiver",
    "Period",
    "Forfeit",
    "Readjustment",
    "SETTLEMENT_PARTIES",
    "HouseholdRule",
    "HouseholdMode",
    # the 2025 rules of 国办发〔2024〕38号: waiting periods after a lapse, incentives for continuity
    "ContinuityRule",
    "WaitingRule",
    "IncentiveRule",
    "incentive_parameters",
    "NATIONAL_CONTINUITY",
    # the shared vocabularies, and a code only a plugin's region knows
    "CATEGORIES",
    "EVENTS",
    "CHANNELS",
    "FUNDING_SOURCES",
    "Category",
    # rules a report may apply as the engine does
    "stated_amount",
    "split_funding",
    # reports: typed, cited tables built in SQL from a read-only source
    "Report",
    "Column",
    "Kind",
    "Total",
    "ReportSource",
    "Target",
    "TargetTable",
    "rate",
    "counting",
    "EnrolmentStatus",
    "PaymentKind",
    "HistoryStatus",
    "hardship",
    "progress",
    # money and names as reports show them
    "fen_to_yuan",
    "yuan_to_fen",
    "mask_name",
]
