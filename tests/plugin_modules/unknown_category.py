"""A policy granting a subsidy for a category code nobody declared."""

from decimal import Decimal

from yibao.core.hookspecs import hookimpl
from yibao.core.rules.cite import Cite
from yibao.core.rules.policy import Fixed, Grant

from . import DOC, small_policy


@hookimpl
def yibao_policies():
    return [
        small_policy("unknown_category", [Grant("NOT_A_CATEGORY", Fixed(Decimal("100")), Cite(DOC, "四"))])
    ]
