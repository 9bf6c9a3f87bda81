"""A plugin adding its own category code and granting a subsidy for it."""

from decimal import Decimal

from core.hookspecs import hookimpl
from core.rules.cite import Cite
from core.rules.policy import Fixed, Grant
from core.rules.vocabulary import Category

from . import DOC, small_policy


@hookimpl
def yibao_categories():
    return [Category("LOCAL_HERO", "见义勇为人员", DOC)]


@hookimpl
def yibao_policies():
    return [small_policy("declared_category", [Grant("LOCAL_HERO", Fixed(Decimal("100")), Cite(DOC, "四"))])]
