"""A JSON column's text: orjson's compact UTF-8, reading back as json.dumps's did; json.dumps for
what orjson refuses."""

import json

import pytest

from yibao.core.json_text import json_text

DOCUMENTS = [
    {"policyId": "anhui/341721/2022", "documents": ["东政办〔2021〕6号"], "amountDue": "320.00"},
    {"facts": {"events": [], "collegeStudent": False}, "waitingMonths": None, "share": 0.5},
    [1, -2, 3.25, "张三", None, True, {"nested": [[]]}],
    "全是文字",
    None,
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_a_document_reads_back_as_json_dumps_wrote_it(document):
    text = json_text(document)
    assert json.loads(text) == json.loads(json.dumps(document)) == document


def test_the_text_is_compact_utf_8():
    assert json_text({"名": "张三", "n": [1, 2]}) == '{"名":"张三","n":[1,2]}'
    assert len(json_text(DOCUMENTS[0]).encode()) < len(json.dumps(DOCUMENTS[0]).encode())


def test_keys_that_are_not_text_become_text_as_json_dumps_makes_them():
    document = {1: "one", None: "none", False: "no"}
    assert (
        json.loads(json_text(document))
        == json.loads(json.dumps(document))
        == {
            "1": "one",
            "null": "none",
            "false": "no",
        }
    )


def test_what_orjson_refuses_is_written_by_json_dumps():
    for document in ({"lone": "\ud800"}, {"large": 2**70}):
        assert json_text(document) == json.dumps(document)
