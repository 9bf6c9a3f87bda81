"""A scope's statements built once (`visible_where`, core/scope.py) see what `Scope.visible` sees.

`visible` selects the regions under a path with SQLAlchemy's `startswith(autoescape=True)`;
a statement built once binds the path as a LIKE pattern that `Scope.path_pattern` escapes itself.
The two must select the same regions for every region a caller can be scoped to.
"""

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from yibao.core.models import Region
from yibao.core.regions import codes_under
from yibao.core.scope import Scope


def test_the_bound_pattern_selects_the_regions_autoescape_does(engine):
    bound = select(Region.code).where(col(Region.path).like(bindparam("scope_pattern"), escape="/"))
    with Session(engine) as session:
        codes = session.exec(select(Region.code)).all()
        assert len(codes) > 20  # the seeded tree: provinces down to villages
        for code in codes:
            scope = Scope.of(session, code)
            expected = set(session.exec(codes_under(scope.path)).all())
            assert code in expected
            assert set(session.execute(bound, scope.params).scalars()) == expected, code


def test_an_unscoped_caller_binds_nothing():
    assert Scope(path=None).params == {} and Scope(path=None).path_pattern is None
