"""The nickname table is data with its source noted, and reads as formal names and families."""

from candour.vetting.datawash.nicknames import NICKNAMES_CSV, formal_names, name_families


def test_the_table_notes_its_source():
    assert "Source:" in NICKNAMES_CSV.read_text(encoding="utf-8").split("name,nickname")[0]


def test_it_holds_a_few_hundred_common_pairs():
    assert len(formal_names()) > 300
    assert "william" in formal_names()["bill"]
    assert "margaret" in formal_names()["peggy"]
    assert "robert" in formal_names()["bob"]
    assert "elizabeth" in formal_names()["liz"]


def test_names_sharing_a_formal_name_share_a_family():
    families = name_families()
    assert families["bill"] == families["will"] == families["william"]
