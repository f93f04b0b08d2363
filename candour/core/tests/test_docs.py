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


# --- docs/cli.md: every option of every candour command ------------------------------------


def candour_commands() -> dict[str, str]:
    """Candour's own management commands (Django's, like migrate, are Django's to document)."""
    from django.core.management import get_commands

    return {name: app for name, app in get_commands().items() if app.startswith("candour.")}


def parser_of(name: str, app: str):
    from django.core.management import load_command_class

    return load_command_class(app, name).create_parser("candour", name)


def django_options() -> set[str]:
    from django.core.management.base import BaseCommand

    parser = BaseCommand().create_parser("candour", "any")
    return {option for action in parser._actions for option in action.option_strings}


def documented_names(parser) -> list[str]:
    """What docs/cli.md must show for ``parser``: each option's long form, each positional
    argument's choices (or its name in capitals), each sub-command and its own options."""
    import argparse

    names = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub_parser in action.choices.items():
                names.append(sub_name)
                names.extend(documented_names(sub_parser))
        elif action.option_strings:
            if set(action.option_strings) & django_options():
                continue
            names.append(max(action.option_strings, key=len))
        elif action.choices:
            names.extend(str(choice) for choice in action.choices)
        else:
            names.append(action.metavar or action.dest.upper())
    return names


def cli_sections() -> dict[str, str]:
    """docs/cli.md's text under each ``## `candour NAME` `` heading."""
    text = (DOCS / "cli.md").read_text()
    sections = {}
    for part in text.split("\n## ")[1:]:
        heading, _, body = part.partition("\n")
        match = re.fullmatch(r"`candour ([a-z-]+)`", heading.strip())
        if match:
            sections[match.group(1)] = body
    return sections


def test_every_candour_command_has_a_section_in_the_cli_page():
    missing = set(candour_commands()) - set(cli_sections())
    assert not missing, f"Add a '## `candour NAME`' section to docs/cli.md for: {sorted(missing)}"


def test_the_cli_page_has_no_section_for_a_command_that_does_not_exist():
    stale = set(cli_sections()) - set(candour_commands())
    assert not stale, f"docs/cli.md documents commands that do not exist: {sorted(stale)}"


def test_every_option_of_every_candour_command_is_in_the_cli_page():
    sections = cli_sections()
    undocumented = []
    for name, app in sorted(candour_commands().items()):
        body = sections.get(name, "")
        for option in documented_names(parser_of(name, app)):
            if not re.search(r"^\| `" + re.escape(option) + r"[` ]", body, re.MULTILINE):
                undocumented.append(f"candour {name} {option}")
    assert not undocumented, (
        "Give each of these a row in its command's option table in docs/cli.md: "
        + ", ".join(undocumented)
    )


def test_the_options_every_command_has_are_in_the_cli_page():
    introduction = (DOCS / "cli.md").read_text().split("\n## ")[0]
    long_forms = {option for option in django_options() if option.startswith("--")}
    missing = [option for option in sorted(long_forms) if f"`{option}`" not in introduction]
    assert not missing, f"docs/cli.md's introduction does not mention: {missing}"


def test_an_undocumented_option_would_be_found():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["cases"])
    parser.add_argument("--brand-new", action="store_true")
    assert documented_names(parser) == ["cases", "--brand-new"]


# --- Citations: the code and docs cite what users have -----------------------------------

# A citation of the shared contracts folder the repository does not ship.
SPEC_CITATION = re.compile(r"\bspec/[a-z_]+\.(?:md|csv)|interchange spec\b")
# A docs page a docstring or message names: docs/cli.md, docs/formats.md ...
DOCS_CITATION = re.compile(r"\bdocs/([a-z0-9_-]+\.md)")


def cited_files() -> list[Path]:
    files = [PROJECT / "README.md", *DOCS.glob("*.md")]
    for folder in ("candour", "benchmarks"):
        for pattern in ("*.py", "*.html", "*.txt"):
            files.extend(
                path for path in (PROJECT / folder).rglob(pattern) if "migrations" not in path.parts
            )
    return files


def test_nothing_cites_a_spec_folder_users_do_not_have():
    found = [
        f"{path.relative_to(PROJECT)}:{number}"
        for path in cited_files()
        if path != Path(__file__)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SPEC_CITATION.search(line)
    ]
    assert not found, (
        "Cite docs/ (formats.md for interchange §N, cli.md, api.md) or candour/reference/*.csv "
        "instead of spec/: " + ", ".join(found)
    )


def test_every_docs_page_the_code_cites_exists():
    missing = sorted(
        {
            f"docs/{name} (cited in {path.relative_to(PROJECT)})"
            for path in cited_files()
            for name in DOCS_CITATION.findall(path.read_text())
            if not (DOCS / name).exists()
        }
    )
    assert not missing, "These docs pages are cited but do not exist: " + ", ".join(missing)


# --- The README says what the demo holds and what each login can do ---------------------

README_LOGIN_ROW = re.compile(r"^\| `([a-z]+)` \| ([^|]+) \| ([^|]+) \|", re.MULTILINE)


def test_the_readme_has_a_row_for_each_demo_login_with_its_role_and_forces():
    from candour.core.demo.load import DEMO_LOGINS
    from candour.core.roles import Role

    rows = {
        name: (role.strip(), forces)
        for name, role, forces in README_LOGIN_ROW.findall((PROJECT / "README.md").read_text())
    }
    assert set(rows) == {login.username for login in DEMO_LOGINS}
    for login in DEMO_LOGINS:
        role, forces = rows[login.username]
        assert role == Role(login.role).label, login.username
        if login.username != "admin":  # "All six demo forces"
            for code in login.forces:
                assert code.capitalize() in forces, (login.username, code)


def test_the_readme_counts_the_forces_candour_ships_and_the_demo_holds():
    from candour.core.demo import figures

    readme = (PROJECT / "README.md").read_text()
    shipped = len((PROJECT / "candour" / "reference" / "forces.csv").read_text().splitlines()) - 1
    demo = len(figures.HEADCOUNTS)
    words = {6: "six"}
    assert f"all {shipped} police forces" in readme
    assert f"for {words[demo]} of them" in readme and f"other {shipped - demo}" in readme
