"""jiading_union.safejson: JSON from outside, with a byte cap and a depth cap checked without recursion."""

from decimal import Decimal

import pytest

from jiading_union import safejson


def test_plain_json_parses_and_keyword_arguments_pass_through():
    assert safejson.loads('{"a": [1, {"b": "2.50"}], "c": 2.5}', parse_float=Decimal) == {
        "a": [1, {"b": "2.50"}],
        "c": Decimal("2.5"),
    }
    assert safejson.loads(b'\xef\xbb\xbf{"\xe5\x90\x8d": 1}') == {"名": 1}


def test_depth_counts_arrays_and_objects_but_not_brackets_inside_strings():
    assert safejson.depth('{"a": [[1]], "b": "[[[[{{{{", "c": "\\"[[[", "d": "\\\\"}') == 3
    at_limit = "[" * safejson.MAX_DEPTH + "]" * safejson.MAX_DEPTH
    assert safejson.loads(at_limit) is not None
    with pytest.raises(ValueError, match=safejson.TOO_DEEP.format(limit=safejson.MAX_DEPTH)):
        safejson.loads("[" + at_limit + "]")


def test_a_million_levels_is_refused_without_recursion():
    with pytest.raises(ValueError, match="嵌套超过 5 层"):
        safejson.loads('{"a":' * 1_000_000 + "1" + "}" * 1_000_000, max_bytes=10_000_000, max_depth=5)


@pytest.mark.parametrize("data", ["[" + '"字",' * 100 + '"字"]', ("[" + '"字",' * 100 + '"字"]').encode()])
def test_the_byte_cap_counts_utf8_bytes(data):
    with pytest.raises(ValueError, match="JSON 超过 500 字节"):
        safejson.loads(data, max_bytes=500)
    assert len(safejson.loads(data, max_bytes=1000)) == 101


@pytest.mark.parametrize(
    "data, message",
    [
        ("{'a': 1}", safejson.INVALID.format(line=1, column=2)),
        ("[1,\n  ]", safejson.INVALID.format(line=2, column=3)),
        ("9" * 5000, safejson.UNPARSABLE),
        (b"\xff\xfe", safejson.NOT_TEXT),
    ],
)
def test_errors_are_chinese_sentences_saying_where(data, message):
    with pytest.raises(ValueError) as excinfo:
        safejson.loads(data)
    assert str(excinfo.value) == message
