"""The transaction every service call runs in, with database refusals made readable."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..db import transaction
from ..db_errors import field_error
from ..errors import InputError


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    try:
        with transaction(engine) as session:
            yield session
    except IntegrityError as exc:
        error = field_error(exc)
        if error is None:
            raise
        raise InputError([error]) from exc
