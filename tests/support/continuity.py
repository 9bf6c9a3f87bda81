"""The rules of the installed plugins plus the test-only 2025 policy (tests/plugin_packages/continuity)."""

import sys
from pathlib import Path

from yibao.core.rules.registry import Registry
from yibao.core.testing.scenarios import registry as installed

PACKAGE = Path(__file__).parents[1] / "plugin_packages" / "continuity"
if str(PACKAGE) not in sys.path:
    sys.path.insert(0, str(PACKAGE))

from yibao_continuity import CASES, POLICY  # noqa: E402

POLICY_ID = POLICY.id  # continuity/341721/2025
# Figures the test policy leaves to the deployment, set as a deployment would (YIBAO_PARAMETERS).
PARAMETERS = {
    "incentive.continuous_per_year": "1000",
    "incentive.zero_claim_per_year": "1000",
    "critical_illness.cap": "300000",
}


def with_continuity(parameters: dict | None = PARAMETERS) -> Registry:
    base = installed()
    values = {**base.parameters, POLICY_ID: dict(parameters or {})}
    return Registry([*base.policies(), POLICY], base._declared, values, base.reports)


__all__ = ["CASES", "PARAMETERS", "POLICY", "POLICY_ID", "with_continuity"]
