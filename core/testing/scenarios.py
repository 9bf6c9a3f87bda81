"""YAML scenarios: regional teams state quote cases without writing Python.

A pytest plugin (entry point `pytest11`): every `*.yaml` file in a folder named
`scenarios` is a list of cases, each run through the rules registry of the installed
plugins. A case:

    - name: 低保对象 pays 30 on the first day of the window
      policy: anhui/341721/2022
      tier: "1"                 # optional, the first tier by default
      paidOn: 2021-09-20
      person:                   # PersonFactsInput of shared/contract/quote.graphql
        birthDate: 1960-05-01
        categories: [{code: MINIMUM_LIVING, since: 2021-06-01}]
        hukouRegionCode: "341721"   # optional: where the household registration lies
        continuity: {lapsedYears: 2, repairYears: 1}   # optional: history before the year
      parameters: {}            # optional values for the policy's open parameters
      expect:                   # any Quote fields; only these are checked
        accepted: true
        subsidy: "290.00"
        amountDue: "30.00"
      cites: 东政办〔2021〕6号 四（三）1
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml

from core.rules.facts import CategoryFact, Continuity, LifeEvent, PersonFacts, QuoteRequest

MONEY = {
    "personalContribution",
    "fiscalSubsidy",
    "subsidy",
    "amountDue",
    "refundDue",
    "repairAmount",
    "incentive",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    policy: str
    paid_on: date
    person: dict
    expect: dict
    tier: str | None = None
    parameters: dict | None = None
    cites: str = ""
    source: Path | None = None

    def request(self) -> QuoteRequest:
        return QuoteRequest(
            self.policy, self.paid_on, person_facts(self.person), self.tier, self.parameters or {}
        )


def load(path: Path) -> list[Scenario]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Scenario(
            name=entry["name"],
            policy=entry["policy"],
            paid_on=_date(entry["paidOn"]),
            person=entry.get("person") or {},
            expect=entry.get("expect") or {},
            tier=None if entry.get("tier") is None else str(entry["tier"]),
            parameters={k: str(v) for k, v in (entry.get("parameters") or {}).items()},
            cites=str(entry.get("cites", "")),
            source=path,
        )
        for entry in entries
    ]


def files(paths) -> list[Path]:
    found = []
    for path in map(Path, paths):
        found += sorted(path.glob("*.yaml")) if path.is_dir() else [path] if path.exists() else []
    return found


def person_facts(data: dict) -> PersonFacts:
    return PersonFacts(
        birth_date=_date(data["birthDate"]),
        categories=tuple(
            CategoryFact(c["code"], _date(c.get("since")), c.get("grade")) for c in data.get("categories", [])
        ),
        events=tuple(
            # YAML 1.1 reads a bare `on:` key as the boolean true.
            LifeEvent(e["kind"], _date(e.get("on", e.get(True))), e.get("priorContinuousMonths"))
            for e in data.get("events", [])
        ),
        college_student=bool(data.get("collegeStudent", False)),
        migrant_worker=bool(data.get("migrantWorker", False)),
        guardian_enrolled=bool(data.get("guardianEnrolled", False)),
        area_code=None if data.get("areaCode") is None else str(data["areaCode"]),
        hukou_region_code=None if data.get("hukouRegionCode") is None else str(data["hukouRegionCode"]),
        continuity=continuity(data.get("continuity") or {}),
    )


def continuity(data: dict) -> Continuity:
    """`continuity: {continuousYears, lapsedYears, repairYears, zeroClaimYears}` (all default 0)."""
    return Continuity(
        continuous_years=int(data.get("continuousYears", 0)),
        lapsed_years=int(data.get("lapsedYears", 0)),
        repair_years=int(data.get("repairYears", 0)),
        zero_claim_years=int(data.get("zeroClaimYears", 0)),
    )


def mismatches(expect: dict, actual: dict) -> list[str]:
    problems = []
    for key, wanted in expect.items():
        if key not in actual:
            problems.append(f"{key}: not a quote field")
        elif not _same(key, wanted, actual[key]):
            problems.append(f"{key}: expected {wanted!r}, got {actual[key]!r}")
    return problems


def _same(key: str, wanted, got) -> bool:
    if wanted is None or got is None:
        return wanted is got
    if key in MONEY:
        return Decimal(str(wanted)) == Decimal(got)
    if key == "fundingShares":
        normal = lambda shares: sorted((s["source"], Decimal(str(s["amount"]))) for s in shares)  # noqa: E731
        return normal(wanted) == normal(got)
    if key == "rejectionReason":
        return str(wanted) in got  # a phrase the reason must contain
    if isinstance(wanted, date):
        return wanted.isoformat() == got
    return str(wanted) == str(got) if not isinstance(wanted, bool) else wanted is got


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@cache
def registry():
    from core.plugins import load_registry

    return load_registry()


# pytest wiring


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".yaml" and file_path.parent.name == "scenarios":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        for scenario in load(self.path):
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioMismatch(AssertionError):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self):
        quote = registry().quote(self.scenario.request())
        problems = mismatches(self.scenario.expect, quote.as_contract())
        if problems:
            steps = "\n".join(
                f"    {s.rule}: {s.detail} {s.amount or ''} [{s.citation}]" for s in quote.explanation
            )
            raise ScenarioMismatch("\n".join(problems) + f"\n  explanation:\n{steps}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioMismatch):
            return f"scenario {self.scenario.name!r} ({self.scenario.cites}):\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"scenario: {self.name}"
