"""Implements a hook the contract does not define (a typo of yibao_policies)."""

from yibao.plugins import hookimpl


@hookimpl
def yibao_policys():
    return []
