"""A policy granting a subsidy for a category code nobody declared."""

from decimal import Decimal

from yibao.plugins import Cite, Fixed, Grant, hookimpl

from . import DOC, small_policy


@hookimpl
def yibao_policies():
    return [
        small_policy("unknown_category", [Grant("NOT_A_CATEGORY", Fixed(Decimal("100")), Cite(DOC, "四"))])
    ]
