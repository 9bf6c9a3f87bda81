"""A quote: the figures, the coverage period and every step that produced them."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .cite import Cite
from .policy import Method

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Step:
    rule: str
    detail: str
    amount: Decimal | None = None
    cite: Cite | None = None

    @property
    def citation(self) -> str | None:
        return str(self.cite) if self.cite else None


@dataclass
class Quote:
    policy_id: str
    tier: str
    accepted: bool = True
    rejection_reason: str | None = None
    personal_contribution: Decimal = ZERO
    fiscal_subsidy: Decimal = ZERO
    subsidy: Decimal = ZERO
    subsidy_category: str | None = None
    subsidy_method: Method = Method.UPFRONT
    amount_due: Decimal = ZERO
    refund_due: Decimal = ZERO
    refunded_by: str | None = None
    funding_shares: list[tuple[str, Decimal]] = field(default_factory=list)
    route: str | None = None
    route_cite: Cite | None = None
    coverage_start: date | None = None
    coverage_end: date | None = None
    waiting_until: date | None = None
    # The first day of a waiting period (benefits are paid after `waiting_until`), if there is one.
    waiting_from: date | None = None
    waiting_months: int | None = None  # a 2025 waiting period (core/rules/continuity.py), in months
    repair_amount: Decimal = ZERO  # 缴费修复: lapsed years paid now, included in amount_due
    incentive: Decimal = ZERO  # 大病保险最高支付限额 raised by continuous and zero-claim years
    explanation: list[Step] = field(default_factory=list)
    # Parameters a deployment has not set, on which a figure of this quote waits but not the
    # amount due: while listed, that figure (fiscalSubsidy, refundDue) reads 0.00 and is not final.
    pending: list[str] = field(default_factory=list)

    def explain(self, rule: str, detail: str, amount: Decimal | None = None, cite: Cite | None = None):
        self.explanation.append(Step(rule, detail, amount, cite))

    def as_contract(self) -> dict:
        """The quote as the contract names its fields (amounts as "320.00", dates ISO): JSON-ready."""
        iso = lambda day: day.isoformat() if day else None  # noqa: E731
        return {
            "accepted": self.accepted,
            "rejectionReason": self.rejection_reason,
            "tier": self.tier,
            "personalContribution": str(self.personal_contribution),
            "fiscalSubsidy": str(self.fiscal_subsidy),
            "subsidy": str(self.subsidy),
            "subsidyCategory": self.subsidy_category,
            "subsidyMethod": str(self.subsidy_method),
            "amountDue": str(self.amount_due),
            "refundDue": str(self.refund_due),
            "refundedBy": self.refunded_by,
            "fundingShares": [{"source": s, "amount": str(a)} for s, a in self.funding_shares],
            "coverageStart": iso(self.coverage_start),
            "coverageEnd": iso(self.coverage_end),
            "waitingUntil": iso(self.waiting_until),
            "waitingMonths": self.waiting_months,
            "repairAmount": str(self.repair_amount),
            "incentive": str(self.incentive),
            "route": self.route,
            "pendingParameters": list(self.pending),
        }

    def reject(self, reason: str, cite: Cite | None = None) -> "Quote":
        self.accepted = False
        self.rejection_reason = reason
        self.coverage_start = self.coverage_end = self.waiting_until = self.waiting_from = None
        self.waiting_months = None
        self.amount_due = self.refund_due = self.repair_amount = self.incentive = ZERO
        self.explain("拒绝 rejected", reason, cite=cite)
        return self
