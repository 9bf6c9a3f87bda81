"""The transaction every service call runs in, with database refusals made readable."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..audit import Actor
from ..db import transaction
from ..db_errors import field_error
from ..errors import InputError
from ..scope import Scope


@contextmanager
def unit_of_work(engine: Engine, actor: Actor) -> Iterator[Session]:
    """One transaction, seeing only what `actor`'s region covers (`core.scope.get_visible`)."""
    try:
        with transaction(engine) as session:
            session.info["scope"] = Scope.of(session, actor.region_code)
            yield session
    except IntegrityError as exc:
        error = field_error(exc)
        if error is None:
            raise
        raise InputError([error]) from exc
