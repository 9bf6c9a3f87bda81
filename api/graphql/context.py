"""What every resolver gets: the engine, the rules, the caller and their scope, one session, loaders."""

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.engine import Engine
from sqlmodel import Session
from strawberry.extensions import SchemaExtension

from yibao.core.auth import PUBLIC, AuthError, Principal
from yibao.core.rules.registry import Registry
from yibao.core.scope import Scope

from ..auth import actor_of
from .loaders import Loaders


@dataclass
class Context:
    engine: Engine | None
    registry: Registry
    principal: Principal = PUBLIC
    auth_error: AuthError | None = None  # why a token that was sent was not accepted
    key: str | None = None  # the server's signing key: federation keys are MACs under it
    representations: int = 0  # `_entities` representations resolved so far (api/graphql/schema.py)
    # The session has only read, without error (the compiled path: api/graphql/compiled.py), so the
    # access log may write its event on it (api/graphql/access_log.py).
    session_clean: bool = False

    @property
    def actor(self):
        """Who the audit trail records for this caller."""
        return actor_of(self.principal)

    @cached_property
    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @cached_property
    def scope(self) -> Scope:
        """Only a region's data; the public has no region and sees no registry data."""
        code = self.principal.region_code
        return Scope.of(self.session, code) if code else Scope.nothing()

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.session, self.scope)

    def close(self) -> None:
        if "session" in self.__dict__:
            self.session.close()


class CloseSession(SchemaExtension):
    """Returns the operation's connection to the pool when the operation ends."""

    def on_operation(self):
        try:
            yield
        finally:  # an extension after this one (the access log) may raise on its way out
            context = self.execution_context.context
            if isinstance(context, Context):
                context.close()
