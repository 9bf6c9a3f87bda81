"""Every loaded policy, found by id or region; the one place a quote request is validated."""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from ..errors import ErrorCode, FieldError, InputError
from .areas import prefix as _prefix
from .engine import quote as compute
from .facts import Continuity, QuoteRequest
from .policy import Policy
from .result import Quote
from .vocabulary import CATEGORIES, EVENTS, Category


def governs(policy: Policy, region_code: str) -> bool:
    """True when the region lies inside the policy's area, or contains it."""
    own = (policy.region_code, *policy.areas)
    return any(region_code.startswith(_prefix(c)) or c.startswith(_prefix(region_code)) for c in own)


class Registry:
    def __init__(
        self,
        policies: Iterable[Policy],
        categories: Iterable[Category] = (),
        parameters: Mapping[str, Mapping[str, str]] | None = None,
        reports=None,
    ):
        self._policies = {p.id: p for p in policies}
        self._declared = tuple(categories)
        self.categories = {**CATEGORIES, **{c.code: c.wording for c in self._declared}}
        # Where a plugin's own code is defined (its notice); core's are in docs/contract/categories.md.
        self.category_documents = {c.code: c.document for c in self._declared}
        self.parameters = {k: dict(v) for k, v in (parameters or {}).items()}
        self._reports = reports

    @property
    def reports(self):
        """The report catalog (core/reports/catalog.py): core's reports alone unless plugins added some."""
        if self._reports is None:
            from ..reports.catalog import Catalog  # reports read models; rules stay free of them

            self._reports = Catalog()
        return self._reports

    def policies(self, region_code: str | None = None) -> list[Policy]:
        found = sorted(self._policies.values(), key=lambda p: p.id)
        return [p for p in found if region_code is None or governs(p, region_code)]

    def get(self, policy_id: str, field: str = "policyId") -> Policy:
        policy = self._policies.get(policy_id)
        if policy is None:
            known = "、".join(sorted(self._policies)) or "无"
            raise InputError.one(field, ErrorCode.NOT_FOUND, f"没有政策 {policy_id}（已安装：{known}）")
        return policy

    def for_region(self, region_code: str, coverage_year: int) -> Policy:
        """The policy for a region and year; no policy is an error, never last year's rules."""
        matches = [p for p in self.policies(region_code) if p.coverage_year == coverage_year]
        if not matches:
            raise InputError.one(
                "coverageYear",
                ErrorCode.NOT_FOUND,
                f"没有适用于地区 {region_code} {coverage_year} 年度的政策",
            )
        return max(matches, key=lambda p: len(_prefix(p.region_code)))  # the most specific

    def quote(self, request: QuoteRequest) -> Quote:
        policy = self.get(request.policy_id)
        errors = []
        if policy.tier(request.tier) is None:
            tiers = "、".join(t.code for t in policy.tiers)
            errors.append(
                FieldError("tier", ErrorCode.INVALID, f"档次 {request.tier} 不存在（可选：{tiers}）")
            )
        for index, fact in enumerate(request.person.categories):
            if fact.code not in self.categories:
                errors.append(
                    FieldError(
                        f"person.categories.{index}.code", ErrorCode.INVALID, f"未知的困难类别 {fact.code}"
                    )
                )
        for index, event in enumerate(request.person.events):
            if event.kind not in EVENTS:
                errors.append(
                    FieldError(f"person.events.{index}.kind", ErrorCode.INVALID, f"未知的事件 {event.kind}")
                )
        if request.paid_on < request.person.birth_date:
            errors.append(FieldError("paidOn", ErrorCode.INVALID, "缴费日期早于出生日期"))
        errors += continuity_errors(request.person.continuity, "person.continuity")
        if errors:
            raise InputError(errors)
        values = {**self.parameters.get(policy.id, {}), **request.parameters}
        return compute(
            policy, QuoteRequest(request.policy_id, request.paid_on, request.person, request.tier, values)
        )

    def with_parameters(self, policy_id: str, values: Mapping[str, str]) -> "Registry":
        parameters = {**self.parameters, policy_id: {**self.parameters.get(policy_id, {}), **values}}
        return Registry(self._policies.values(), self._declared, parameters)


def parse_parameters(raw: Mapping[str, Mapping[str, object]], policies: Mapping[str, Policy]) -> dict:
    """Validates a deployment's parameter values: known policy, known parameter, a decimal."""
    parsed = {}
    for policy_id, values in raw.items():
        policy = policies.get(policy_id)
        if policy is None:
            raise ValueError(f"参数文件中的政策 {policy_id} 不存在")
        for name, value in values.items():
            parameter = policy.parameter(name)
            if parameter is None:
                raise ValueError(f"政策 {policy_id} 没有参数 {name}")
            if parameter.choices:
                if str(value) not in parameter.choices:
                    raise ValueError(
                        f"{policy_id} 参数 {name} 的值 {value!r} 应为 {'、'.join(parameter.choices)} 之一"
                    )
                continue
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                raise ValueError(f"{policy_id} 参数 {name} 的值 {value!r} 不是金额") from None
            if parameter.minimum is not None and amount < parameter.minimum:
                raise ValueError(
                    f"{policy_id} 参数 {name} 的值 {value} 低于 {parameter.minimum}（{parameter.basis}）"
                )
        parsed[policy_id] = {name: str(value) for name, value in values.items()}
    return parsed


def continuity_errors(history: Continuity, prefix: str) -> list[FieldError]:
    """A stated history must be possible: counts not negative, no lapse inside a continuous run, no
    more years repaired than lapsed (国办发〔2024〕38号 缴费修复), zero-claim years within the run."""
    errors = []
    counts = {
        "continuousYears": history.continuous_years,
        "lapsedYears": history.lapsed_years,
        "repairYears": history.repair_years,
        "zeroClaimYears": history.zero_claim_years,
    }
    for name, value in counts.items():
        if value < 0:
            errors.append(FieldError(f"{prefix}.{name}", ErrorCode.INVALID, "年数不能为负"))
    if history.continuous_years > 0 and history.lapsed_years > 0:
        errors.append(
            FieldError(
                f"{prefix}.lapsedYears",
                ErrorCode.INVALID,
                "上年已参保（连续参保年数 > 0）时断保年数应为 0",
            )
        )
    if history.repair_years > max(history.lapsed_years, 0):
        errors.append(
            FieldError(
                f"{prefix}.repairYears",
                ErrorCode.INVALID,
                f"修复年数不能超过断保年数 {history.lapsed_years}",
            )
        )
    if history.zero_claim_years > max(history.continuous_years, 0):
        errors.append(
            FieldError(
                f"{prefix}.zeroClaimYears",
                ErrorCode.INVALID,
                "零报销年数不能超过连续参保年数",
            )
        )
    return errors
