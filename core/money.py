"""Money is integer fen in storage and `Decimal` yuan at the edges — never float."""

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100
# Far above any contribution or refund (the largest notice figure is 1020 yuan), and well inside
# the 32-bit integer columns that hold fen.
MAX_YUAN = Decimal(1_000_000)
_CENT = Decimal("0.01")


def yuan_to_fen(amount: Decimal | int | str) -> int:
    """Exact conversion; refuses sub-fen precision rather than rounding money away."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if not value.is_finite() or abs(value) > MAX_YUAN:
        raise ValueError(f"not an amount of at most {MAX_YUAN} yuan: {amount!r}")
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(_CENT)
