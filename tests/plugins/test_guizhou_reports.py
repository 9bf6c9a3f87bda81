"""贵阳贵安 reports (筑医保通〔2021〕34号): subsidies per funding source (二), and the 预征清册 (四（二）).

Persons in a 贵阳市 district (南明区) and in 贵安新区 (湖潮乡) hold the same identities, which 二 funds
differently per area. The funding totals are checked against the `fundingShares` each enrolment's
deciding quote kept, summed here in plain Python; the roster against the notice's figures.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import BytesIO
from itertools import count

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.support.factories import id_number
from tests.support.graphql_client import gql
from yibao.core import exports
from yibao.core.audit import Actor
from yibao.core.db import transaction
from yibao.core.idcard import mask_id_number
from yibao.core.models import Enrolment, Payment, Person
from yibao.core.plugins import load_registry
from yibao.core.reports import ReportArgs
from yibao.core.scope import Scope
from yibao.core.services.categories import CategoryInput, record_category
from yibao.core.services.enrolments import EnrolmentInput, enrol
from yibao.core.services.households import HouseholdInput, MemberInput, register_household
from yibao.core.services.payments import PaymentInput, ReversalInput, record_payment, reverse_payment
from yibao.core.services.persons import PersonInput

POLICY = "guizhou/520100/2022"
GUIZHOU, GUIYANG, GUIAN = "520000", "520100", "520190"
NANMING, HUCHAO = "520102", "520190002"  # 南明区 (贵阳市), 湖潮乡 (贵安新区)
ADMIN = Actor("admin-52", "COUNTY_ADMIN", GUIZHOU)
ENROLLED_ON, PAID_ON = date(2021, 10, 10), date(2021, 10, 20)  # in the window 2021-09-30 … 2022-03-31 (三)
REFUSED_ON = date(2021, 9, 1)  # before the window: no route admits it
# A reversal is dated the day it is made (today): reports run as of today unless they say otherwise.
BEFORE_REVERSAL = date(2021, 12, 31)
FULL, FIXED = "全额资助", "定额资助"

# (region, identities, paid: None not enrolled / False enrolled only / True paid / "reversed" /
#  "refused" registered on a day no route admits,
#  then the roster by 二: highest identity, 资助方式, 资助金额, 个人应缴, 参保状态)
FIXTURE = [
    (NANMING, ["MINIMUM_LIVING"], True, "MINIMUM_LIVING", FIXED, "320.00", "0.00", "已参保"),
    (NANMING, ["OUT_OF_POVERTY"], True, "OUT_OF_POVERTY", FIXED, "140.00", "180.00", "已参保"),
    # 就高不就低: the full subsidy of 二（二）2 beats the 320 of 二（一）2 (R10).
    (
        NANMING,
        ["MINIMUM_LIVING", "EXTREME_POVERTY"],
        True,
        "EXTREME_POVERTY",
        FULL,
        "320.00",
        "0.00",
        "已参保",
    ),
    (NANMING, ["OUT_OF_POVERTY"], "reversed", "OUT_OF_POVERTY", FIXED, "140.00", "180.00", "登记未缴"),
    # Registered before the window opened (三): the quote is refused, the roster pre-sets 二's figures.
    (NANMING, ["MINIMUM_LIVING"], "refused", "MINIMUM_LIVING", FIXED, "320.00", "0.00", "登记未缴"),
    (NANMING, ["OUT_OF_POVERTY"], None, "OUT_OF_POVERTY", FIXED, "140.00", "180.00", "未参保"),
    (NANMING, [], True, None, None, None, None, None),  # an ordinary payer: on no roster
    (HUCHAO, ["MINIMUM_LIVING"], True, "MINIMUM_LIVING", FIXED, "320.00", "0.00", "已参保"),
    (
        HUCHAO,
        ["FAMILY_PLANNING_HARDSHIP"],
        True,
        "FAMILY_PLANNING_HARDSHIP",
        FULL,
        "320.00",
        "0.00",
        "已参保",
    ),
    (
        HUCHAO,
        ["LOW_INCOME_FAMILY_VULNERABLE"],
        False,
        "LOW_INCOME_FAMILY_VULNERABLE",
        FIXED,
        "60.00",
        "260.00",
        "登记未缴",
    ),
    (HUCHAO, ["LOW_INCOME_MONITORED"], None, None, None, None, None, None),  # 二 does not subsidise it
]

_seq = count(1)


def resident(engine, rules, region: str, codes: list[str]) -> Person:
    n = next(_seq)
    person = PersonInput(name=f"居民{n}", hukou_region_code=region, id_number=id_number(region[:6], seq=n))
    register_household(
        engine, ADMIN, HouseholdInput(region, [MemberInput(person=person, is_head=True, relation="户主")])
    )
    with Session(engine) as session:
        row = session.exec(select(Person).where(Person.id_number == person.id_number)).one()
    for code in codes:
        record_category(
            engine, ADMIN, CategoryInput(row.id, code, since=date(2021, 1, 1)), rules.categories, None
        )
    return row


@pytest.fixture
def guiyang(engine):
    """The registry, and FIXTURE's persons in its order."""
    rules = load_registry()
    persons = []
    for region, codes, paid, *_ in FIXTURE:
        person = resident(engine, rules, region, codes)
        persons.append(person)
        if paid is None:
            continue
        on = REFUSED_ON if paid == "refused" else ENROLLED_ON
        data = EnrolmentInput(person.id, 2022, POLICY, f"e-{person.id}", region_code=region, on=on)
        enrolment = enrol(engine, ADMIN, data, rules)
        if paid is False or paid == "refused":
            continue
        due = Decimal(enrolment.amount_due_fen) / 100
        payment = record_payment(
            engine,
            ADMIN,
            PaymentInput(enrolment.id, due, PAID_ON, "TAX_MULTI_CHANNEL", f"p-{person.id}"),
            rules,
        )
        if paid == "reversed":
            reverse_payment(engine, ADMIN, ReversalInput(payment.id, "误缴", f"r-{person.id}"))
    return rules, persons


def run(engine, rules, name: str, region: str = GUIZHOU, as_of: date | None = None):
    with transaction(engine) as session:
        report = rules.reports.get(name)
        return rules.reports.run(session, Scope(path=None), rules, report, ReportArgs(region, 2022, as_of))


def snapshot_shares(engine, prefix: str = ""):
    """{source: [persons, yuan]} and {(source, category): …} from the paid enrolments' kept quotes."""
    per_source, per_category = defaultdict(lambda: [0, Decimal(0)]), defaultdict(lambda: [0, Decimal(0)])
    with Session(engine) as session:
        for enrolment in session.exec(select(Enrolment).where(Enrolment.coverage_year == 2022)).all():
            if not enrolment.region_code.startswith(prefix):
                continue
            ledger = session.exec(select(Payment).where(Payment.enrolment_id == enrolment.id)).all()
            if sum(1 if p.kind == "PAYMENT" else -1 for p in ledger) <= 0:
                continue
            quote = enrolment.snapshot["quote"]
            for share in quote.get("fundingShares") or []:
                for key, totals in (
                    (share["source"], per_source),
                    ((share["source"], quote["subsidyCategory"]), per_category),
                ):
                    totals[key][0] += 1
                    totals[key][1] += Decimal(share["amount"])
    return per_source, per_category


def test_subsidies_per_funding_source_equal_the_quotes_funding_shares(engine, guiyang):
    rules, _ = guiyang
    result = run(engine, rules, "guizhou_funding_sources")
    per_source, per_category = snapshot_shares(engine)
    subtotals = {r[0]: [r[4], r[5]] for r in result.rows if r[3] == "小计"}
    assert subtotals == {k: v for k, v in per_source.items()}
    categories = {(r[0], r[2]): [r[4], r[5]] for r in result.rows if r[2] is not None}
    assert categories == {k: v for k, v in per_category.items()}
    # The notice's own split (二): 低保 140 assistance + 贵阳 4:6 (72/108) or 贵安 180; 140 by the county.
    assert subtotals == {
        "MEDICAL_ASSISTANCE_FUND": [3, Decimal("600.00")],  # 140 + 320 (特困) + 140
        "CITY_FINANCE": [1, Decimal("72.00")],
        "COUNTY_FINANCE": [2, Decimal("248.00")],  # 108 + 140; the reversed 140 is not paid
        "NEW_AREA_FINANCE": [2, Decimal("500.00")],  # 180 + 320
    }
    total = result.rows[-1]
    assert total[1] == "合计" and total[4:] == (5, Decimal("1420.00"))
    assert sum(v[1] for v in per_source.values()) == total[5]


def test_a_payment_reversed_later_still_counts_as_of_a_day_before(engine, guiyang):
    rules, _ = guiyang
    result = run(engine, rules, "guizhou_funding_sources", as_of=BEFORE_REVERSAL)
    subtotals = {r[0]: [r[4], r[5]] for r in result.rows if r[3] == "小计"}
    assert subtotals["COUNTY_FINANCE"] == [3, Decimal("388.00")]  # 108 + 140 + the reversed 140


def test_guian_alone_has_only_its_own_sources(engine, guiyang):
    rules, _ = guiyang
    result = run(engine, rules, "guizhou_funding_sources", region=GUIAN)
    per_source, _ = snapshot_shares(engine, prefix=GUIAN)
    assert {r[0]: [r[4], r[5]] for r in result.rows if r[3] == "小计"} == dict(per_source)
    assert {r[0] for r in result.rows if r[0]} == {"MEDICAL_ASSISTANCE_FUND", "NEW_AREA_FINANCE"}


def expected_roster(persons, mask: bool = False):
    rows = []
    for person, (region, _, _, category, method, subsidy, due, status) in zip(persons, FIXTURE, strict=True):
        if category is None:
            continue
        number = mask_id_number(person.id_number) if mask else person.id_number
        rows.append((region, person.name, number, category, method, Decimal(subsidy), Decimal(due), status))
    return sorted(rows, key=lambda r: (r[0], r[2]))


def test_the_pre_collection_roster_lists_every_subsidised_identity_holder(engine, guiyang):
    rules, persons = guiyang
    result = run(engine, rules, "guizhou_pre_collection_roster")
    got = [(r[0], r[2], r[3], r[4], r[6], r[7], r[8], r[9]) for r in result.rows]
    assert got == expected_roster(persons, mask=True)  # run without `sees_identity`: masked
    assert result.rows[0][1] == "南明区" and result.rows[-1][1] == "湖潮乡"
    buffer = BytesIO()
    exports.write(buffer, "xlsx", result.headings, result.rows, result.report.title)
    table = [list(r) for r in load_workbook(BytesIO(buffer.getvalue())).active.iter_rows(values_only=True)]
    assert table[0] == [
        "地区代码",
        "户籍地",
        "姓名",
        "身份证号码",
        "资助类别代码",
        "资助类别",
        "资助方式",
        "资助金额（元）",
        "个人应缴（元）",
        "参保状态",
    ]
    assert len(table) == 1 + len(got)
    assert table[1][4:] == ["MINIMUM_LIVING", "低保对象", FIXED, 320, 0, "已参保"]
    # 参保状态 as every report counts (core/reports/counting.py): reversed and refused are 登记未缴.
    assert [r[9] for r in result.rows].count("登记未缴") == 3


ROSTER = """
query { reports { guizhouPreCollectionRoster(regionCode: "520000", coverageYear: 2022) {
  rows { regionCode name idNumber category method subsidy personalDue status } } } }
"""


def test_the_auditor_sees_masked_id_numbers_and_the_county_whole_ones(engine, guiyang, client_as):
    _, persons = guiyang
    for role, mask in (("AUDITOR", True), ("COUNTY_ADMIN", False)):
        rows = gql(client_as(role, GUIZHOU), ROSTER)["reports"]["guizhouPreCollectionRoster"]["rows"]
        got = [
            (
                r["regionCode"],
                r["name"],
                r["idNumber"],
                r["category"],
                r["method"],
                Decimal(r["subsidy"]),
                Decimal(r["personalDue"]),
                r["status"],
            )
            for r in rows
        ]
        assert got == expected_roster(persons, mask=mask)
        assert all(("*" in r["idNumber"]) is mask for r in rows)
