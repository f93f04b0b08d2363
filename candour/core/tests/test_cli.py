"""The candour command's contract (docs/cli.md): exit codes and sentences, never a traceback."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

CANDOUR = Path(sys.executable).with_name("candour")


def run(*args: str, env: dict[str, str] | None = None, tmp: Path) -> subprocess.CompletedProcess:
    base = {
        **os.environ,
        "CANDOUR_DATA_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
    }
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; never in deployment
    return subprocess.run(
        [CANDOUR, *args], env={**base, **(env or {})}, capture_output=True, text=True
    )


def test_an_unknown_command_is_bad_usage(tmp_path: Path) -> None:
    result = run("frobnicate", tmp=tmp_path)
    assert result.returncode == 2
    assert "is not a candour command" in result.stderr


def test_an_unknown_flag_is_bad_usage(tmp_path: Path) -> None:
    result = run("audit", "verify", "--no-such-flag", tmp=tmp_path)
    assert result.returncode == 2


def test_a_token_for_an_unknown_user_fails_with_a_sentence(tmp_path: Path) -> None:
    assert run("migrate", "-v0", tmp=tmp_path).returncode == 0
    result = run("token", "nobody", tmp=tmp_path)
    assert result.returncode == 1
    assert "There is no active user called 'nobody'." in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unmigrated_database_gets_advice_not_a_traceback(tmp_path: Path) -> None:
    result = run("token", "nobody", tmp=tmp_path)
    assert result.returncode == 1
    assert "candour migrate" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    env = {
        "CANDOUR_MODE": "production",
        "CANDOUR_SECRET_KEY": secrets.token_urlsafe(64),
        "CANDOUR_AUDIT_KEY": secrets.token_urlsafe(48),
        "CANDOUR_ALLOWED_HOSTS": "candour.example.org",
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_an_audit_key(tmp_path: Path) -> None:
    env = {
        "CANDOUR_MODE": "production",
        "CANDOUR_SECRET_KEY": secrets.token_urlsafe(64),
        "CANDOUR_ALLOWED_HOSTS": "candour.example.org",
    }
    result = run("check", env=env, tmp=tmp_path)
    assert result.returncode == 2
    assert "CANDOUR_AUDIT_KEY or CANDOUR_AUDIT_KEY_FILE must be set in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_deployment_checks_warn_about_the_development_audit_key(tmp_path: Path) -> None:
    env = {"CANDOUR_AUDIT_KEY": "", "CANDOUR_AUDIT_KEY_FILE": ""}
    result = run("check", "--deploy", env=env, tmp=tmp_path)
    assert "candour.W001" in result.stderr + result.stdout
    assert "development key kept in the data directory" in result.stderr + result.stdout


def test_the_deployment_checks_warn_about_a_key_file_others_can_read(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.keys"
    key_file.write_text(secrets.token_urlsafe(48) + "\n")
    key_file.chmod(0o644)
    result = run("check", "--deploy", env={"CANDOUR_AUDIT_KEY_FILE": str(key_file)}, tmp=tmp_path)
    assert "candour.W002" in result.stderr + result.stdout
    key_file.chmod(0o600)
    result = run("check", "--deploy", env={"CANDOUR_AUDIT_KEY_FILE": str(key_file)}, tmp=tmp_path)
    assert "candour.W00" not in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {"CANDOUR_MODE": "production", "CANDOUR_ALLOWED_HOSTS": "candour.example.org"}
    result = run("check", env=env, tmp=tmp_path)
    assert result.returncode != 0
    assert "CANDOUR_SECRET_KEY must be set in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_forces_add_answers_with_the_contracts_exit_codes(tmp_path: Path) -> None:
    assert run("migrate", "-v0", tmp=tmp_path).returncode == 0
    chicago = ("forces", "add", "chicago-pd", "--name", "Chicago Police Department")
    added = run(*chicago, "--country", "US", tmp=tmp_path)
    assert added.returncode == 0, added.stderr
    assert run(*chicago, tmp=tmp_path).returncode == 0  # again: nothing changes
    taken = run("forces", "add", "chicago-pd", "--name", "Chicago PD", tmp=tmp_path)
    assert taken.returncode == 1 and "There is already a force 'chicago-pd'" in taken.stderr
    bad_usage = [
        ["Chicago", "--name", "NYPD"],  # not a code
        ["nypd", "--name", "NYPD", "--country", "Narnia"],  # no such country
        ["nypd"],  # no --name
    ]
    for arguments in bad_usage:
        result = run("forces", "add", *arguments, tmp=tmp_path)
        assert result.returncode == 2, (arguments, result.stderr)
        assert "Traceback" not in result.stderr
    listed = run("forces", "list", "--country", "US", "--format", "csv", tmp=tmp_path)
    assert listed.stdout.splitlines() == [
        "code,name,country,region",
        "chicago-pd,Chicago Police Department,United States,",
    ]
