"""The transaction every service call runs in, with database refusals made readable."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from .. import audit
from ..audit import Actor
from ..db import transaction
from ..db_errors import field_error
from ..errors import InputError
from ..scope import Scope
from .elsewhere import noted, write_noted


@contextmanager
def unit_of_work(engine: Engine, actor: Actor) -> Iterator[Session]:
    """One transaction, seeing only what `actor`'s region covers (`core.scope.get_visible`).

    Its audit events are written together before it commits (core/audit.py). Clashes with
    another region's data that the transaction noted are audited after it ends,
    whether it committed or was refused (core/services/elsewhere.py).
    """
    opened: list[Session] = []
    try:
        with transaction(engine) as session:
            opened.append(session)
            session.info["scope"] = Scope.of(session, actor.region_code)
            session.info[audit.PENDING] = []
            yield session
            audit.write_pending(session)  # before the commit, in the same transaction
    except IntegrityError as exc:
        error = field_error(exc)
        if error is None:
            raise
        raise InputError([error]) from exc
    finally:
        if opened and (attempts := noted(opened[0])):
            write_noted(engine, actor, attempts)
