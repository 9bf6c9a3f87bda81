"""Generated malformed input: every answer is a typed error, never a server error, and nothing is stored.

The narrower tests below pin the bugs these generators once found (digit look-alikes in ID
numbers, unbounded amounts, unchecked text, non-object request bodies).
"""

import itertools
import json
import re
import string
import unicodedata
from datetime import date
from decimal import Decimal, DecimalException

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from stdnum.cn import ric

from tests.support.db_state import stored
from tests.support.factories import id_number, with_check_digit, wrong_check_digit
from tests.support.households import PAY, REGISTER, REVERSE, enrol, payment_input, register
from tests.support.tokens import bearer
from yibao.api.graphql.context import Context
from yibao.api.graphql.limits import MAX_ALIASES
from yibao.api.graphql.schema import default_schema
from yibao.core.testing.scenarios import registry

MASKED = "服务器内部错误，请稍后重试或联系管理员"
ERROR_CODES = {"REQUIRED", "INVALID", "NOT_FOUND", "DUPLICATE", "MISMATCH", "CONFLICT", "FORBIDDEN"}
LEDGER_MAX = Decimal("21474836.47")  # 2**31 - 1 fen: the most `payment.amount_fen` holds on PostgreSQL

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# The narrower tests aim at one kind of input: a few examples suffice.
PINNED = settings(FUZZ, max_examples=5, phases=[Phase.explicit, Phase.generate])
_keys = itertools.count()
# Lone surrogates are legal JSON escapes (\\ud800) but no database driver can store them.
SURROGATES = st.characters(categories=["Cs"])


def post_json(client, body):
    # json.dumps escapes lone surrogates ("\\ud800"), which JSON allows and httpx refuses to send.
    return client.post("/graphql", content=json.dumps(body), headers={"content-type": "application/json"})


def answer(client, query: str, **variables) -> dict:
    """The response body of an operation that the server must not have crashed on."""
    response = post_json(client, {"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert_typed(body.get("errors"))
    return body


def assert_typed(errors) -> None:
    for error in errors or []:
        assert error.get("message") and error["message"] != MASKED, error


def assert_input_errors(result: dict, field: re.Pattern) -> None:
    assert result["__typename"] == "InputErrors", result
    assert result["errors"], result
    assert {e["code"] for e in result["errors"]} <= ERROR_CODES, result
    assert any(field.fullmatch(e["field"]) for e in result["errors"]), result


# --- ID numbers ----------------------------------------------------------------------------------

PROVINCE_REGIONS = ["341721", "341702", "411322", "500230", "520100", "110101"]
FULL_WIDTH = str.maketrans(string.digits, "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans(string.digits, "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans(string.digits, "०१२३४५६७८९")
MATH_BOLD = str.maketrans(string.digits, "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")
SUPERSCRIPT = str.maketrans(string.digits, "⁰¹²³⁴⁵⁶⁷⁸⁹")
CIRCLED = str.maketrans(string.digits, "⓪①②③④⑤⑥⑦⑧⑨")


def could_be_valid(text: str) -> bool:
    """An over-approximation of acceptable IDs: 18 characters, digits in any script, right check digit."""
    number = unicodedata.normalize("NFKC", text).strip().upper()
    number = "".join(str(unicodedata.decimal(c, c)) if c != "X" else c for c in number)
    return bool(re.fullmatch(r"[0-9]{17}[0-9X]", number)) and ric.calc_check_digit(number) == number[17]


valid_ids = st.builds(
    id_number,
    region=st.sampled_from(PROVINCE_REGIONS),
    born=st.dates(date(1900, 1, 1), date(2024, 12, 31)),
    seq=st.integers(0, 499),
    male=st.booleans(),
)
wrong_check_digits = valid_ids.map(wrong_check_digit)


@st.composite
def impossible_birth_dates(draw) -> str:
    year, month, day = draw(st.integers(1800, 2099)), draw(st.integers(0, 99)), draw(st.integers(0, 99))
    try:
        date(year, month, day)
    except ValueError:
        pass
    else:
        month = draw(st.sampled_from([0, 13, 99]))  # a real date: make it impossible
    region, order = draw(st.sampled_from(PROVINCE_REGIONS)), draw(st.integers(0, 999))
    return with_check_digit(f"{region}{year:04d}{month:02d}{day:02d}{order:03d}")


@st.composite
def with_a_letter(draw) -> str:
    number = draw(valid_ids)
    at = draw(st.integers(0, 16))  # the 18th may be X
    letter = draw(st.characters(categories=["Lu", "Ll", "Lo"]).filter(lambda c: not c.isdigit()))
    return number[:at] + letter + number[at + 1 :]


invalid_by_construction = st.one_of(wrong_check_digits, impossible_birth_dates(), with_a_letter())
malformed_ids = st.one_of(
    st.text(max_size=40),
    st.text(string.digits + "Xx -", max_size=40).filter(lambda s: len(s.strip()) != 18),
    invalid_by_construction,
    st.tuples(
        invalid_by_construction, st.sampled_from([FULL_WIDTH, ARABIC_INDIC, DEVANAGARI, MATH_BOLD])
    ).map(lambda pair: pair[0].translate(pair[1])),
    st.text(st.characters(min_codepoint=0x80) | SURROGATES, min_size=1, max_size=40),
    st.text(min_size=200, max_size=3000),
    st.integers(19, 10_000).map(lambda n: "3" * n),
).filter(lambda s: not could_be_valid(s))


def one_member(number: str) -> dict:
    person = {"name": "赵模糊", "idNumber": number, "hukouRegionCode": "341721"}
    return {
        "addressRegionCode": "341721",
        "members": [{"isHead": True, "relation": "户主", "person": person}],
    }


@FUZZ
@given(number=malformed_ids)
def test_malformed_id_numbers_are_refused_on_the_member(client, engine, number):
    before = stored(engine)
    body = answer(client, REGISTER, input=one_member(number))
    result = body["data"]["registerHousehold"]
    assert_input_errors(result, re.compile(r"members\.0\.person\.idNumber"))
    assert all(e["field"].startswith("members.") for e in result["errors"]), result
    assert stored(engine) == before


@PINNED
@given(number=valid_ids, script=st.sampled_from(["superscript", "circled"]), at=st.integers(0, 16))
def test_digit_lookalikes_in_id_numbers_are_refused(client, engine, number, script, at):
    before = stored(engine)
    digit = number[at].translate({"superscript": SUPERSCRIPT, "circled": CIRCLED}[script])
    lookalike = number[:at] + digit + number[at + 1 :]
    result = answer(client, REGISTER, input=one_member(lookalike))["data"]["registerHousehold"]
    assert_input_errors(result, re.compile(r"members\.0\.person\.idNumber"))
    assert stored(engine) == before


ENDS_IN_DIGIT = id_number(born=date(1991, 2, 3), seq=40)
ENDS_IN_X = id_number(born=date(1991, 2, 3), seq=49)
# int() reads these digits but the check-digit comparison does not, so only an X-final ID slips through.
SCRIPTS = {
    "full-width": FULL_WIDTH,
    "math-bold": MATH_BOLD,
    "arabic-indic": ARABIC_INDIC,
    "devanagari": DEVANAGARI,
}


@pytest.mark.parametrize(
    ("script", "number"),
    [
        pytest.param(
            script,
            number,
            id=f"{name}-{number[-1]}",
        )
        for name, script in SCRIPTS.items()
        for number in (ENDS_IN_DIGIT, ENDS_IN_X)
    ],
)
def test_a_real_id_in_other_digits_is_stored_in_ascii_or_refused(client, engine, script, number):
    # Full-width digits are what a Chinese input method types; one person must have one ID spelling.
    # The province code stays ASCII: a translated one is refused by the province check alone.
    spelt = number[:2] + number[2:].translate(script)
    before = stored(engine)
    result = answer(client, REGISTER, input=one_member(spelt))["data"]["registerHousehold"]
    if result["__typename"] == "InputErrors":
        assert_input_errors(result, re.compile(r"members\.0\.person\.idNumber"))
        assert stored(engine) == before
    else:
        assert result["members"][0]["person"]["idNumber"] == number


# --- payments ------------------------------------------------------------------------------------


def acceptable_amount(text: str) -> bool:
    """What a clerk may record: a finite, non-negative amount in whole fen that the ledger can hold."""
    try:
        value = Decimal(text)
    except DecimalException:
        return False
    return (
        value.is_finite() and 0 <= value <= LEDGER_MAX and (value * 100) == (value * 100).to_integral_value()
    )


def real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def huge(text: str) -> bool:
    try:
        return Decimal(text).is_finite() and Decimal(text) > LEDGER_MAX
    except DecimalException:
        return False


decimal_text = st.decimals(allow_nan=True, allow_infinity=True).map(str)
malformed_amounts = st.one_of(
    st.sampled_from(
        ["-1", "-0.01", "NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "0.001", "", " ", "1,00"]
    ),
    st.decimals(max_value=Decimal("-0.01"), places=2, allow_nan=False).map(str),
    st.decimals(min_value=0, max_value=LEDGER_MAX, places=5, allow_nan=False).map(str),
    decimal_text,
    st.text(max_size=30),
).filter(lambda text: not acceptable_amount(text) and not huge(text))


huge_amounts = st.one_of(
    st.sampled_from(["1e9", "1e30", "1E+400", "21474836.48", "9" * 100]),
    st.integers(int(LEDGER_MAX) + 1, 10**40).map(str),
)


@st.composite
def impossible_dates(draw) -> str:
    year, month, day = draw(st.integers(-5, 99999)), draw(st.integers(-1, 99)), draw(st.integers(-1, 99))
    return draw(
        st.sampled_from(
            [f"{year:04d}-{month:02d}-{day:02d}", f"{year}-{month}-{day}", f"{day}/{month}/{year}"]
        )
    )


malformed_dates = st.one_of(
    st.sampled_from(
        ["", "2021-02-29", "2021-13-01", "2021-00-10", "0000-01-01", "10000-01-01", "2021-10-08T00:00"]
    ),
    impossible_dates(),
    st.text(max_size=30),
).filter(lambda text: not real_date(text))

bad_payments = st.one_of(
    st.tuples(st.just("amount"), malformed_amounts, st.just("2021-10-08")),
    st.tuples(st.just("paidOn"), st.just("320.00"), malformed_dates),
)


def assert_payment_refused(body: dict, field: str) -> None:
    if body.get("errors"):
        # An unparsable scalar: refused while reading the variables, before the resolver ran.
        assert (body.get("data") or {}).get("recordPayment") is None, body
        assert any(f".{field}" in e["message"] for e in body["errors"]), body
    else:
        assert_input_errors(body["data"]["recordPayment"], re.compile(re.escape(field)))


@pytest.fixture
def enrolment(client) -> dict:
    household = register(client)
    return enrol(client, household["members"][0]["person"]["id"])


@FUZZ
@given(bad=bad_payments)
def test_malformed_amounts_and_dates_are_refused(client, engine, enrolment, bad):
    field, amount, paid_on = bad
    before = stored(engine)
    request = payment_input(enrolment["id"], key=f"fuzz-{next(_keys)}", amount=amount) | {"paidOn": paid_on}
    assert_payment_refused(answer(client, PAY, input=request), field)
    assert stored(engine) == before


@PINNED
@given(amount=huge_amounts)
def test_amounts_beyond_the_ledger_are_refused(client, engine, enrolment, amount):
    before = stored(engine)
    request = payment_input(enrolment["id"], key=f"huge-{next(_keys)}", amount=amount)
    assert_payment_refused(answer(client, PAY, input=request), "amount")
    assert stored(engine) == before


COLUMN_LENGTHS = {"channel": 32, "collector": 64, "idempotencyKey": 100}  # core/models/payment.py
fitting_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=32)


@FUZZ
@given(field=st.sampled_from(list(COLUMN_LENGTHS)), text=fitting_text)
def test_any_text_that_fits_a_payment_is_recorded_or_refused(client, engine, enrolment, field, text):
    before = stored(engine)
    request = payment_input(enrolment["id"], key=f"text-{next(_keys)}") | {field: text}
    result = answer(client, PAY, input=request)["data"]["recordPayment"]
    if result["__typename"] == "InputErrors":
        assert_input_errors(result, re.compile(field))
        assert stored(engine) == before
    else:  # one standing payment per enrolment: cancel it, so the next example can pay again
        reversal = {"paymentId": result["id"], "reason": "fuzz", "idempotencyKey": f"rev-{next(_keys)}"}
        assert answer(client, REVERSE, input=reversal)["data"]["reversePayment"]["__typename"] == "Payment"


@st.composite
def unfit_text(draw) -> tuple[str, str]:
    field = draw(st.sampled_from(list(COLUMN_LENGTHS)))
    too_long = st.text(min_size=COLUMN_LENGTHS[field] + 1, max_size=400)
    spoilt = st.tuples(st.text(max_size=10), st.just("\x00") | SURROGATES).map("".join)
    return field, draw(too_long | spoilt)


@PINNED
@given(unfit=unfit_text())
def test_text_a_payment_column_cannot_hold_is_refused(client, engine, enrolment, unfit):
    field, text = unfit
    before = stored(engine)
    request = payment_input(enrolment["id"], key=f"unfit-{next(_keys)}") | {field: text}
    assert_input_errors(answer(client, PAY, input=request)["data"]["recordPayment"], re.compile(field))
    assert stored(engine) == before


# --- quote: public, and no database ---------------------------------------------------------------

RULES = registry()
POLICY_IDS = [policy.id for policy in RULES.policies(None)]
CATEGORY_CODES = ["EXTREME_POVERTY", "ORPHAN", "MINIMUM_LIVING", "SEVERE_DISABILITY", "OUT_OF_POVERTY"]
EVENT_KINDS = ["RELEASED_FROM_PRISON", "MILITARY_DISCHARGE", "EMPLOYEE_INSURANCE_LAPSE", "GRADUATION"]
QUOTE = """
query($input: QuoteInput!) {
  quote(input: $input) {
    accepted rejectionReason tier amountDue refundDue subsidy coverageStart coverageEnd waitingUntil
    fundingShares { source amount } explanation { __typename }
  }
}"""

int32 = st.integers(-(2**31), 2**31 - 1)
# Mostly plausible values, so that some requests get past validation into the rules themselves.
any_dates = st.one_of(st.dates(), st.dates(date(1930, 1, 1), date(2026, 12, 31)))
pay_dates = any_dates | st.dates(date(2021, 9, 1), date(2024, 12, 31))
quote_inputs = st.fixed_dictionaries(
    {
        "policyId": st.sampled_from(POLICY_IDS) | st.sampled_from(POLICY_IDS) | st.text(max_size=30),
        "paidOn": pay_dates,
        "person": st.fixed_dictionaries(
            {"birthDate": any_dates},
            optional={
                "categories": st.lists(
                    st.fixed_dictionaries(
                        {
                            "code": st.sampled_from(CATEGORY_CODES)
                            | st.sampled_from(CATEGORY_CODES)
                            | st.text(max_size=20)
                        },
                        optional={"since": st.none() | any_dates, "grade": st.none() | int32},
                    ),
                    max_size=2,
                ),
                "events": st.lists(
                    st.fixed_dictionaries(
                        {
                            "kind": st.one_of(st.sampled_from(EVENT_KINDS), st.text(max_size=20)),
                            "on": any_dates,
                        },
                        optional={"priorContinuousMonths": st.none() | int32},
                    ),
                    max_size=2,
                ),
                "collegeStudent": st.booleans(),
                "migrantWorker": st.booleans(),
                "guardianEnrolled": st.booleans(),
                "areaCode": st.none() | st.sampled_from(["341721", "341702", "500230"]) | st.text(max_size=8),
            },
        ),
    },
    optional={"tier": st.none() | st.sampled_from(["1", "2"]) | st.text(max_size=5)},
)


def as_variables(value):
    """Dates as the ISO strings a client sends."""
    if isinstance(value, dict):
        return {k: as_variables(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_variables(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


@settings(FUZZ, max_examples=150)
@given(request=quote_inputs)
def test_any_well_typed_quote_request_gets_a_quote_or_a_typed_refusal(request):
    context = Context(engine=None, registry=RULES)
    result = default_schema().execute_sync(
        QUOTE, variable_values={"input": as_variables(request)}, context_value=context
    )
    if result.errors:
        for error in result.errors:
            assert error.message != MASKED, error.original_error
            assert (error.extensions or {}).get("code") in {"NOT_FOUND", "INVALID"}, error
        assert result.data is None
    else:
        assert isinstance(result.data["quote"]["accepted"], bool)
        assert request["paidOn"] >= request["person"]["birthDate"], "paid before being born, yet quoted"


# --- garbage documents and request envelopes ------------------------------------------------------

PATH = "household { members { person { "


def deep(levels: int) -> str:
    return "{ persons(first: 1) { nodes { " + PATH * levels + "id" + " } } }" * levels + " } } }"


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: policies {{ regionCode }}" for i in range(count)) + " }"


# No `id`, `code` or `__typename`: token soup can then never be a valid operation.
TOKENS = ["{", "}", "(", ")", "[", "]", ":", "$x", "!", "=", "...", "@skip", "on", "query", "mutation",
          "fragment", "subscription", "policies", "quote", "registerHousehold", "input", "Int", "String",
          '"', '"""', "#", "1e999", "null", "true", "\\u0000", ","]  # fmt: skip
garbage = st.one_of(
    st.text(st.characters() | SURROGATES, max_size=300),
    st.text("{}()[]:$@!.\n\"' aqx", min_size=1, max_size=300),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=120).map(" ".join),
    st.integers(1, 3000).map(lambda n: "{" * n),
    st.integers(1, 2000).map(lambda n: "{ a" * n + "}" * (n // 2)),
)


@pytest.fixture
def raw_client(app):
    """Reports a crash as the 500 a caller would see instead of raising it into the test."""
    with TestClient(app, headers=bearer("COUNTY_ADMIN", "340000"), raise_server_exceptions=False) as client:
        yield client


def refusal_of(client, document: str) -> list[str]:
    response = post_json(client, {"query": document})
    assert response.status_code in (200, 400), (response.status_code, response.text[:500])
    if response.status_code == 400:
        assert response.text.strip(), "a 400 must say why"
        return [response.text]
    errors = response.json().get("errors")
    assert errors, response.text[:500]
    assert_typed(errors)
    return [e["message"] for e in errors]


@FUZZ
@given(document=garbage)
def test_garbage_documents_are_refused_with_a_message(raw_client, document):
    refusal_of(raw_client, document)


@FUZZ
@given(levels=st.integers(4, 40))
def test_documents_deeper_than_the_limit_are_refused(raw_client, levels):
    messages = refusal_of(raw_client, deep(levels))
    assert any("查询嵌套超过" in m for m in messages), messages


@FUZZ
@given(count=st.integers(MAX_ALIASES + 1, 60) | st.just(40))
def test_documents_with_too_many_aliases_are_refused(raw_client, count):
    messages = refusal_of(raw_client, aliases(count))
    assert any("别名" in m for m in messages), messages


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "query": json_values | garbage | st.just("{ policies { regionCode } }"),
        "variables": json_values,
        "operationName": json_values,
        "extensions": json_values,
    },
)


@FUZZ
@given(body=envelopes | st.lists(envelopes, min_size=1, max_size=3))
def test_malformed_request_envelopes_are_refused(raw_client, body):
    response = post_json(raw_client, body)
    assert response.status_code in (200, 400), (body, response.status_code, response.text[:500])
    if response.status_code == 200:
        for result in response.json() if isinstance(body, list) else [response.json()]:
            assert_typed(result.get("errors"))


@PINNED
@given(
    body=st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.lists(st.integers() | st.text(), min_size=1)
)
def test_request_bodies_that_are_not_objects_are_refused(raw_client, body):
    response = post_json(raw_client, body)
    assert response.status_code == 400, (body, response.status_code, response.text[:500])
