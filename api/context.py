"""What every resolver gets: the engine, the rules, one read session per operation, loaders, the caller."""

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.engine import Engine
from sqlmodel import Session
from strawberry.extensions import SchemaExtension

from core.audit import Actor
from core.rules.registry import Registry

from .loaders import Loaders


@dataclass
class Context:
    engine: Engine | None
    registry: Registry
    actor: Actor = field(default_factory=Actor)

    @cached_property
    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.session)

    def close(self) -> None:
        if "session" in self.__dict__:
            self.session.close()


class CloseSession(SchemaExtension):
    """Returns the operation's connection to the pool when the operation ends."""

    def on_operation(self):
        yield
        context = self.execution_context.context
        if isinstance(context, Context):
            context.close()
