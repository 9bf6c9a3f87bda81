"""A plugin adding its own category code and granting a subsidy for it."""

from decimal import Decimal

from yibao.plugins import Category, Cite, Fixed, Grant, hookimpl

from . import DOC, small_policy


@hookimpl
def yibao_categories():
    return [Category("LOCAL_HERO", "见义勇为人员", DOC)]


@hookimpl
def yibao_policies():
    return [small_policy("declared_category", [Grant("LOCAL_HERO", Fixed(Decimal("100")), Cite(DOC, "四"))])]
