"""Highest ground wins, ties go to the first listed, 0 never wins; funding splits are exact to the fen."""

from decimal import Decimal

import pytest

from yibao.core.rules.cite import Cite
from yibao.core.rules.policy import Fixed, Funding, FundingPart, Grant
from yibao.core.rules.subsidies import Candidate, highest, split

CITE = Cite("测试〔2030〕1号", "一")


def candidate(code: str, amount: str) -> Candidate:
    return Candidate(Grant(code, Fixed(Decimal(amount)), CITE), Decimal(amount))


def test_the_largest_amount_wins():
    best = highest([candidate("A", "160"), candidate("B", "290"), candidate("C", "192")])
    assert best.grant.code == "B"


def test_a_tie_goes_to_the_ground_listed_first():
    assert highest([candidate("A", "290"), candidate("B", "290")]).grant.code == "A"


def test_grounds_are_compared_after_the_cap_so_a_full_subsidy_listed_first_keeps_a_tie():
    full, bigger = candidate("FULL", "320"), candidate("REFUND", "400")
    assert highest([full, bigger], cap=Decimal("320")).grant.code == "FULL"
    assert highest([full, bigger]).grant.code == "REFUND"


def test_a_ground_worth_nothing_never_wins():
    assert highest([candidate("STABLE", "0")]) is None


def test_fixed_parts_come_first_and_the_rest_splits_by_ratio():
    funding = Funding(
        (
            FundingPart("MEDICAL_ASSISTANCE_FUND", fixed=Decimal("140")),
            FundingPart("CITY_FINANCE", ratio=4),
            FundingPart("COUNTY_FINANCE", ratio=6),
        ),
        CITE,
    )
    assert split(funding, Decimal("320.00")) == [
        ("MEDICAL_ASSISTANCE_FUND", Decimal("140.00")),
        ("CITY_FINANCE", Decimal("72.00")),
        ("COUNTY_FINANCE", Decimal("108.00")),
    ]


@pytest.mark.parametrize("amount", ["0.01", "100.00", "333.33", "1000.07"])
def test_ratio_shares_always_add_up_to_the_amount(amount):
    funding = Funding((FundingPart("CITY_FINANCE", ratio=1), FundingPart("COUNTY_FINANCE", ratio=2)), CITE)
    shares = split(funding, Decimal(amount))
    assert sum(share for _, share in shares) == Decimal(amount)
    assert all(share == share.quantize(Decimal("0.01")) for _, share in shares)


def test_a_fixed_part_never_exceeds_a_capped_subsidy():
    funding = Funding(
        (
            FundingPart("MEDICAL_ASSISTANCE_FUND", fixed=Decimal("140")),
            FundingPart("COUNTY_FINANCE", ratio=1),
        ),
        CITE,
    )
    assert split(funding, Decimal("100.00")) == [
        ("MEDICAL_ASSISTANCE_FUND", Decimal("100.00")),
        ("COUNTY_FINANCE", Decimal("0.00")),
    ]
