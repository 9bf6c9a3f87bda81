"""Implements a hook the contract does not define (a typo of yibao_policies)."""

from yibao.core.hookspecs import hookimpl


@hookimpl
def yibao_policys():
    return []
