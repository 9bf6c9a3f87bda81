"""The Anhui campaigns the plugin report tests share (tests/support/anhui.py)."""

import pytest

from tests.support.anhui import seed_dongzhi, seed_guichi


@pytest.fixture
def dongzhi(engine):
    return seed_dongzhi(engine)


@pytest.fixture
def guichi(engine):
    return seed_guichi(engine)
