"""The documentation lists every setting and every option of every ``candour`` command, as
Datasette's tests check its docs: a new variable or option without a line in docs/ fails here."""

import re
from pathlib import Path

from django.conf import settings

PROJECT = Path(__file__).resolve().parents[3]
DOCS = PROJECT / "docs"

# A variable read through one of settings.py's helpers: envint("CANDOUR_PORT", ...).
HELPER_READ = re.compile(r"\benv(?:str|bool|int|list|choice|path|size)\(\s*\"([A-Z0-9_]+)\"")
DOCUMENTED_VARIABLE = re.compile(r"^\| `([A-Z0-9_]+)` \|", re.MULTILINE)


def variables_read_by_settings() -> set[str]:
    return set(HELPER_READ.findall((PROJECT / "candour" / "settings.py").read_text()))


def configuration_rows() -> dict[str, list[str]]:
    """Each documented variable's table row, as its cells."""
    text = (DOCS / "configuration.md").read_text()
    rows = {}
    for line in text.splitlines():
        match = DOCUMENTED_VARIABLE.match(line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split("|")]
    return rows


def test_settings_read_some_variables():
    assert {"DATABASE_URL", "CANDOUR_MODE", "CANDOUR_PORT"} <= variables_read_by_settings()


def test_the_configuration_page_lists_every_variable_settings_read():
    missing = variables_read_by_settings() - set(configuration_rows())
    assert not missing, f"Add a row to docs/configuration.md for: {', '.join(sorted(missing))}"


def test_the_configuration_page_lists_no_variable_nothing_reads():
    read_elsewhere = {"CANDOUR_CHROMIUM"}  # the browser tests' (candour/conftest.py)
    conftest = (PROJECT / "candour" / "conftest.py").read_text()
    assert all(name in conftest for name in read_elsewhere)
    stale = set(configuration_rows()) - variables_read_by_settings() - read_elsewhere
    assert not stale, f"docs/configuration.md lists variables nothing reads: {sorted(stale)}"


def test_each_documented_setting_is_a_django_setting():
    for name, cells in configuration_rows().items():
        if len(cells) < 4:
            continue  # the test suite's table has no setting column
        for setting in re.findall(r"`([A-Z0-9_]+)`", cells[1]):
            assert hasattr(settings, setting), f"{name}: there is no setting {setting}"
