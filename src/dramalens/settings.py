"""The one settings object: every knob dramalens reads from outside its arguments.

:func:`load_settings` builds a frozen :class:`Settings` from, lowest first: the defaults, a TOML
file (``dramalens.toml`` in the working directory, or the file ``$DRAMALENS_CONFIG`` names),
the environment (``DRAMALENS_*``), and command-line overrides. Every value is checked, and a bad
one raises :class:`~dramalens.errors.ConfigError` with one line naming the variable, what was
given and what is allowed.

Nothing here runs at import time: only the command line (once per command) and the web app
factory call :func:`load_settings`; library functions take the values as parameters.

>>> s = load_settings(env={"DRAMALENS_MAX_BYTES": "2MB"}, toml_path=False)
>>> s.max_bytes, s.db_url
(2097152, 'sqlite:///dramalens.sqlite')
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from .errors import ConfigError

__all__ = [
    "CONFIG_ENV",
    "CONFIG_FILE",
    "DEFAULT_DB_URL",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_READ_QUALITY_THRESHOLD",
    "DEFAULT_SIMILAR_THRESHOLD",
    "DEFAULT_TRIAGE_SETTINGS",
    "DEFAULT_WEB_NICENESS",
    "MAX_MAX_BYTES",
    "Settings",
    "load_settings",
    "parse_size",
]

#: A SQLite file in the working directory.
DEFAULT_DB_URL = "sqlite:///dramalens.sqlite"
#: 50 MB: the longest real series script is a few MB; a larger file is almost surely not a script.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Inputs are read whole into memory, so a limit past this is a typo, not a plan.
MAX_MAX_BYTES = 4 * 1024**3
#: Under this read quality a script goes to a person instead of being scored (docs/read-quality.md).
DEFAULT_READ_QUALITY_THRESHOLD = 0.5
#: Similar works scoring under this are not listed on a submission's page (a 0.14 "match" is noise).
DEFAULT_SIMILAR_THRESHOLD = 0.3
#: The web process's niceness above its analysis workers' (``Settings.web_niceness``): on a core
#: both want, Linux gives a worker 3/4 of it (weights 1024:335); 10 (10:1) left reviewers' pages
#: seconds long whenever the host was short of CPU.
DEFAULT_WEB_NICENESS = 5
#: The TOML file of default triage weights, relative to the working directory.
DEFAULT_TRIAGE_SETTINGS = Path("triage.toml")
#: The settings file looked for in the working directory, and the variable that names another.
CONFIG_FILE = "dramalens.toml"
CONFIG_ENV = "DRAMALENS_CONFIG"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable from outside the call: database, input limit, web and triage files."""

    #: Database URL (``DRAMALENS_DB``): ``sqlite:///FILE``, ``postgresql://USER@HOST/DB`` or a bare path.
    db_url: str = DEFAULT_DB_URL
    #: Largest input file read, in bytes (``DRAMALENS_MAX_BYTES``; ``50MB`` style sizes accepted).
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Mark the desk's session cookie Secure, for serving behind HTTPS (``DRAMALENS_SECURE_COOKIES``).
    secure_cookies: bool = False
    #: Key that signs the desk's cookies (``DRAMALENS_SECRET``); None: one kept in the database.
    secret: str | None = field(default=None, repr=False)
    #: Password for ``dramalens users add`` without ``--password`` (``DRAMALENS_PASSWORD``).
    password: str | None = field(default=None, repr=False)
    #: A TOML file of extra compliance rules (``DRAMALENS_COMPLIANCE_RULES``).
    compliance_rules: Path | None = None
    #: TOML file of default triage weights (``DRAMALENS_TRIAGE_SETTINGS``); used only if it exists.
    triage_settings: Path = DEFAULT_TRIAGE_SETTINGS
    #: An OpenAI-compatible endpoint for ``adapt --draft`` (``DRAMALENS_LLM_URL``, e.g.
    #: ``http://127.0.0.1:8000/v1`` for a local vLLM/llama.cpp server); None: drafting is off.
    llm_url: str | None = None
    #: The model name sent to that endpoint (``DRAMALENS_LLM_MODEL``).
    llm_model: str = "default"
    #: Bearer key for a hosted endpoint (``DRAMALENS_LLM_API_KEY``); never echoed.
    llm_api_key: str | None = field(default=None, repr=False)
    #: Read quality under which the desk routes a script to "needs a human read" instead of
    #: scoring it (``DRAMALENS_READ_QUALITY_THRESHOLD``, 0 to 1; 0 turns the gate off).
    read_quality_threshold: float = DEFAULT_READ_QUALITY_THRESHOLD
    #: The least combined similarity (0 to 1) at which the desk lists a catalog work as similar to
    #: a submission (``DRAMALENS_SIMILAR_THRESHOLD``; 0 lists every match found).
    similar_threshold: float = DEFAULT_SIMILAR_THRESHOLD
    #: Works a trope or track needs before ``catalog saturation`` labels it, and releases each
    #: growth window needs (``DRAMALENS_SATURATION_MIN_WORKS``, a whole number from 1).
    saturation_min_works: int = 5
    #: How far ``serve`` and ``demo`` lower the web process's CPU priority (its niceness, 0-19)
    #: once they have started their analysis worker processes, which keep the priority they were
    #: started with (``DRAMALENS_WEB_NICENESS``; 0 leaves it). On 2 cores, 50 reviewers reading
    #: back to back kept the web process busy and took a fifth or more of the analysis pace; below
    #: the workers, the pages yield to the batch instead (docs/script-desk.md, *Under load*).
    web_niceness: int = DEFAULT_WEB_NICENESS
    #: The settings file that was read, if any (for messages; not itself a setting).
    config_file: Path | None = None


# ------------------------------------------------------------------------------- values
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_SIZE_ALLOWED = f"a size such as 52428800, 500KB, 50MB or 1.5GiB (K/M/G count 1024s), from 1 byte to {MAX_MAX_BYTES // 1024**3} GB"


def parse_size(text: str) -> int:
    """Bytes in a size written as ``52428800``, ``50MB``, ``50 MiB``, ``50m`` or ``1.5GB``.

    K, M, G and T count powers of 1024 with or without a ``B``/``iB`` (the default 50 MB limit
    is 50 × 1024² bytes). Raises ValueError on anything else.

    >>> parse_size("50MB"), parse_size("1.5 KiB"), parse_size("700")
    (52428800, 1536, 700)
    """
    m = _SIZE.fullmatch(text)
    if m is None or (m.group(3) and m.group(3).lower() == "ib" and not m.group(2)):
        raise ValueError(text)
    number, unit = m.group(1), m.group(2).lower()
    if "." in number and not unit:
        raise ValueError(text)  # a fraction of a byte
    return int(float(number) * _UNITS[unit])


def _size(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        n = parse_size(value)
    else:
        raise ValueError(value)
    if not 1 <= n <= MAX_MAX_BYTES:
        raise ValueError(value)
    return n


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(value)


def _db_url(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    url = value.strip()
    # A bare path means a SQLite file; otherwise only the databases dramalens supports.
    if "://" in url and not url.split("://", 1)[0].lower().startswith(("sqlite", "postgres")):
        raise ValueError(value)
    return url


def _unit_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(value)
    number = float(value)
    if not 0.0 <= number <= 1.0:  # also refuses nan
        raise ValueError(value)
    return number


def _min_works(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(value)
    n = int(value)  # a string that is not a whole number raises ValueError here
    if not 1 <= n <= 1_000_000:
        raise ValueError(value)
    return n


def _niceness(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(value)
    n = int(value)
    if not 0 <= n <= 19:  # Linux niceness runs 0..19 above normal; lower needs privileges
        raise ValueError(value)
    return n


def _secret(value: object) -> str | None:
    if not isinstance(value, str):
        raise ValueError(value)
    if not value:
        return None  # set but empty: the same as unset, as before
    if len(value) < 16:  # a short key makes the session cookies guessable
        raise ValueError(value)
    return value


def _password(value: object) -> str | None:
    if not isinstance(value, str):
        raise ValueError(value)
    return value or None


def _llm_url(value: object) -> str | None:
    if not isinstance(value, str):
        raise ValueError(value)
    if not value.strip():
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError(value)
    return value.rstrip("/")


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    return value


def _existing_file(value: object) -> Path:
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        raise ValueError(value)
    path = Path(os.fspath(value)).expanduser()
    if not path.is_file():
        raise ValueError(value)
    return path


def _optional_file(value: object) -> Path | None:
    if isinstance(value, str) and not value.strip():
        return None
    return _existing_file(value)


@dataclass(frozen=True, slots=True)
class _Spec:
    env: str
    flag: str
    allowed: str
    check: Callable[[object], object]
    secret: bool = False  # never echo the value in a message


_SPECS: dict[str, _Spec] = {
    "db_url": _Spec("DRAMALENS_DB", "--db", "a database URL: sqlite:///FILE, postgresql://USER@HOST/DB, or a file path", _db_url),
    "max_bytes": _Spec("DRAMALENS_MAX_BYTES", "--max-bytes", _SIZE_ALLOWED, _size),
    "secure_cookies": _Spec("DRAMALENS_SECURE_COOKIES", "--secure-cookies", "1/0, true/false, yes/no or on/off", _flag),
    "secret": _Spec("DRAMALENS_SECRET", "--secret", "at least 16 characters (e.g. the output of "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))')", _secret, secret=True),
    "password": _Spec("DRAMALENS_PASSWORD", "--password", "a non-empty password", _password, secret=True),
    "compliance_rules": _Spec("DRAMALENS_COMPLIANCE_RULES", "--rules", "the path of an existing TOML rules file", _optional_file),
    "triage_settings": _Spec("DRAMALENS_TRIAGE_SETTINGS", "--triage-settings", "the path of an existing TOML file", _existing_file),
    "llm_url": _Spec("DRAMALENS_LLM_URL", "--llm-url", "an http:// or https:// URL of an OpenAI-compatible API (…/v1)", _llm_url),
    "llm_model": _Spec("DRAMALENS_LLM_MODEL", "--llm-model", "a non-empty model name", _text),
    "llm_api_key": _Spec("DRAMALENS_LLM_API_KEY", "--llm-api-key", "a non-empty key", _password, secret=True),
    "read_quality_threshold": _Spec("DRAMALENS_READ_QUALITY_THRESHOLD", "--read-quality-threshold",
                                    "a number from 0 to 1 (0 turns the gate off)", _unit_float),
    "similar_threshold": _Spec("DRAMALENS_SIMILAR_THRESHOLD", "--similar-threshold",
                               "a number from 0 to 1 (0 lists every similar work found)", _unit_float),
    "saturation_min_works": _Spec("DRAMALENS_SATURATION_MIN_WORKS", "--min-works", "a whole number from 1", _min_works),
    "web_niceness": _Spec("DRAMALENS_WEB_NICENESS", "--web-niceness", "a whole number from 0 to 19 (0: the web "
                          "process keeps its workers' priority)", _niceness),
}

_Origin = Literal["toml", "env", "flag"]


def _checked(name: str, value: object, origin: _Origin, where: str) -> object:
    spec = _SPECS[name]
    try:
        return spec.check(value)
    except (ValueError, TypeError, OSError):
        if spec.secret:
            given = f"a value of {len(value)} characters" if isinstance(value, str) else f"a {type(value).__name__}"
        else:
            given = repr(value)
        source = {"toml": f"{where}: {name}", "env": spec.env, "flag": spec.flag}[origin]
        raise ConfigError(f"got {given}; allowed: {spec.allowed}", source=source) from None


def _toml_values(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the settings file: {exc.strerror}", source=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=str(path)) from None
    unknown = sorted(set(data) - set(_SPECS))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}; allowed: {', '.join(_SPECS)}", source=str(path))
    values: dict[str, object] = {}
    for name, value in data.items():
        if name in ("compliance_rules", "triage_settings") and isinstance(value, str) and value.strip():
            # Paths in the file are relative to the file, so it works from any directory.
            value = str(path.parent / Path(value).expanduser())
        values[name] = value
    return values


def _config_path(env: Mapping[str, str], toml_path: str | os.PathLike[str] | Literal[False] | None) -> Path | None:
    if toml_path is False:
        return None
    if toml_path is not None:
        chosen, source = Path(toml_path), "toml_path"
    elif env.get(CONFIG_ENV):
        chosen, source = Path(env[CONFIG_ENV]).expanduser(), CONFIG_ENV
    else:
        default = Path(CONFIG_FILE)
        return default if default.is_file() else None
    if not chosen.is_file():
        raise ConfigError(f"got {str(chosen)!r}, which is not a file; allowed: the path of a TOML settings file", source=source)
    return chosen


def load_settings(
    env: Mapping[str, str] | None = None,
    toml_path: str | os.PathLike[str] | Literal[False] | None = None,
    **overrides: object,
) -> Settings:
    """The settings in force: defaults < TOML file < environment < ``overrides`` (command-line flags).

    ``env`` defaults to ``os.environ``. ``toml_path``: the settings file (default: the one
    ``$DRAMALENS_CONFIG`` names, else ``dramalens.toml`` in the working directory if there is
    one; ``False``: none). ``overrides`` are keyed by :class:`Settings` field; a None value
    means "flag not given". Raises :class:`ConfigError` (one line) on the first bad value.

    >>> load_settings(env={"DRAMALENS_DB": "sqlite:///a.sqlite"}, toml_path=False, db_url="sqlite:///b.sqlite").db_url
    'sqlite:///b.sqlite'
    >>> load_settings(env={"DRAMALENS_MAX_BYTES": "lots"}, toml_path=False)
    Traceback (most recent call last):
    ...
    dramalens.errors.ConfigError: DRAMALENS_MAX_BYTES: got 'lots'; allowed: a size such as 52428800, 500KB, 50MB or 1.5GiB (K/M/G count 1024s), from 1 byte to 4 GB
    """
    env = os.environ if env is None else env
    unknown = sorted(set(overrides) - set(_SPECS))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}; allowed: {', '.join(_SPECS)}")
    values: dict[str, object] = {}
    config = _config_path(env, toml_path)
    if config is not None:
        for name, value in _toml_values(config).items():
            values[name] = _checked(name, value, "toml", str(config))
    for name, spec in _SPECS.items():
        if env.get(spec.env):  # set but empty counts as unset, as shells make it easy to do
            values[name] = _checked(name, env[spec.env], "env", spec.env)
    for name, value in overrides.items():
        if value is not None:
            values[name] = _checked(name, value, "flag", _SPECS[name].flag)
    settings = Settings(config_file=config)
    # A setting given as empty (e.g. DRAMALENS_SECRET="") falls back to its default.
    given = {k: v for k, v in values.items() if v is not None}
    return replace(settings, **given)  # type: ignore[arg-type]  # each value was checked above

