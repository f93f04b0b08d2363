"""Mapping features for real exports (docs/interchange.md, "Mapping files"): value patterns,
the first non-empty of several columns, a part of a value, a row's number within a group,
exact duplicate rows dropped with a report, and the mapping file's own checks."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.cases.models import Allegation, AllegationSubject, Case

pytestmark = pytest.mark.django_db

HEAD = "kind: cases\ncolumns:\n  force: {constant: norfolk}\n  case_type: {constant: complaint}\n"


def files(tmp_path, mapping: str, csv: str) -> tuple[str, str]:
    (tmp_path / "map.yaml").write_text(HEAD + mapping, encoding="utf-8")
    (tmp_path / "in.csv").write_text(csv, encoding="utf-8")
    return str(tmp_path / "in.csv"), str(tmp_path / "map.yaml")


def run(path: str, mapping: str) -> str:
    out = io.StringIO()
    call_command("import", "cases", path, "--mapping", mapping, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rejected(path: str, mapping: str) -> tuple[int, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import", "cases", path, "--mapping", mapping, stdout=io.StringIO(), stderr=err
        )
    return failure.value.returncode, err.getvalue() + str(failure.value)


def outcomes() -> dict[str, str]:
    return dict(AllegationSubject.objects.values_list("allegation__ref", "outcome"))


def test_patterns_map_values_by_prefix_or_regex_after_the_listed_values(tmp_path):
    path, mapping = files(
        tmp_path,
        "  outcome:\n    from: Result\n    values: {Substantiated (Charges): other}\n"
        "    patterns:\n"
        "      - {prefix: substantiated  (command discipline, code: management_action}\n"
        "      - {regex: '^Sub.*(Instructions|Training)\\)$', code: management_advice}\n"
        "      - {prefix: Substantiated, code: written_warning}\n",
        "case_ref,received_date,allegation_ref,category,Result\n"
        "C1,2020-01-01,A1,use_of_force,Substantiated (Charges)\n"
        "C1,2020-01-01,A2,use_of_force,Substantiated (Command Discipline)\n"
        "C1,2020-01-01,A3,use_of_force,SUBSTANTIATED (Command Discipline B)\n"
        "C1,2020-01-01,A4,use_of_force,Substantiated (Formalized Training)\n"
        "C1,2020-01-01,A5,use_of_force,Substantiated (No Recommendations)\n",
    )

    run(path, mapping)

    assert outcomes() == {
        "A1": "other",  # listed values first
        "A2": "management_action",  # a prefix, ignoring case and spacing
        "A3": "management_action",
        "A4": "management_advice",  # a regular expression
        "A5": "written_warning",  # the first pattern that matches
    }


def test_a_value_no_pattern_matches_is_reported_once_under_the_file_s_column(tmp_path):
    path, mapping = files(
        tmp_path,
        "  category:\n    from: Kind\n    patterns: [{prefix: Force, code: use_of_force}]\n",
        "case_ref,received_date,allegation_ref,Kind\n"
        "C1,2020-01-01,A1,Force\nC1,2020-01-01,A2,Rudeness\nC1,2020-01-01,A3,Rudeness\n",
    )

    code, report = rejected(path, mapping)

    assert code == 1
    assert "Row 3, column 'Kind': 'Rudeness' has no mapping to a category value" in report
    assert "is required and is empty" not in report
    assert "Column 'Kind', 2 rows:" in report  # the summary by column heads the report


def test_first_of_takes_the_first_non_empty_column_or_template(tmp_path):
    path, mapping = files(
        tmp_path,
        "  subject_ref: {first_of: [Officer ID, Badge, '{Ref}-{Initials}']}\n  case_ref: Ref\n",
        "Ref,received_date,allegation_ref,category,Officer ID,Badge,Initials\n"
        "C1,2020-01-01,A1,use_of_force,P7,B1,JS\n"
        "C1,2020-01-01,A2,use_of_force,,B1,JS\n"
        "C1,2020-01-01,A3,use_of_force,,,JS\n"
        "C1,2020-01-01,A4,use_of_force,,,\n",
    )

    run(path, mapping)

    assert dict(AllegationSubject.objects.values_list("allegation__ref", "subject__ref")) == {
        "A1": "P7",
        "A2": "B1",
        "A3": "C1-JS",
        "A4": None,  # none of them: an unidentified subject
    }


def test_extract_keeps_a_part_of_the_value(tmp_path):
    path, mapping = files(
        tmp_path,
        "  category:\n    from: Code\n    extract: '^([A-Z0-9]+)\\s*-'\n"
        "    values: {05A: use_of_force, 10J: impolite_language}\n",
        "case_ref,received_date,allegation_ref,Code\n"
        "C1,2020-01-01,A1,05A - EXCESSIVE FORCE\n"
        "C1,2020-01-01,A2,10J-RUDE LANGUAGE\n",
    )

    run(path, mapping)

    assert dict(Allegation.objects.values_list("ref", "category")) == {
        "A1": "use_of_force",
        "A2": "impolite_language",
    }


def test_a_value_without_the_part_extract_looks_for_is_reported(tmp_path):
    path, mapping = files(
        tmp_path,
        "  category:\n    from: Code\n    extract: '^([A-Z0-9]+)\\s*-'\n    values: {05A: use_of_force}\n",
        "case_ref,received_date,allegation_ref,Code\nC1,2020-01-01,A1,EXCESSIVE FORCE\n",
    )

    code, report = rejected(path, mapping)

    assert code == 1
    assert "Row 2, column 'Code': 'EXCESSIVE FORCE' does not hold the part" in report
    assert "is required and is empty" not in report


def test_a_template_numbers_the_rows_of_a_group_and_takes_the_first_non_empty_field(tmp_path):
    path, mapping = files(
        tmp_path,
        "  allegation_ref:\n    template: '{Officer}/{Text|Type}/{#}'\n"
        "    number_within: [Complaint, Officer, Text|Type]\n"
        "  case_ref: Complaint\n  subject_ref: Officer\n",
        "Complaint,received_date,category,Officer,Text,Type,Complainant\n"
        "C1,2020-01-01,use_of_force,P1,Force,Force,woman\n"
        "C1,2020-01-01,use_of_force,P1,Force,Force,man\n"  # a second complainant
        "C1,2020-01-01,use_of_force,P2,Force,Force,man\n"
        "C2,2020-01-01,use_of_force,P1,Force,Force,man\n"
        "C2,2020-01-01,use_of_force,P1,,Force,man\n",  # no text: the type stands in
    )

    run(path, mapping)
    again = run(path, mapping)

    assert sorted(Allegation.objects.values_list("case__ref", "ref")) == [
        ("C1", "P1/Force/1"),
        ("C1", "P1/Force/2"),
        ("C1", "P2/Force/1"),
        ("C2", "P1/Force/1"),
        ("C2", "P1/Force/2"),  # numbered within the key's own values, so never repeated
    ]
    assert "5 rows read: 0 created, 0 updated, 5 unchanged." in again


def test_exact_duplicate_rows_are_dropped_and_reported_when_the_mapping_says_so(tmp_path):
    rows = (
        "case_ref,received_date,allegation_ref,category\n"
        "C1,2020-01-01,A1,use_of_force\nC1,2020-01-01,A2,use_of_force\n"
        "C1,2020-01-01,A1,use_of_force\nC1,2020-01-01,A1,use_of_force\n"
    )
    path, keep = files(tmp_path, "", rows)

    code, report = rejected(path, keep)  # by default a copy is a repeated key
    assert code == 1
    assert "Row 4, column subject_ref: repeats row 2" in report

    (tmp_path / "drop.yaml").write_text("duplicate_rows: drop\n" + HEAD, encoding="utf-8")
    out = run(path, str(tmp_path / "drop.yaml"))

    assert "4 rows read: 2 created" in out
    assert "exact duplicate rows dropped: 2" in out
    assert (
        "2 rows were exact copies of an earlier row and left out, as the mapping's "
        "duplicate_rows: drop asks: row 4 (a copy of row 2), row 5 (a copy of row 2)."
    ) in out
    assert Allegation.objects.count() == 2
    assert Case.objects.count() == 1
    from candour.core.models import AuditEntry  # noqa: PLC0415

    detail = json.loads(AuditEntry.objects.filter(action="import").latest("id").detail)
    assert detail["exact_duplicate_rows_dropped"] == 2  # the audit entry counts them too
    assert detail["rows_read"] == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("duplicate_rows: maybe\n" + HEAD, "duplicate_rows: 'maybe' is neither 'keep' nor 'drop'"),
        ("rows: 1\n" + HEAD, "map.yaml, line 1: unknown section rows"),
        (
            HEAD + "  allegation_ref: {template: '{A}/{#}'}\n",
            "{#} (the row's number within its group) and number_within",
        ),
        (
            HEAD + "  allegation_ref: {template: '{A}', number_within: [A]}\n",
            "give both or neither",
        ),
        (
            HEAD + "  category: {from: C, extract: '(['}\n",
            "columns.category.extract: '([' is not a regular expression",
        ),
        (
            HEAD + "  category: {from: C, patterns: [{prefix: F}]}\n",
            "map.yaml, line 5, columns.category.patterns[1]: give one of prefix or regex, and the code",
        ),
        (
            HEAD + "  category: {from: C, patterns: {prefix: F}}\n",
            "columns.category.patterns: list the patterns",
        ),
        (
            HEAD + "  subject_ref: {first_of: [A]}\n",
            "columns.subject_ref.first_of: list two or more",
        ),
    ],
)
def test_a_wrong_feature_in_a_mapping_is_bad_usage_naming_where(tmp_path, text, message):
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "in.csv").write_text("case_ref\nC1\n", encoding="utf-8")

    code, report = rejected(str(tmp_path / "in.csv"), str(tmp_path / "map.yaml"))

    assert code == 2
    assert message in report


def test_an_unknown_category_code_points_to_the_categories_page(tmp_path):
    path, mapping = files(
        tmp_path, "", "case_ref,received_date,allegation_ref,category\nC1,2020-01-01,A1,rudeness\n"
    )

    _, report = rejected(path, mapping)

    assert (
        "'rudeness' is not a category code; the codes are listed in docs/categories.md." in report
    )
    assert "candour/reference" not in report


def join_files(tmp_path, second: str, join: str = "{file: complaints.csv, on: Complaint}"):
    (tmp_path / "complaints.csv").write_text(second, encoding="utf-8")
    return files(
        tmp_path,
        "  case_ref: Complaint\n  received_date: {from: Received, date_format: '%m/%d/%y'}\n"
        "  category: {from: Kind, values: {Force: use_of_force}}\n",
        "Complaint,allegation_ref,Kind\nC1,A1,Force\nC1,A2,Force\nC2,A1,Force\n",
    )[0], _with_join(tmp_path, join)


def _with_join(tmp_path, join: str) -> str:
    path = tmp_path / "map.yaml"
    path.write_text(f"join: {join}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    return str(path)


def test_a_second_file_joined_on_a_key_gives_each_row_its_columns(tmp_path):
    path, mapping = join_files(
        tmp_path, "Complaint,Received,Summary\nC2,2/3/19,text\nC1,1/7/13,more text\nC3,1/1/20,\n"
    )

    out = run(path, mapping)

    assert "3 rows read: 3 created" in out
    assert dict(Case.objects.values_list("ref", "received_date__year")) == {"C1": 2013, "C2": 2019}


def test_a_key_the_joined_file_repeats_with_other_values_is_a_conflict_and_nothing_is_written(
    tmp_path,
):
    path, mapping = join_files(tmp_path, "Complaint,Received\nC1,1/7/13\nC2,2/3/19\nC1,1/8/13\n")

    code, report = rejected(path, mapping)

    assert code == 1
    assert (
        "Row 1, column header: complaints.csv gives the key Complaint 'C1' twice with different "
        "values (Received '1/7/13' in row 2, '1/8/13' in row 4)" in report
    )
    assert Case.objects.count() == 0


def test_a_key_the_joined_file_repeats_with_the_same_values_is_read_once(tmp_path):
    # Chicago's complaints file has a row per address of a complaint, each with its dates.
    path, mapping = join_files(
        tmp_path, "Complaint,Received\nC1,1/7/13\nC2,2/3/19\nC1,1/7/13\nC1,1/7/13\n"
    )

    out = run(path, mapping)

    assert "3 rows read: 3 created" in out
    assert dict(Case.objects.values_list("ref", "received_date__year")) == {"C1": 2013, "C2": 2019}


@pytest.mark.parametrize(
    ("join", "message"),
    [
        (
            "{file: complaints.csv, on: Nope}",
            "'Nope', the key the mapping joins on, is not a column of the file.",
        ),
        (
            "{file: complaints.csv, on: Complaint, columns: [Gone]}",
            "'Gone', which the mapping joins, is not a column of complaints.csv.",
        ),
        (
            "{file: complaints.csv, on: Complaint, columns: [Kind]}",
            "'Kind' is a column of both files",
        ),
    ],
)
def test_a_join_that_does_not_fit_the_files_is_a_header_problem(tmp_path, join, message):
    path, mapping = join_files(tmp_path, "Complaint,Received,Kind\nC1,1/7/13,x\n", join)

    code, report = rejected(path, mapping)

    assert code == 1
    assert message in report


def test_a_join_without_its_file_or_key_is_bad_usage(tmp_path):
    path, mapping = join_files(
        tmp_path, "Complaint,Received\n", "{file: missing.csv, on: Complaint}"
    )
    code, report = rejected(path, mapping)
    assert code == 2
    assert "The file the mapping joins: There is no file at" in report

    (tmp_path / "map.yaml").write_text("join: {file: x.csv}\n" + HEAD, encoding="utf-8")
    code, report = rejected(path, str(tmp_path / "map.yaml"))
    assert code == 2
    assert "map.yaml, line 1, join: name the second file and the key column" in report


REPEATS = (
    "case_ref,received_date,allegation_ref,category,subject_ref,Result\n"
    "C1,2020-01-01,A1,use_of_force,P1,Open\n"
    "C1,2020-01-01,A2,use_of_force,P1,Warned\n"
    "C1,2020-01-01,A1,use_of_force,P1,Warned\n"  # A1 again for P1, now with an outcome
    "C1,2020-01-01,A1,use_of_force,P1,Dismissed\n"  # and again, another
)
RESULT = (
    "  outcome_date: {constant: 2020-06-01}\n"
    "  outcome:\n    from: Result\n"
    '    values: {Open: "", Warned: written_warning, Dismissed: dismissal_without_notice}\n'
)


def test_a_repeated_key_is_a_conflict_that_says_what_differs_by_default(tmp_path):
    path, mapping = files(tmp_path, RESULT, REPEATS)

    code, report = rejected(path, mapping)

    assert code == 1
    assert (
        "Row 4, column subject_ref: repeats row 2: subject P1 of allegation A1 in case C1 "
        "appears twice, with different values (outcome '' there, 'written_warning' here)"
    ) in report
    assert "repeated_keys: first or last" in report
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("policy", "kept", "note"),
    [
        ("first", "", "row 4 (row 2 kept), row 5 (row 2 kept)"),
        ("last", "dismissal_without_notice", "row 2 (row 5 kept), row 4 (row 5 kept)"),
    ],
)
def test_the_mapping_can_keep_the_first_or_the_last_row_of_a_key(tmp_path, policy, kept, note):
    path, mapping = files(tmp_path, RESULT, REPEATS)
    (tmp_path / "policy.yaml").write_text(
        f"repeated_keys: {policy}\n" + (tmp_path / "map.yaml").read_text(), encoding="utf-8"
    )

    out = run(path, str(tmp_path / "policy.yaml"))

    assert "4 rows read: 2 created, 0 updated, 0 unchanged." in out
    assert "repeated key rows left out: 2" in out
    assert (
        f"2 rows gave the key of another row and were left out, the {policy} row of each key "
        f"kept, as the mapping's repeated_keys: {policy} asks: {note}."
    ) in out
    assert outcomes() == {"A1": kept, "A2": "written_warning"}

    again = run(path, str(tmp_path / "policy.yaml"))
    assert "4 rows read: 0 created, 0 updated, 2 unchanged." in again


def test_an_unknown_repeated_keys_policy_names_its_line(tmp_path):
    path, _ = files(tmp_path, RESULT, REPEATS)
    (tmp_path / "bad.yaml").write_text("repeated_keys: newest\n" + HEAD, encoding="utf-8")

    code, report = rejected(path, str(tmp_path / "bad.yaml"))

    assert code == 2
    assert "bad.yaml, line 1, repeated_keys: 'newest' is not one of stop, first, last." in report


def test_a_workforce_file_can_keep_the_last_row_of_each_person(tmp_path):
    from candour.core.models import Person

    (tmp_path / "staff.csv").write_text(
        "person_ref,rank,left_date\nE1,constable,\nE2,sergeant,\nE1,sergeant,2022-06-30\n",
        encoding="utf-8",
    )
    (tmp_path / "map.yaml").write_text(
        "kind: workforce\nrepeated_keys: last\ncolumns:\n  force: {constant: norfolk}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(
        "import",
        "workforce",
        str(tmp_path / "staff.csv"),
        "--mapping",
        str(tmp_path / "map.yaml"),
        stdout=out,
    )
    assert "row 2 (row 4 kept)" in out.getvalue()
    person = Person.objects.get(force_id="norfolk", ref="E1")
    assert (person.rank, str(person.left_date)) == ("sergeant", "2022-06-30")


@pytest.mark.parametrize("policy", ["stop", "last"])
def test_a_mapped_row_wider_than_the_header_is_refused_once_whatever_the_policy(tmp_path, policy):
    path, _ = files(
        tmp_path,
        "",
        "case_ref,received_date,allegation_ref,category\n"
        "C1,2020-01-01,A1,use_of_force\nC1,2020-01-01,A2,use_of_force,stray\n",
    )
    (tmp_path / "p.yaml").write_text(f"repeated_keys: {policy}\n" + HEAD, encoding="utf-8")

    code, report = rejected(path, str(tmp_path / "p.yaml"))

    assert code == 1
    assert (
        report.count("Row 3, column (beyond the header): has values under no heading ('stray')")
        == 1
    )
