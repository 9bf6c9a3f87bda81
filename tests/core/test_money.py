from decimal import Decimal

import pytest

from yibao.core.money import fen_to_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("yuan", "fen"), [("320", 32000), ("320.00", 32000), ("0", 0), ("0.01", 1), ("-350.5", -35050)]
)
def test_yuan_to_fen_is_exact(yuan, fen):
    assert yuan_to_fen(Decimal(yuan)) == fen


@pytest.mark.parametrize("bad", ["0.001", "NaN", "Infinity", "abc"])
def test_sub_fen_and_non_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        yuan_to_fen(bad)


def test_fen_to_yuan_keeps_two_places():
    assert str(fen_to_yuan(32000)) == "320.00"
    assert str(fen_to_yuan(-1)) == "-0.01"
