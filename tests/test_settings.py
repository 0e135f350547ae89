"""The one settings object: defaults < TOML file < environment < flags, one-line errors, and no
environment read anywhere else (nor at import time)."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramalens.cli import main
from dramalens.db import DEFAULT_URL, make_engine
from dramalens.errors import ConfigError
from dramalens.settings import DEFAULT_MAX_BYTES, MAX_MAX_BYTES, Settings, load_settings, parse_size

SRC = Path(__file__).resolve().parents[1] / "src" / "dramalens"


def test_defaults_without_file_or_environment():
    s = load_settings(env={}, toml_path=False)
    assert s == Settings()
    assert s.max_bytes == DEFAULT_MAX_BYTES == 50 * 1024 * 1024 and s.db_url == DEFAULT_URL
    assert s.secure_cookies is False and s.secret is None and s.compliance_rules is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.max_bytes = 1  # type: ignore[misc]


def test_precedence_defaults_toml_env_flags(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("", encoding="utf-8")
    conf = tmp_path / "conf.toml"
    conf.write_text('db_url = "sqlite:///toml.sqlite"\nmax_bytes = "2MB"\nsecure_cookies = true\n'
                    'compliance_rules = "rules.toml"\n', encoding="utf-8")
    s = load_settings(env={}, toml_path=conf)
    assert (s.db_url, s.max_bytes, s.secure_cookies) == ("sqlite:///toml.sqlite", 2 * 1024**2, True)
    assert s.compliance_rules == rules  # relative to the TOML file, not the working directory
    assert s.config_file == conf
    env = {"DRAMALENS_DB": "sqlite:///env.sqlite", "DRAMALENS_MAX_BYTES": "3 MiB", "DRAMALENS_SECURE_COOKIES": "0"}
    s = load_settings(env=env, toml_path=conf)
    assert (s.db_url, s.max_bytes, s.secure_cookies) == ("sqlite:///env.sqlite", 3 * 1024**2, False)
    s = load_settings(env=env, toml_path=conf, db_url="sqlite:///flag.sqlite", max_bytes=4096, secure_cookies=None)
    assert (s.db_url, s.max_bytes, s.secure_cookies) == ("sqlite:///flag.sqlite", 4096, False)  # None: flag not given


def test_toml_file_found_in_working_directory_or_named_by_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={}).config_file is None
    Path("dramalens.toml").write_text('max_bytes = 1000\n', encoding="utf-8")
    assert load_settings(env={}).max_bytes == 1000
    other = tmp_path / "elsewhere.toml"
    other.write_text('max_bytes = 2000\n', encoding="utf-8")
    assert load_settings(env={"DRAMALENS_CONFIG": str(other)}).max_bytes == 2000
    with pytest.raises(ConfigError, match="DRAMALENS_CONFIG: got .*missing.toml.*not a file"):
        load_settings(env={"DRAMALENS_CONFIG": str(tmp_path / "missing.toml")})


def test_empty_variable_counts_as_unset():
    assert load_settings(env={"DRAMALENS_SECRET": "", "DRAMALENS_MAX_BYTES": ""}, toml_path=False) == Settings()


@pytest.mark.parametrize("variable, value, shown", [
    ("DRAMALENS_MAX_BYTES", "50 apples", "'50 apples'"),
    ("DRAMALENS_MAX_BYTES", "0", "'0'"),
    ("DRAMALENS_MAX_BYTES", "-5MB", "'-5MB'"),
    ("DRAMALENS_MAX_BYTES", "5TB", "'5TB'"),
    ("DRAMALENS_MAX_BYTES", "1.5", "'1.5'"),
    ("DRAMALENS_SECURE_COOKIES", "maybe", "'maybe'"),
    ("DRAMALENS_DB", "mysql://x@y/z", "'mysql://x@y/z'"),
    ("DRAMALENS_SECRET", "short", "a value of 5 characters"),
    ("DRAMALENS_COMPLIANCE_RULES", "/nonexistent/rules.toml", "'/nonexistent/rules.toml'"),
    ("DRAMALENS_TRIAGE_SETTINGS", "/nonexistent/triage.toml", "'/nonexistent/triage.toml'"),
])
def test_bad_values_are_one_line_naming_variable_value_and_what_is_allowed(variable, value, shown):
    with pytest.raises(ConfigError) as info:
        load_settings(env={variable: value}, toml_path=False)
    line = str(info.value)
    assert "\n" not in line
    assert line.startswith(f"{variable}: got {shown}; allowed: ")
    if variable == "DRAMALENS_SECRET":
        assert value not in line  # a secret is never echoed


def test_bad_toml_values_name_the_file_and_key(tmp_path):
    conf = tmp_path / "dramalens.toml"
    conf.write_text('max_bytes = "huge"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"dramalens\.toml: max_bytes: got 'huge'; allowed: "):
        load_settings(env={}, toml_path=conf)
    conf.write_text('max_byte = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'max_byte'; allowed: db_url, max_bytes"):
        load_settings(env={}, toml_path=conf)
    conf.write_text('max_bytes = \n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(env={}, toml_path=conf)
    with pytest.raises(ConfigError, match="--max-bytes: got 0"):
        load_settings(env={}, toml_path=False, max_bytes=0)
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings(env={}, toml_path=False, colour="blue")


@given(st.integers(0, 4096), st.sampled_from(["", "k", "K", "m", "M", "g"]), st.sampled_from(["", "b", "B", "iB"]),
       st.sampled_from(["", " "]))
def test_size_strings(number, unit, suffix, space):
    if suffix == "iB" and not unit:
        with pytest.raises(ValueError):
            parse_size(f"{number}{space}{suffix}")
        return
    expected = number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]
    assert parse_size(f"{number}{space}{unit}{suffix}") == expected
    env = {"DRAMALENS_MAX_BYTES": f"{number}{space}{unit}{suffix}"}
    if 1 <= expected <= MAX_MAX_BYTES:
        assert load_settings(env=env, toml_path=False).max_bytes == expected
    else:
        with pytest.raises(ConfigError, match="DRAMALENS_MAX_BYTES"):
            load_settings(env=env, toml_path=False)


@given(st.text(max_size=12))
def test_any_size_text_parses_or_raises_value_error(text):
    try:
        assert parse_size(text) >= 0
    except ValueError:
        pass


def test_import_never_reads_settings():
    env = {"DRAMALENS_MAX_BYTES": "50 apples", "DRAMALENS_DB": "mysql://nope", "DRAMALENS_SECRET": "x",
           "DRAMALENS_CONFIG": "/nonexistent.toml", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # the same dramalens as this run
    code = "import dramalens, dramalens.cli, dramalens.web.app, dramalens.triage.worker; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_only_settings_reads_dramalens_variables():
    readers = sorted(
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
        if re.search(r"(os\.environ|getenv)\b.*DRAMALENS_", p.read_text(encoding="utf-8"))
    )
    assert readers == []  # settings.py reads the mapping it is given, by name from its table
    assert make_engine().url.render_as_string() == DEFAULT_URL  # no DRAMALENS_DB behind the library's back


def test_cli_takes_limit_from_environment_and_flag_wins(tmp_path, monkeypatch, capsys):
    script = tmp_path / "a.fountain"
    script.write_text("INT. ROOM - DAY\n\nANNA\nHello.\n" * 50, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DRAMALENS_MAX_BYTES", "1KB")
    assert main(["stats", str(script)]) == 2
    assert "over the limit of 1,024" in capsys.readouterr().err
    assert main(["stats", str(script), "--max-bytes", "100000"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("DRAMALENS_MAX_BYTES", "lots")
    assert main(["stats", str(script)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("dramalens: error: DRAMALENS_MAX_BYTES: got 'lots'; allowed:")
