from datetime import date

import pytest

from tests.support.factories import id_number, with_check_digit, wrong_check_digit
from yibao.core.idcard import InvalidIdNumber, mask_id_number, parse_id_number


def test_birth_date_gender_and_region_come_from_the_number():
    facts = parse_id_number(id_number(region="411322", born=date(1990, 2, 28), seq=5, male=False))
    assert facts.birth_date == date(1990, 2, 28)
    assert facts.gender == "F"
    assert facts.region_code == "411322"


def test_a_lowercase_x_check_digit_is_normalised():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_new_county_codes_unknown_to_stdnum_are_accepted():
    # 东至县 has been 341721 since 2000; python-stdnum's table only knows the older code.
    assert parse_id_number(id_number(region="341721")).region_code == "341721"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (wrong_check_digit(id_number()), "校验码"),
        ("34172119800517001", "18位"),
        ("3417211980051700AX", "格式"),
        (with_check_digit("34172119800230001"), "出生日期"),
        ("", "18位"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(number, reason):
    with pytest.raises(InvalidIdNumber, match=reason):
        parse_id_number(number)


def test_a_number_outside_any_province_is_refused():
    with pytest.raises(InvalidIdNumber, match="地址码"):
        parse_id_number(with_check_digit("99172119800517001"))


def test_masking_keeps_four_characters_each_side():
    assert mask_id_number("34172119800517001X") == "3417**********001X"
    assert mask_id_number(None) is None
