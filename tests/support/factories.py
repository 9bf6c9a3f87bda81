"""Valid test data: ID numbers with correct GB 11643 check digits, and person inputs."""

from datetime import date

from stdnum.cn import ric


def id_number(region: str = "341721", born: date = date(1980, 5, 17), seq: int = 1, male: bool = True) -> str:
    """Sequence digits 15–17; digit 17 is odd for men and even for women."""
    order = seq * 2 + (1 if male else 0)
    return with_check_digit(f"{region}{born:%Y%m%d}{order % 1000:03d}")


def with_check_digit(body: str) -> str:
    """Completes 17 digits with their GB 11643 check digit."""
    return body + ric.calc_check_digit(body + "0")  # the function ignores the last character


def wrong_check_digit(number: str) -> str:
    digits = "0123456789X"
    return number[:17] + digits[(digits.index(number[17]) + 1) % len(digits)]
