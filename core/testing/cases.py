"""The scenario format: one YAML file is a list of quote cases (docs/plugins.md, "Scenarios")."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from ..rules.facts import CategoryFact, Continuity, LifeEvent, PersonFacts, QuoteRequest

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
