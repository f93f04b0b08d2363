"""Settings come from the environment through helpers that refuse a bad value with a sentence
(candour/settings.py, docs/configuration.md), and nothing else in Candour reads the environment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from candour.settings import envbool, envchoice, envint, envlist, envsize

CANDOUR_DIR = Path(__file__).resolve().parents[2]
CANDOUR = Path(sys.executable).with_name("candour")


def test_an_unset_or_empty_variable_gives_the_default(monkeypatch):
    monkeypatch.delenv("CANDOUR_TEST_NUMBER", raising=False)
    assert envint("CANDOUR_TEST_NUMBER", 7) == 7
    monkeypatch.setenv("CANDOUR_TEST_NUMBER", "  ")
    assert envint("CANDOUR_TEST_NUMBER", 7) == 7


def test_a_whole_number_is_read(monkeypatch):
    monkeypatch.setenv("CANDOUR_TEST_NUMBER", " 12 ")
    assert envint("CANDOUR_TEST_NUMBER", 7) == 12


def test_a_number_that_is_not_whole_is_refused_with_a_sentence(monkeypatch):
    monkeypatch.setenv("CANDOUR_TEST_NUMBER", "eighty")
    with pytest.raises(ImproperlyConfigured, match="CANDOUR_TEST_NUMBER must be a whole number"):
        envint("CANDOUR_TEST_NUMBER", 7)


def test_a_number_below_the_minimum_is_refused(monkeypatch):
    monkeypatch.setenv("CANDOUR_TEST_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="must be 1 or more, not 0"):
        envint("CANDOUR_TEST_NUMBER", 7, minimum=1)


@pytest.mark.parametrize(("text", "value"), [("1", True), ("yes", True), ("Off", False)])
def test_a_switch_is_read_in_plain_words(monkeypatch, text, value):
    monkeypatch.setenv("CANDOUR_TEST_SWITCH", text)
    assert envbool("CANDOUR_TEST_SWITCH", not value) is value


def test_a_switch_that_is_neither_on_nor_off_is_refused(monkeypatch):
    monkeypatch.setenv("CANDOUR_TEST_SWITCH", "maybe")
    with pytest.raises(ImproperlyConfigured, match="must be true or false"):
        envbool("CANDOUR_TEST_SWITCH", False)


def test_a_list_is_comma_separated(monkeypatch):
    monkeypatch.setenv("CANDOUR_TEST_LIST", "a.example, b.example,,")
    assert envlist("CANDOUR_TEST_LIST", []) == ["a.example", "b.example"]


def test_a_choice_outside_the_list_is_refused_naming_the_choices(monkeypatch):
    monkeypatch.setenv("CANDOUR_TEST_CHOICE", "memory")
    with pytest.raises(ImproperlyConfigured, match="one of 'parquet', 'persist', not 'memory'"):
        envchoice("CANDOUR_TEST_CHOICE", "parquet", ("parquet", "persist"))


def test_a_memory_size_must_be_in_the_engines_form(monkeypatch):
    from candour.settings import DUCKDB_MEMORY, SPARK_MEMORY

    monkeypatch.setenv("CANDOUR_TEST_MEMORY", "512MB")
    assert envsize("CANDOUR_TEST_MEMORY", "2GB", DUCKDB_MEMORY, "2GB") == "512MB"
    monkeypatch.setenv("CANDOUR_TEST_MEMORY", "lots")
    with pytest.raises(ImproperlyConfigured, match="an amount of memory such as '6g'"):
        envsize("CANDOUR_TEST_MEMORY", "6g", SPARK_MEMORY, "6g")


def settings_in_a_new_process(tmp_path: Path, env: dict[str, str], *names: str):
    """Import the settings afresh with ``env`` and print the named settings."""
    code = f"import candour.settings as s; print(repr([getattr(s, n) for n in {names!r}]))"
    base = {k: v for k, v in os.environ.items() if not k.startswith("CANDOUR_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "CANDOUR_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
    )


def test_the_environment_reaches_the_settings_code_reads(tmp_path):
    env = {
        "CANDOUR_PORT": "8080",
        "CANDOUR_DATAWASH_SPARK_LINEAGE": "persist",
        "CANDOUR_STATS_CACHE_SECONDS": "5",
        "CANDOUR_DEMO_PASSWORD": "another-demo-secret",
    }
    names = ("SERVE_PORT", "DATAWASH_SPARK_LINEAGE", "STATS_CACHE_SECONDS", "DEMO_PASSWORD")
    result = settings_in_a_new_process(tmp_path, env, *names)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr([8080, "persist", 5, "another-demo-secret"])


def test_candour_refuses_a_bad_value_with_a_sentence_and_exit_code_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CANDOUR_")}
    env.update({"CANDOUR_DATA_DIR": str(tmp_path), "CANDOUR_PORT": "eighty"})
    result = subprocess.run([CANDOUR, "check"], env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert "CANDOUR_PORT must be a whole number, not 'eighty'." in result.stderr
    assert "Traceback" not in result.stderr


# Reading the environment, or a setting with a default of its own, anywhere but settings.py.
ENVIRONMENT_READ = re.compile(
    r"os\.environ\.get\(|os\.environ\[|os\.getenv\(|getattr\(\s*settings,"
)


def test_nothing_outside_settings_reads_the_environment_or_defaults_a_setting():
    offenders = []
    for path in sorted(CANDOUR_DIR.rglob("*.py")):
        relative = path.relative_to(CANDOUR_DIR.parent)
        if path.name in {"settings.py", "conftest.py"} or "tests" in path.parts:
            continue
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ENVIRONMENT_READ.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, (
        "Declare these in candour/settings.py (envstr, envint, envbool...), list them in "
        "docs/configuration.md and read settings.X instead:\n" + "\n".join(offenders)
    )
