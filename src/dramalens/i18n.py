"""The project's two languages, from one message catalogue: gettext ``.po`` files read with Babel.

``locale/{en,zh}/LC_MESSAGES/dramalens.po`` hold every label, status word, evidence sentence and
report heading; msgid is a stable key (``queue``, ``ev.hook_rate``, ``cue.cliffhanger_mark``),
msgstr the text, with ``{name}`` fields filled by :meth:`str.format`. The files are read once, at
import, with ``babel.messages.pofile.read_po`` (no compile step, so an install needs no build).

A missing key falls back to English, then to the key itself, so a new page never shows an empty
label; a key that names an id (``status.new``, ``track.werewolf``) falls back to the bare id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from babel.messages.pofile import read_po

from .errors import ConfigError

__all__ = ["LANGUAGES", "Message", "Param", "Translator", "catalogue", "check_language", "labels", "language_or_default", "reader",
           "translator"]

LANGUAGES = ("zh", "en")

#: Keys whose tail is an id worth showing as it is when no label exists (a new plot function,
#: a status added by a migration): ``fn.meet`` → ``meet`` rather than ``fn.meet``.
ID_PREFIXES = ("status.", "fn.", "track.", "cue.", "agency.", "tier.", "sev.", "drive.", "shape.", "rule.", "gate.",
               "action.", "outcome.", "sat.", "kind.", "audience.", "lang.", "role.", "srcfmt.")

#: One value a message's ``{field}`` can take.
Param = str | int | float


def _read(lang: str) -> Mapping[str, str]:
    source = resources.files("dramalens").joinpath("locale", lang, "LC_MESSAGES", "dramalens.po")
    with source.open("rb") as handle:
        cat = read_po(handle, locale=lang)
    # msgid "" is the header; an untranslated entry (empty msgstr) falls back like a missing one.
    return MappingProxyType({str(m.id): str(m.string) for m in cat if m.id and isinstance(m.string, str) and m.string})


_CATALOGUES: dict[str, Mapping[str, str]] = {lang: _read(lang) for lang in LANGUAGES}


def language_or_default(lang: str | None, default: str = "en") -> str:
    """``lang`` when it is one of :data:`LANGUAGES`, else ``default``.

    >>> language_or_default("zh"), language_or_default("fr"), language_or_default(None, "zh")
    ('zh', 'en', 'zh')
    """
    return lang if lang in LANGUAGES else default


def catalogue(lang: str) -> Mapping[str, str]:
    """The raw table of ``lang`` (key → text, no fallback), as read from its ``.po`` file.

    >>> catalogue("zh")["queue"]
    '待审队列'
    """
    return _CATALOGUES[language_or_default(lang)]


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence to be said in the reader's language: a catalogue key and its typed fields.

    Stages that explain themselves (triage evidence, analysis notes) return these instead of
    English strings; the edge (web page, report, CLI) renders them with a :class:`Translator`.

    >>> Message("ep_n", (("n", 3),)).render(translator("zh"))
    '第3集'
    """

    key: str
    params: tuple[tuple[str, Param], ...] = ()

    def render(self, t: Translator) -> str:
        return t.say(self.key, self.params)


class Translator:
    """``t(key)`` → the text of ``key`` in one language; ``t(key, n=3)`` also fills its fields.

    Called with no fields the text comes back unformatted, so templates that write
    ``t('episode_n').format(n=…)`` keep working.

    >>> t = translator("zh")
    >>> t("queue"), t("episode_n", n=2), t("no.such.key"), t("status.archived")
    ('待审队列', '第2集', 'no.such.key', 'archived')
    """

    __slots__ = ("lang", "_table", "_english")

    def __init__(self, lang: str) -> None:
        self.lang = language_or_default(lang)
        self._table = _CATALOGUES[self.lang]
        self._english = _CATALOGUES["en"]

    def __call__(self, key: str, /, **params: Param) -> str:
        key = str(key)
        text = self._table.get(key) or self._english.get(key)
        if text is None:
            for prefix in ID_PREFIXES:
                if key.startswith(prefix):
                    return key[len(prefix):]
            return key
        if not params:
            return text
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            # A field the caller did not pass (an older stored message): the text unfilled
            # is still readable, an exception on a reviewer's page is not.
            return text

    def say(self, key: object, params: object = (), fallback: object = "") -> str:
        """A stored message in this language: ``key`` with ``params`` (pairs, or a mapping, as
        JSON gives them back); ``fallback`` (the English text stored with it) when there is no
        key, as in rows written before messages had keys. A field named ``x_key`` holds a key
        itself: it is translated and filled in as ``x`` (a rule's label inside a flag's sentence);
        the key's own fields come from the other fields (and the key fields before it); one
        named ``x_keys`` holds comma-separated keys, each translated, joined with the
        language's list separator (``list_none`` when there are none) and filled in as ``x``.

        >>> t = translator("zh")
        >>> t.say("ev.weak_ending", [["episode", 4]]), t.say("", (), "old text")
        ('第4集结尾没有钩子', 'old text')
        >>> t.say("ev.flag", {"rule_key": "rule.title.badao_zongcai", "severity_key": "sev.high", "detail": "霸总"})
        '标题含“霸总”（高）：霸总'
        >>> t.say("pw.weak_window", {"lo": 8, "hi": 16, "n": 9, "strength": 0.3, "threshold": 0.5,
        ...                          "missing_keys": "cue.reversal,cue.threat"})
        '第8-16集没有强结尾：最好的第9集得分 0.30 < 0.50；缺少：反转、威胁'
        """
        if not key or not isinstance(key, str):
            return "" if fallback is None else str(fallback)
        pairs = params.items() if isinstance(params, Mapping) else params
        named = [p for p in (pairs if isinstance(pairs, Iterable) else ())
                 if isinstance(p, (tuple, list)) and len(p) == 2 and isinstance(p[0], str)]
        fields: dict[str, Param] = {name: value if isinstance(value, (str, int, float)) else str(value)
                                    for name, value in named if not name.endswith(("_key", "_keys"))}
        # Key fields in their order, each filled with the plain fields and the keys before it, so a
        # sentence can hold another with fields of its own (a gate's label, then its detail).
        for name, value in named:
            if name.endswith("_key"):
                fields[name[:-4]] = self(str(value), **fields)
            elif name.endswith("_keys"):
                items = [self(k) for k in str(value).split(",") if k]
                fields[name[:-5]] = self("list_sep").join(items) if items else self("list_none")
        return self(key, **fields)

    def has(self, key: str) -> bool:
        """Whether ``key`` has a text in this language or in English."""
        return key in self._table or key in self._english


_TRANSLATORS = {lang: Translator(lang) for lang in LANGUAGES}


def translator(lang: str) -> Translator:
    """The cached :class:`Translator` of ``lang`` ('zh' or 'en'; anything else is English).

    >>> translator("zh")("queue")
    '待审队列'
    """
    return _TRANSLATORS[language_or_default(lang)]


def check_language(lang: str | None, what: str = "lang") -> str | None:
    """``lang`` when it is None (the default: the text's own language) or one of
    :data:`LANGUAGES`; otherwise one clear error naming the option ``what``.

    >>> check_language("zh"), check_language(None)
    ('zh', None)
    """
    if lang is not None and lang not in LANGUAGES:
        raise ConfigError(f"{what} must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def reader(lang: str | None, text_language: str | None, what: str = "lang") -> Translator:
    """The :class:`Translator` a reader asked for with ``lang`` (checked, see
    :func:`check_language`), else that of the text's own language (English when it is neither).

    >>> reader(None, "zh").lang, reader("en", "zh").lang, reader(None, "ja").lang
    ('zh', 'en', 'en')
    """
    return translator(check_language(lang, what) or language_or_default(text_language))


def labels(lang: str) -> dict[str, str]:
    """The whole catalogue of ``lang`` over the English one (for documents written outside a
    template, such as the coverage's Word file).

    >>> labels("zh")["coverage"]
    '审读报告'
    """
    table = dict(_CATALOGUES["en"])
    table.update(catalogue(lang))
    return table
