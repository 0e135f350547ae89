"""Characters: who speaks, how much, where, with whom, and whether their choices drive the story.

Everything here is a measurement over the parsed :class:`~dramalens.model.Script`; nothing is a
verdict. The rules (tiers, alias merging, agency cues) are documented in
docs/characters-arc-compliance.md and kept as data at the top of this module.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..i18n import Message, translator
from ..model import SPOKEN_TYPES, Element, ElementType, Scene, Script
from ..serial import JSON, insert_after, json_field, pairs_to_dict
from ..text import HAN_CLASS, speech_units
from .agency import ACTIVE_KINDS, AGENCY_SHRINKAGE, PASSIVE_KINDS, AgencyCollector, AgencyEvent, agency_score
from .runtime import DEFAULT_PARAMS, RuntimeParams, element_seconds

__all__ = [
    "AgencyEvent",
    "CharacterReport",
    "CharacterStats",
    "Edge",
    "ScenePresence",
    "alias_warnings",
    "analyze_characters",
    "drive_summary",
    "resolve_aliases",
]

# --- alias merging -------------------------------------------------------------------------
# Longest first, so 小姐 wins over 姐 and 董事长 over 长.
_ZH_TITLES = tuple(
    sorted(
        ("总", "总裁", "董事长", "老板", "经理", "哥", "姐", "叔", "少", "少爷", "爷", "小姐", "先生",
         "太太", "夫人", "嫂", "婶", "伯", "阿姨", "老师", "医生"),
        key=len,
        reverse=True,
    )
)
_ZH_PREFIXES = ("老", "小", "阿")
_COMPOUND_SURNAMES = frozenset(
    "欧阳 上官 司马 诸葛 东方 慕容 南宫 司徒 皇甫 令狐 独孤 长孙 宇文 夏侯 公孙 轩辕 端木 西门 尉迟 呼延".split()
)
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_HAN_NAME = re.compile(f"^[{HAN_CLASS}]{{2,5}}$")
_EN_TITLE = re.compile(
    r"^(?:mr|mrs|ms|miss|mister|madam|dr|doctor|president|ceo|boss|director|uncle|aunt|young master|master|lady|sir)"
    r"\.?\s+([A-Za-z][A-Za-z'\-]+)$",
    re.IGNORECASE,
)

_MAX_EVIDENCE = 30

TIERS = ("primary", "secondary", "minor")


@dataclass(frozen=True, slots=True)
class CharacterStats:
    """Measurements of one (canonical) character. Shares are fractions in [0, 1]."""

    name: str
    lines: int
    units: int  # Han characters + Latin words for zh, words for en
    screen_seconds: float
    scenes: int
    episodes: int
    first_episode: int
    first_scene: str
    first_line: int
    line_share: float
    scene_share: float
    tier: str
    agency: float  # (active - passive) / (active + passive + k), in (-1, 1); 0 without evidence
    active: int
    passive: int
    # The lists last: a table of characters reads the scalars first.
    aliases: tuple[str, ...]
    agency_kinds: tuple[tuple[str, int], ...] = field(metadata=json_field(convert=pairs_to_dict))
    evidence: tuple[AgencyEvent, ...]


@dataclass(frozen=True, slots=True)
class Edge:
    """Who speaks with whom: ``exchanges`` counts a line of one answered by the other next in the
    same scene; ``shared_scenes`` counts scenes where both speak. ``weight`` is their sum."""

    a: str
    b: str
    exchanges: int
    shared_scenes: int
    weight: int


@dataclass(frozen=True, slots=True)
class ScenePresence:
    """Who is in one scene: ``speaking`` have a line; ``present`` also counts cast lists and names in action."""

    index: int
    episode: int
    scene: str
    speaking: tuple[str, ...]
    present: tuple[str, ...]
    opened_by: str | None
    turned_by: str | None = None  # first character whose decision or confrontation turns the scene


@dataclass(frozen=True, slots=True)
class CharacterReport:
    """The result of :func:`analyze_characters`. ``characters`` are sorted by lines, most first."""

    characters: tuple[CharacterStats, ...]
    presence: tuple[ScenePresence, ...]
    edges: tuple[Edge, ...]
    total_lines: int
    total_scenes: int
    scenes_opened_by_character: float
    mean_primary_agency: float
    drive: str  # "character-driven", "mixed" or "plot-driven": a measurement, see the docs
    scenes_turned_by_character: float = 0.0
    scenes_driven_by_character: float = 0.0  # opened or turned by a character
    drive_index: float = 0.0
    drive_label: str = ""
    warnings: tuple[str, ...] = ()
    # The warnings as catalogue messages, for a reader of either language (the JSON keeps the English).
    notes: tuple[Message, ...] = field(default=(), metadata=json_field(omit=True))

    def get(self, name: str) -> CharacterStats | None:
        for c in self.characters:
            if c.name == name or name in c.aliases:
                return c
        return None

    def __json_post__(self, data: dict[str, JSON]) -> dict[str, JSON]:
        # The script-level figures under one "summary" key, with the shrinkage k they rest on.
        shares = ("scenes_opened_by_character", "scenes_turned_by_character", "scenes_driven_by_character")
        summary = {key: data.pop(key) for key in (*shares, "mean_primary_agency")}
        summary["agency_shrinkage"] = AGENCY_SHRINKAGE
        summary.update((key, data.pop(key)) for key in ("drive_index", "drive", "drive_label"))
        return insert_after(data, "total_scenes", summary=summary)


# --- aliases -------------------------------------------------------------------------------
def _zh_surname(full: str) -> str:
    return full[:2] if full[:2] in _COMPOUND_SURNAMES else full[:1]


def _zh_title_surname(name: str) -> str | None:
    """``王总`` → ``王``, ``欧阳小姐`` → ``欧阳``, ``老王`` → ``王``; None for anything else."""
    if not _HAN_NAME.match(name):
        return None
    for title in _ZH_TITLES:
        if name.endswith(title):
            stem = name[: -len(title)]
            if len(stem) == 1 or stem in _COMPOUND_SURNAMES:
                return stem
    if len(name) == 2 and name[0] in _ZH_PREFIXES:
        return name[1]
    return None


def resolve_aliases(script: Script, names: set[str] | None = None) -> dict[str, str]:
    """Map every name seen in ``script`` to its canonical name.

    Script.characters aliases come first; then a title form (``王总``, ``老王``, ``小林``,
    ``Mr. Gu``) merges into the one full name with that surname (``王振华``, ``林晚``,
    ``Gu Chengze``) — only when exactly one full name has it, since two 王s make ``王总``
    ambiguous (:func:`alias_warnings` names those cases).

    >>> from dramalens.model import Script, Character
    >>> s = Script(language="zh", characters={"王振华": Character("王振华"), "王总": Character("王总")})
    >>> resolve_aliases(s)["王总"]
    '王振华'
    """
    return _resolve(script, names)[0]


def alias_warnings(script: Script, names: set[str] | None = None) -> list[str]:
    """One line per title form left unmerged because several full names share its surname.

    >>> from dramalens.model import Script, Character
    >>> s = Script(language="zh", characters={n: Character(n) for n in ("王振华", "王磊", "王总")})
    >>> alias_warnings(s)
    ['王总 not merged: 2 full names share the surname 王 (王振华, 王磊)']
    """
    return [m.render(translator("en")) for m in _resolve(script, names)[1]]


def _resolve(script: Script, names: set[str] | None) -> tuple[dict[str, str], list[Message]]:
    mapping: dict[str, str] = {}
    for character in script.characters.values():
        mapping[character.name] = character.name
        for alias in character.aliases:
            mapping.setdefault(alias, character.name)
    seen = set(mapping) | (names or set())
    for name in seen:
        mapping.setdefault(name, name)
    canon = sorted({mapping[n] for n in seen})

    zh_full: dict[str, list[str]] = defaultdict(list)
    en_full: dict[str, list[str]] = defaultdict(list)
    for name in canon:
        if _HAN_NAME.match(name) and _zh_title_surname(name) is None and len(name) >= 2:
            zh_full[_zh_surname(name)].append(name)
        elif not _EN_TITLE.match(name):
            tokens = name.split()
            if len(tokens) >= 2:
                for token in {tokens[0].lower(), tokens[-1].lower()}:
                    en_full[token].append(name)
    merged: dict[str, str] = {}
    warnings: list[Message] = []
    for name in canon:
        surname = _zh_title_surname(name)
        if surname is None:
            m = _EN_TITLE.match(name)
            surname = m.group(1) if m else None
            candidates = en_full.get(surname.lower(), []) if surname is not None else []
        else:
            candidates = zh_full.get(surname, [])
        candidates = [c for c in candidates if c != name]
        if len(candidates) == 1:
            merged[name] = candidates[0]
        elif len(candidates) > 1:
            # Guessing would pour one character's lines into another's: leave both, say so.
            warnings.append(Message("note.alias", (("name", name), ("n", len(candidates)), ("surname", surname or ""),
                                                   ("candidates", ", ".join(candidates)))))
    return {n: merged.get(mapping[n], mapping[n]) for n in seen}, warnings


# --- the analysis --------------------------------------------------------------------------
def _pair(a: str, b: str) -> tuple[str, str]:
    """Two names in sorted order: the key of an undirected edge."""
    return (a, b) if a <= b else (b, a)


def _scene_label(episode_number: int, scene: Scene, index_in_episode: int) -> str:
    return scene.number or f"{episode_number}-{index_in_episode + 1}"


def _name_pattern(names: list[str], language: str) -> re.Pattern[str] | None:
    usable = sorted({n for n in names if len(n) >= 2}, key=len, reverse=True)
    if not usable:
        return None
    alt = "|".join(re.escape(n) for n in usable)
    if language == "zh" and all(_HAN_NAME.match(n) for n in usable):
        return re.compile(f"(?:{alt})")
    return re.compile(rf"(?<![A-Za-z])(?:{alt})(?![A-Za-z])")


def _floor6(share: float) -> float:
    # Shares are cut, not rounded, to 6 places: rounded to nearest, six characters with a line
    # each (0.166667 x 6) summed to 1.000002 and broke the documented bound "shares sum <= 1".
    # The tiny epsilon keeps 0.29 (289999.99999999994 after scaling) from dropping to 0.289999.
    return math.floor(share * 1e6 + 1e-7) / 1e6


def analyze_characters(script: Script, params: RuntimeParams | None = None) -> CharacterReport:
    """Measure every character of ``script``: lines, words, screen time, scenes, tier, agency.

    Tiers (the docs explain why): primary when the character has ≥ 15% of all lines, or is
    in ≥ 40% of scenes with ≥ 5% of lines, or has the most lines; secondary when ≥ 3% of
    lines or in ≥ 15% of scenes; minor otherwise.

    >>> from dramalens.parsing.builder import ScriptBuilder
    >>> from dramalens.model import ElementType
    >>> b = ScriptBuilder(source_format="chinese")
    >>> _ = b.start_scene(heading="1-1 日 内 客厅", line=1)
    >>> _ = b.add_new(ElementType.DIALOGUE, "我决定不嫁了。", 2, character="林晚")
    >>> r = analyze_characters(b.build(language="zh"))
    >>> r.characters[0].name, r.characters[0].lines, r.characters[0].tier
    ('林晚', 1, 'primary')
    """
    if params is None:
        params = DEFAULT_PARAMS
    elif not isinstance(params, RuntimeParams):
        raise ConfigError(f"params must be a RuntimeParams (dramalens.analysis.runtime), got {type(params).__name__}")
    language = script.language if script.language in ("zh", "en") else "en"

    seen: set[str] = set()
    for _, scene, element in script.iter_elements():
        if element.character:
            seen.add(element.character)
    for scene in script.scenes:
        seen.update(scene.cast)
    canon, alias_notes = _resolve(script, seen)
    groups: dict[str, set[str]] = defaultdict(set)
    for name, target in canon.items():
        groups[target].add(name)
    lookup = dict(canon)
    if language == "zh":
        # Action lines call people 王总/老王 even when no cue or cast list does: recognise a
        # full name's title forms when that surname is unique among the full names.
        by_surname: dict[str, list[str]] = defaultdict(list)
        for name in set(canon.values()):
            if _HAN_NAME.match(name) and _zh_title_surname(name) is None:
                by_surname[_zh_surname(name)].append(name)
        for surname, full in by_surname.items():
            if len(full) == 1:
                forms = [surname + t for t in _ZH_TITLES]
                if len(surname) == 1:
                    forms += [p + surname for p in _ZH_PREFIXES]
                for form in forms:
                    lookup.setdefault(form, full[0])
    # Action lines write MAYA on first sight and Maya after; "will"/"grace" in lower case are
    # words, not the characters WILL and GRACE: match the cue's spelling, upper and title case.
    for name, target in canon.items():
        if _LATIN_LETTER.search(name):
            for variant in (name.upper(), name.title()):
                lookup.setdefault(variant, target)
    pattern = _name_pattern(list(lookup), language)

    lines: dict[str, int] = defaultdict(int)
    units: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    scene_sets: dict[str, set[int]] = defaultdict(set)
    episode_sets: dict[str, set[int]] = defaultdict(set)
    first: dict[str, tuple[int, str, int]] = {}
    order: dict[str, int] = {}
    exchanges: dict[tuple[str, str], int] = defaultdict(int)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    agency = AgencyCollector(language)
    presence: list[ScenePresence] = []
    index = 0
    opened = turned = driven = 0

    for episode in script.episodes:
        for k, scene in enumerate(episode.scenes):
            label = _scene_label(episode.number, scene, k)
            speaking: list[str] = []
            present: list[str] = []
            previous_speaker: str | None = None
            opener: str | None = None
            decided_opening = False
            turner: str | None = None

            def mark(name: str, line: int) -> None:
                if name not in present:
                    present.append(name)
                scene_sets[name].add(index)
                episode_sets[name].add(episode.number)
                first.setdefault(name, (episode.number, label, line))
                order.setdefault(name, len(order))

            for name in scene.cast:
                mark(canon.get(name, name), scene.line)
            for element in scene.elements:
                if element.character and element.type in SPOKEN_TYPES:
                    name = canon.get(element.character, element.character)
                    mark(name, element.line)
                    if name not in speaking:
                        speaking.append(name)
                    lines[name] += 1
                    units[name] += speech_units(element.text, language)
                    seconds[name] += element_seconds(element, language, params)
                    if previous_speaker and previous_speaker != name:
                        exchanges[_pair(previous_speaker, name)] += 1
                    previous_speaker = name
                    if not decided_opening:
                        decided_opening, opener = True, name
                        agency.add(name, "opens_scene", 1, element, episode.number, label)
                    said = agency.spoken(name, element, episode.number, label)
                    if turner is None and {"decides", "confronts"} & set(said):
                        turner = name  # a choice said aloud turns the scene
                elif element.character:
                    mark(canon.get(element.character, element.character), element.line)
                elif element.type == ElementType.ACTION and pattern is not None:
                    roles = agency.action_roles(element.text, pattern, lookup)
                    for m in pattern.finditer(element.text):
                        found = lookup.get(m.group(0))
                        if found:
                            mark(found, element.line)
                    for name, kind, sign in roles:
                        agency.add(name, kind, sign, element, episode.number, label)
                    if not decided_opening and element.text.strip():
                        decided_opening = True
                        # The scene opens on this action: a character opens it only as its first-named, willing subject.
                        if roles and roles[0][2] > 0:
                            opener = roles[0][0]
                            agency.add(opener, "opens_scene", 1, element, episode.number, label)
            opened += opener is not None
            turned += turner is not None
            driven += opener is not None or turner is not None
            for i, a in enumerate(speaking):
                for b in speaking[i + 1 :]:
                    shared[_pair(a, b)] += 1
            presence.append(ScenePresence(index, episode.number, label, tuple(speaking), tuple(present), opener, turner))
            index += 1

    total_lines = sum(lines.values())
    total_scenes = index
    names = [n for n in groups if n in scene_sets or n in lines]
    top = min(names, key=lambda n: (-lines[n], -len(scene_sets[n]), order.get(n, len(order))), default=None)
    stats: list[CharacterStats] = []
    for name in names:
        line_share = lines[name] / total_lines if total_lines else 0.0
        scene_share = len(scene_sets[name]) / total_scenes if total_scenes else 0.0
        if (lines[name] and name == top) or line_share >= 0.15 or (scene_share >= 0.4 and line_share >= 0.05):
            tier = "primary"
        elif line_share >= 0.03 or scene_share >= 0.15:
            tier = "secondary"
        else:
            tier = "minor"
        counts = agency.counts.get(name, {})
        active = sum(v for k, v in counts.items() if k in ACTIVE_KINDS)
        passive = sum(v for k, v in counts.items() if k in PASSIVE_KINDS)
        score = agency_score(active, passive)
        ep, sc, ln = first.get(name, (0, "", 0))
        stats.append(
            CharacterStats(
                name=name,
                aliases=tuple(sorted(groups[name] - {name})),
                lines=lines[name],
                units=units[name],
                screen_seconds=round(seconds[name], 3),
                scenes=len(scene_sets[name]),
                episodes=len(episode_sets[name]),
                first_episode=ep,
                first_scene=sc,
                first_line=ln,
                line_share=_floor6(line_share),
                scene_share=round(scene_share, 6),
                tier=tier,
                agency=round(score, 6),
                active=active,
                passive=passive,
                agency_kinds=tuple(sorted(counts.items())),
                evidence=tuple(agency.events.get(name, [])[:_MAX_EVIDENCE]),
            )
        )
    # Order by lines, then presence, then first appearance — never by name, so renaming changes nothing.
    stats.sort(key=lambda c: (-c.lines, -c.scenes, order.get(c.name, len(order))))
    edges = [
        Edge(a, b, exchanges.get((a, b), 0), shared.get((a, b), 0), exchanges.get((a, b), 0) + shared.get((a, b), 0))
        for (a, b) in sorted(set(exchanges) | set(shared))
    ]
    edges.sort(key=lambda e: -e.weight)
    primaries = [c for c in stats if c.tier == "primary"]
    weight = sum(c.lines for c in primaries)
    mean_agency = sum(c.agency * c.lines for c in primaries) / weight if weight else 0.0
    opened_share = opened / total_scenes if total_scenes else 0.0
    turned_share = turned / total_scenes if total_scenes else 0.0
    driven_share = driven / total_scenes if total_scenes else 0.0
    drive_index, drive, label = drive_summary(driven_share, max(-1.0, min(1.0, mean_agency)))
    return CharacterReport(
        characters=tuple(stats),
        presence=tuple(presence),
        edges=tuple(edges),
        total_lines=total_lines,
        total_scenes=total_scenes,
        scenes_opened_by_character=round(opened_share, 6),
        mean_primary_agency=round(mean_agency, 6),
        drive=drive,
        scenes_turned_by_character=round(turned_share, 6),
        scenes_driven_by_character=round(driven_share, 6),
        drive_index=round(drive_index, 6),
        drive_label=label,
        warnings=tuple(m.render(translator("en")) for m in alias_notes),
        notes=tuple(alias_notes),
    )


#: drive_index cut-offs: character-driven at or above the first (with positive agency),
#: plot-driven below the second (with agency under 0.25), mixed between.
DRIVE_THRESHOLDS = (0.6, 0.4)


def drive_summary(driven_share: float, mean_agency: float) -> tuple[float, str, str]:
    """(drive index, drive, label) from the share of scenes opened or turned by a character
    and the primaries' mean agency.

    index = ½·driven_share + ½·(mean_agency + 1)/2, in [0, 1]. *character-driven* when
    index ≥ 0.6 and agency > 0; *plot-driven* when index < 0.4 and agency < 0.25; *mixed*
    otherwise. The agency conditions keep the label from contradicting its own number
    (a +0.6 agency can never read "plot-driven", a −0.6 never "character-driven").

    >>> drive_summary(0.8, 0.4)[:2]
    (0.75, 'character-driven')
    >>> drive_summary(0.1, 0.1)[1], drive_summary(0.0, 0.6)[1]
    ('plot-driven', 'mixed')
    """
    if not (0.0 <= driven_share <= 1.0 and -1.0 <= mean_agency <= 1.0):
        raise ValueError(f"driven_share must be in [0, 1] and mean_agency in [-1, 1], got {driven_share}, {mean_agency}")
    index = 0.5 * driven_share + 0.25 * (mean_agency + 1.0)
    high, low = DRIVE_THRESHOLDS
    if index >= high and mean_agency > 0:
        drive = "character-driven"
    elif index < low and mean_agency < 0.25:
        drive = "plot-driven"
    else:
        drive = "mixed"
    label = (f"{drive}: {driven_share:.0%} of scenes opened or turned by a character, "
             f"primary characters' agency {mean_agency:+.2f} (drive index {index:.2f})")
    return index, drive, label
