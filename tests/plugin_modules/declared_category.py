"""A plugin adding its own category code and granting a subsidy for it."""

from decimal import Decimal

from yibao.core.hookspecs import hookimpl
from yibao.core.rules.cite import Cite
from yibao.core.rules.policy import Fixed, Grant
from yibao.core.rules.vocabulary import Category

from . import DOC, small_policy


@hookimpl
def yibao_categories():
    return [Category("LOCAL_HERO", "见义勇为人员", DOC)]


@hookimpl
def yibao_policies():
    return [small_policy("declared_category", [Grant("LOCAL_HERO", Fixed(Decimal("100")), Cite(DOC, "四"))])]
