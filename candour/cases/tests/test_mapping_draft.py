"""``candour mapping draft``: a starting mapping that needs only the value choices filled in
(docs/interchange.md, "Drafting a mapping")."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.cases.interchange.layout import COLUMNS
from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core.interchange.mapping import MappingError, load_mapping, normalise
from candour.core.models import Person

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
UK_SAMPLE = ROOT.parent / "docs" / "examples" / "foreign" / "uk-force-foi.csv"
UK_MAPPING = ROOT / "cases" / "mappings" / "uk-force-foi.yaml"
NYC_SAMPLE = ROOT / "cases" / "tests" / "data" / "nyc-ccrb-allegations-202007271729-sample.csv"


def drafted(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("mapping", "draft", str(path), *args, stdout=out)
    return out.getvalue()


def fill_in(text: str, choices: dict[str, dict[str, str]], force: str) -> tuple[str, int]:
    """Replace every ``~`` of a draft with the code ``choices`` gives its source text (by
    column), and the force's constant; return the text and how many were filled."""
    column, filled, lines = "", 0, []
    for line in text.splitlines():
        top = re.match(r"^  (\w+):", line)
        if top:
            column = top.group(1)
        if line.strip() == "force: {constant: ~}":
            line, filled = f"  force: {{constant: {force}}}", filled + 1
        value = re.match(r'^(\s+)("(?:[^"\\]|\\.)*"): ~(.*)$', line)
        if value:
            code = choices[column][normalise(json.loads(value.group(2)))]
            line = f"{value.group(1)}{value.group(2)}: {json.dumps(code)}{value.group(3)}"
            filled += 1
        lines.append(line)
    return "\n".join(lines) + "\n", filled


def figures() -> tuple[int, int, int, Counter[tuple[str, ...]]]:
    parts = Counter(
        AllegationSubject.objects.values_list(
            "allegation__case__ref",
            "allegation__case__case_type",
            "allegation__category_id",
            "subject__ref",
            "subject_sex",
            "subject_rank",
            "iopc_referral",
            "severity",
            "proceedings",
            "outcome",
            "outcome_date",
        )
    )
    return Case.objects.count(), Allegation.objects.count(), Person.objects.count(), parts


def test_a_uk_foi_draft_with_its_values_filled_in_imports_as_the_shipped_mapping_does(tmp_path):
    text = drafted(UK_SAMPLE)
    # Every column of the file is described, with its distinct values.
    for name in ("PSD Reference", "Date Received", "Officer", "Date Finalised"):
        assert f'#   "{name}":' in text
    assert '#   "Gender": 3 distinct, 0 rows empty: "Male", "Female", "Not Recorded"' in text
    # The columns are guessed from their names and values; only value choices are left.
    assert '  case_ref: "PSD Reference"' in text
    assert '  received_date: {from: "Date Received", date_format: "%d/%m/%Y"}' in text
    assert '  outcome_date: {from: "Date Finalised", date_format: ["%d/%m/%Y", "%d.%m.%Y"]}' in text
    assert '  subject_ref: {template: "{PSD Reference}-{Officer}"}' in text
    assert '      "Male": "male"' in text and '      "Sexual Assault": "sexual_assault"' in text
    assert '    split: ","' in text

    draft_path = tmp_path / "draft.yaml"
    draft_path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=r"line \d+, columns.force.constant: has no value yet"):
        load_mapping(draft_path, "cases", COLUMNS)

    shipped = load_mapping(UK_MAPPING, "cases", COLUMNS)
    choices = {name: rule.values or {} for name, rule in shipped.rules.items()}
    done, filled = fill_in(text, choices, force="cambridgeshire")
    assert filled > 10 and not re.search(r": ~", done)
    draft_path.write_text(done, encoding="utf-8")

    call_command(
        "import", "cases", str(UK_SAMPLE), "--mapping", str(draft_path), stdout=io.StringIO()
    )
    from_draft = figures()
    Case.objects.all().delete()
    Person.objects.all().delete()
    call_command(
        "import", "cases", str(UK_SAMPLE), "--mapping", str(UK_MAPPING), stdout=io.StringIO()
    )
    assert from_draft == figures()
    assert from_draft[0] == 6


def test_a_value_left_without_a_code_is_refused_with_its_line(tmp_path) -> None:
    text = drafted(UK_SAMPLE).replace("force: {constant: ~}", "force: {constant: norfolk}")
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines, start=1) if line.endswith(": ~   # 7 rows"))
    with pytest.raises(MappingError) as refused:
        load_mapping(path, "cases", COLUMNS)
    message = str(refused.value)
    assert (
        f"columns.case_type.values: 1 source text has no code yet (~): line {first} ('Conduct')"
        in message
    )
    assert 'or "" for none' in message


def test_the_nyc_ccrb_draft_finds_the_keys_the_sex_codes_and_the_copies() -> None:
    text = drafted(NYC_SAMPLE)
    assert text.startswith("# A starting mapping for nyc-ccrb-allegations-202007271729-sample.csv")
    assert "duplicate_rows: drop   # 5 rows are exact copies of an earlier row" in text
    assert '  case_ref: "complaint_id"' in text
    assert '  subject_ref: "unique_mos_id"' in text
    assert '      "M": "male"' in text and '      "F": "female"' in text
    # No single column holds the day received (month and year apart): left to the user.
    assert "  received_date: ~" in text
    # Every distinct disposition is listed to map, most frequent first, with its rows.
    dispositions = re.findall(
        r'^      "(Substantiated[^"]*|Exonerated|Unsubstantiated)": ', text, re.M
    )
    assert "Exonerated" in dispositions and len(dispositions) >= 4


def test_a_draft_is_written_to_a_new_file_only_and_lists_at_most_the_values_asked(tmp_path) -> None:
    out = tmp_path / "map.yaml"
    err = io.StringIO()
    call_command(
        "mapping", "draft", str(NYC_SAMPLE), "--out", str(out), "--values", "2", stderr=err
    )
    assert out.read_text(encoding="utf-8").count("# ... and ") >= 1
    assert f"Wrote {out}:" in err.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command("mapping", "draft", str(NYC_SAMPLE), "--out", str(out))
    assert refused.value.returncode == 2 and "already exists" in str(refused.value)
    with pytest.raises(CommandError) as unreadable:
        call_command("mapping", "draft", str(tmp_path / "missing.csv"))
    assert "There is no file" in str(unreadable.value)


def test_a_workforce_draft_guesses_the_dates_and_codes(tmp_path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(
        "Force,Employee ID,Rank,Gender,Start Date,Leaving Date\n"
        "norfolk,E1,PC,M,03/09/2015,\n"
        "norfolk,E2,Sergeant,F,21/01/2010,30/06/2022\n",
        encoding="utf-8",
    )
    text = drafted(path, "--kind", "workforce")
    assert '  force: "Force"   # every value is already a Candour code' in text
    assert '  person_ref: "Employee ID"' in text
    assert '  joined_date: {from: "Start Date", date_format: "%d/%m/%Y"}' in text
    assert '  left_date: {from: "Leaving Date", date_format: "%d/%m/%Y"}' in text
    assert '      "Sergeant": "sergeant"' in text and '      "PC": ~' in text
