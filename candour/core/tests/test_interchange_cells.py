"""The rules of candour/core/interchange/cells.py: formula-looking text is quoted on export and
unquoted on import with nothing lost; control characters are found in text and in bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from candour.core.interchange import cells

# Text that often begins with a formula start or a quote, and sometimes with several.
STARTS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "'", "", "a", "5", " "])
TEXT = st.builds(lambda a, b, rest: a + b + rest, STARTS, STARTS, st.text(max_size=8))


def test_owasp_formula_starts_are_quoted():
    for text in ('=HYPERLINK("http://x")', "+1", "-5 days", "@SUM(A1)", "\tx", "\rx", "-"):
        assert cells.neutralise(text) == "'" + text


def test_ordinary_text_is_written_as_it_is():
    for text in ("", "CO/1", "2021-05-04", "O'Brien", "'quoted'", " =1", "5-1"):
        assert cells.neutralise(text) == text


def test_a_text_that_already_begins_with_a_quote_and_a_formula_start_gets_another_quote():
    assert cells.neutralise("'=1") == "''=1"
    assert cells.neutralise("''") == "'''"
    assert cells.restore("''=1") == "'=1"


@given(TEXT)
def test_restore_undoes_neutralise_for_any_text(text):
    assert cells.restore(cells.neutralise(text)) == text


@given(TEXT)
def test_no_neutralised_text_begins_with_a_formula_start(text):
    assert cells.neutralise(text)[:1] not in cells.FORMULA_STARTS


@given(st.lists(TEXT, max_size=5))
def test_a_row_is_neutralised_cell_by_cell(row):
    assert cells.neutralise_row(row) == [cells.neutralise(text) for text in row]


def test_tab_line_feed_and_carriage_return_are_not_control_characters_here():
    assert cells.control_character("a\tb\nc\r") is None
    assert not cells.has_control_bytes(b"a\tb\nc\r")


def test_a_control_character_is_named_with_its_code_and_place():
    sentence = cells.control_character("CO/\x001")
    assert sentence is not None
    assert sentence.startswith("holds the control character U+0000 at character 4")


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF, exclude_categories=["Cs"])))
def test_the_byte_search_finds_exactly_what_the_text_search_finds(text):
    found_in_text = cells.CONTROL.search(text) is not None
    assert cells.has_control_bytes(text.encode("utf-8")) == found_in_text
    assert found_in_text == any(
        ch not in "\t\n\r" and (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in text
    )
