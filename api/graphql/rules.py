"""Public rule queries: `policies`, `quote` (docs/contract/quote.graphql) and `policyDiff`.

They need no token and no database: the registry of loaded plugins answers them.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from yibao.core.errors import InputError
from yibao.core.rules.diff import diff

from .errors import refused
from .types.policy import Policy, PolicyChange, PolicyDiff
from .types.quote import Quote, QuoteInput


@strawberry.type
class Query:
    @strawberry.field(description="Every policy that the installed regional plugins provide.")
    def policies(self, info: strawberry.Info, region_code: str | None = None) -> list[Policy]:
        registry = info.context.registry
        return [Policy.of(p, registry.parameters.get(p.id, {})) for p in registry.policies(region_code)]

    @strawberry.field(description="What one person owes and gets under one policy if they pay on `paidOn`.")
    def quote(self, info: strawberry.Info, input: QuoteInput) -> Quote:
        try:
            return Quote.of(info.context.registry.quote(input.to_core()))
        except InputError as exc:
            raise refused(exc, "input") from None

    @strawberry.field(description="What changed between two policies, each side with its clause.")
    def policy_diff(
        self,
        info: strawberry.Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
    ) -> PolicyDiff:
        registry = info.context.registry
        try:
            before, after = registry.get(str(from_), "from"), registry.get(str(to), "to")
        except InputError as exc:
            raise refused(exc, "") from None
        return PolicyDiff(
            from_policy=Policy.of(before, registry.parameters.get(before.id, {})),
            to_policy=Policy.of(after, registry.parameters.get(after.id, {})),
            changes=[PolicyChange.of(d) for d in diff(before, after)],
        )
