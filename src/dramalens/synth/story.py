"""The story half of the synthetic corpus: trope stacks, casts, plots and scene text.

A work is planned as a trope stack → a plot (story functions placed on scene slots, each
acted by roles) → scenes rendered from per-work slices of the word pools in synth_zh/synth_en.
Text keeps character names as role placeholders (``⟨P⟩``; ``⟪P⟫`` for an English cue) until
a work is written, so passages can move between works under new names.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from types import ModuleType
from typing import NamedTuple, TypeVar

from ..analysis.skeleton import functions_in
from ..analysis.tropes import load_vocabulary, tag_tropes
from . import en as synth_en, zh as synth_zh

# Roles: protagonist, love interest, antagonist, ally, rival, elder, kid.
ROLE_KEYS = ("P", "L", "A", "B", "C", "M", "K")

# Which tropes a track draws from (the first listed trope is required when marked with "!").
TRACK_TROPES = {
    "zh": {
        "都市": ("ceo", "contract_marriage", "genius_baby", "secret_baby", "chasing_wife", "hidden_identity", "son_in_law", "war_god",
               "underdog", "revenge", "switched_heiress", "sweet_romance", "substitute", "miracle_doctor", "rebirth", "divorce",
               "strong_heroine", "abuse_romance"),
        "古装": ("!household_intrigue|palace_intrigue", "rebirth", "time_travel", "revenge", "strong_heroine", "miracle_doctor",
               "sweet_romance", "substitute", "palace_intrigue", "household_intrigue"),
        "玄幻": ("!cultivation", "system", "underdog", "revenge", "time_travel", "rebirth"),
        "年代": ("!period", "rebirth", "family", "underdog", "sweet_romance", "strong_heroine", "contract_marriage"),
        "校园": ("!campus", "sweet_romance", "underdog", "system", "substitute"),
        "悬疑": ("!suspense", "revenge", "rebirth", "hidden_identity", "mafia"),
        "家庭": ("!family", "revenge", "switched_heiress", "strong_heroine", "divorce", "genius_baby"),
    },
    "en": {
        "romance": ("ceo", "contract_marriage", "secret_baby", "sweet_romance", "chasing_wife", "substitute", "divorce", "abuse_romance"),
        "revenge": ("!revenge", "rebirth", "switched_heiress", "hidden_identity", "underdog", "strong_heroine", "divorce", "ceo"),
        "werewolf": ("!werewolf", "rebirth", "revenge", "secret_baby", "hidden_identity", "substitute"),
        "mafia": ("!mafia", "contract_marriage", "secret_baby", "revenge", "ceo"),
        "family": ("!family", "genius_baby", "switched_heiress", "divorce", "secret_baby"),
        "fantasy": ("!vampire|time_travel", "system", "rebirth", "palace_intrigue"),
        "thriller": ("!suspense", "revenge", "hidden_identity", "mafia"),
    },
}
TRACK_WEIGHTS = {
    "zh": {"都市": 40, "古装": 16, "玄幻": 10, "年代": 12, "校园": 6, "悬疑": 8, "家庭": 8},
    "en": {"romance": 34, "revenge": 20, "werewolf": 16, "mafia": 12, "family": 6, "fantasy": 6, "thriller": 6},
}
TRACK_PLACES = {
    "古装": ("ancient",), "玄幻": ("fantasy", "ancient"), "年代": ("period", "home"), "校园": ("campus", "public"),
    "werewolf": ("fantasy", "home", "public"), "fantasy": ("ancient", "fantasy"),
}

# Story beats each trope brings: (position in the story 0..1, function, agent, patient).
TROPE_BEATS = {
    "ceo": ((0.02, "meet", "P", "L"), (0.5, "jealousy", "L", "P"), (0.93, "wedding", "L", "P")),
    "rebirth": ((0.0, "rebirth", "P", "A"), (0.86, "revenge", "P", "A")),
    "time_travel": ((0.0, "transmigration", "P", "B"), (0.45, "reveal", "P", "A")),
    "underdog": ((0.04, "humiliation", "A", "P"), (0.6, "reversal", "P", "A"), (0.96, "triumph", "P", "B")),
    "son_in_law": ((0.03, "humiliation", "M", "P"), (0.4, "reveal", "P", "A"), (0.62, "reversal", "P", "M")),
    "war_god": ((0.05, "humiliation", "A", "P"), (0.5, "reveal", "P", "A"), (0.72, "reversal", "P", "A"), (0.9, "revenge", "P", "A")),
    "sweet_romance": ((0.08, "meet", "L", "P"), (0.5, "confession", "L", "P"), (0.9, "wedding", "L", "P")),
    "revenge": ((0.05, "betrayal", "A", "P"), (0.9, "revenge", "P", "A")),
    "substitute": ((0.1, "contract", "L", "P"), (0.42, "reveal", "P", "L"), (0.62, "separation", "P", "L")),
    "genius_baby": ((0.08, "meet", "K", "L"), (0.52, "reveal", "K", "L")),
    "switched_heiress": ((0.05, "humiliation", "C", "P"), (0.4, "reveal", "P", "C"), (0.8, "reversal", "P", "C")),
    "contract_marriage": ((0.05, "contract", "L", "P"), (0.6, "confession", "L", "P"), (0.92, "wedding", "L", "P")),
    "system": ((0.05, "humiliation", "A", "P"), (0.3, "contest", "P", "C"), (0.75, "triumph", "P", "B")),
    "hidden_identity": ((0.3, "reveal", "P", "A"), (0.7, "reversal", "P", "A")),
    "chasing_wife": ((0.3, "separation", "P", "L"), (0.6, "pursuit", "L", "P"), (0.9, "reconciliation", "P", "L")),
    "secret_baby": ((0.15, "pregnancy", "P", "L"), (0.25, "separation", "P", "L"), (0.7, "reveal", "K", "L")),
    "werewolf": ((0.05, "meet", "L", "P"), (0.2, "separation", "L", "P"), (0.7, "rescue", "L", "P")),
    "vampire": ((0.1, "meet", "L", "P"), (0.5, "rescue", "L", "P")),
    "mafia": ((0.1, "contract", "L", "P"), (0.5, "kidnapping", "A", "P"), (0.8, "rescue", "L", "P")),
    "household_intrigue": ((0.1, "betrayal", "C", "P"), (0.5, "reveal", "P", "C"), (0.85, "revenge", "P", "C")),
    "palace_intrigue": ((0.2, "contest", "P", "C"), (0.5, "betrayal", "C", "P"), (0.9, "triumph", "P", "B")),
    "family": ((0.3, "injury", "M", "P"), (0.6, "misunderstanding", "M", "P"), (0.92, "reconciliation", "P", "M")),
    "strong_heroine": ((0.2, "betrayal", "A", "P"), (0.5, "contest", "P", "C"), (0.95, "triumph", "P", "B")),
    "miracle_doctor": ((0.1, "injury", "M", "P"), (0.3, "rescue", "P", "M"), (0.6, "reversal", "P", "A")),
    "abuse_romance": ((0.2, "misunderstanding", "L", "P"), (0.5, "injury", "P", "L"), (0.7, "separation", "P", "L")),
    "campus": ((0.05, "meet", "P", "L"), (0.4, "contest", "P", "C"), (0.8, "confession", "L", "P")),
    "period": ((0.1, "contract", "L", "P"), (0.45, "contest", "P", "C")),
    "cultivation": ((0.1, "humiliation", "A", "P"), (0.5, "contest", "P", "A"), (0.9, "triumph", "P", "B")),
    "suspense": ((0.1, "death", "M", "P"), (0.5, "reveal", "P", "A"), (0.9, "reveal", "P", "A")),
    "divorce": ((0.05, "separation", "P", "L"), (0.6, "pursuit", "L", "P")),
}
# Functions that fill the slots between trope beats, with who usually acts on whom.
FILLER_BEATS = (
    ("humiliation", "A", "P"), ("misunderstanding", "L", "P"), ("jealousy", "C", "P"), ("rescue", "L", "P"), ("betrayal", "A", "P"),
    ("kidnapping", "A", "P"), ("injury", "P", "L"), ("contest", "P", "C"), ("confession", "L", "P"), ("reveal", "P", "A"),
    ("reversal", "P", "A"), ("meet", "P", "B"), ("revenge", "P", "A"), ("separation", "P", "L"), ("reconciliation", "P", "B"),
)


class PlotScene(NamedTuple):
    """One planned scene: its story function (None: a connecting scene), agent, patient, place kind."""

    function: str | None
    agent: str
    patient: str
    place: str
    night: bool
    exterior: bool


Plot = tuple[tuple[PlotScene, ...], ...]  # episodes → scenes
#: One item of a rendered scene: ``(kind, role, paren, text)`` for its elements (kind ``cast``,
#: ``action``, ``dialogue``, ``hook`` …), ``("head", night, exterior, place)`` for its heading.
SceneItem = tuple[str, object, object, str]
T = TypeVar("T")


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    # random.choice goes through Python-level _randbelow; one C-level random() is 3x faster
    # and just as deterministic, which matters at 40,000 works.
    return seq[int(rng.random() * len(seq))]


def lexicon(language: str) -> ModuleType:
    return synth_zh if language == "zh" else synth_en


@lru_cache(maxsize=4096)
def _piece_tropes(language: str, piece: str) -> frozenset[str]:
    """Tropes a pool item would suggest on its own (any cue at all counts)."""
    return frozenset(h.trope for h in tag_tropes(piece, language=language, min_confidence=0.0))


@lru_cache(maxsize=4096)
def _is_function_cue(language: str, text: str) -> bool:
    return bool(functions_in(text, language))


def fitting(pool: Iterable[str], language: str, tropes: tuple[str, ...]) -> tuple[str, ...]:
    """The items of ``pool`` that suggest no trope outside ``tropes`` (so a work's words never
    plant a trope it does not have); the whole pool if nothing fits."""
    return _fitting(tuple(pool), language, tuple(sorted(tropes)))


@lru_cache(maxsize=65536)
def _fitting(pool: tuple[str, ...], language: str, tropes: tuple[str, ...]) -> tuple[str, ...]:
    allowed = set(tropes)
    kept = tuple(item for item in pool if _piece_tropes(language, item) <= allowed)
    return kept or tuple(pool)


def pick_tropes(rng: random.Random, language: str) -> tuple[str, tuple[str, ...]]:
    """A track and a stack of 2-4 tropes that fit it (a world-defining trope first where the
    track has one: 年代 → period, werewolf → werewolf).

    >>> track, stack = pick_tropes(random.Random(1), "zh")
    >>> track in TRACK_TROPES["zh"] and 2 <= len(stack) <= 4
    True
    """
    weights = TRACK_WEIGHTS[language]
    track = rng.choices(list(weights), weights=list(weights.values()))[0]
    pool = TRACK_TROPES[language][track]
    stack: list[str] = []
    optional = []
    for entry in pool:
        if entry.startswith("!"):
            stack.append(_pick(rng, entry[1:].split("|")))
        else:
            optional.append(entry)
    optional = [t for t in dict.fromkeys(optional) if t not in stack]
    want = rng.randint(2, 4)
    rng.shuffle(optional)
    stack.extend(optional[: max(0, want - len(stack))])
    return track, tuple(stack)


def make_plot(rng: random.Random, language: str, track: str, tropes: tuple[str, ...], episodes: int, per_episode: tuple[int, int]) -> Plot:
    """Place each trope's beats at their story positions, fill the rest with connecting scenes
    and random escalations.

    >>> plot = make_plot(random.Random(2), "zh", "都市", ("rebirth", "revenge"), 10, (1, 3))
    >>> len(plot), plot_functions(plot)[0]
    (10, 'rebirth')
    """
    low, span = per_episode[0], per_episode[1] - per_episode[0] + 1
    counts = [low + int(rng.random() * span) for _ in range(episodes)]
    total = sum(counts)
    slots: list[tuple[str, str, str] | None] = [None] * total
    for trope in tropes:
        for pos, function, agent, patient in TROPE_BEATS.get(trope, ()):
            at = min(total - 1, max(0, round((pos + rng.uniform(-0.04, 0.04)) * (total - 1))))
            for step in range(total):  # nearest free slot, alternating after/before
                for cand in (at + step, at - step):
                    if 0 <= cand < total and slots[cand] is None:
                        slots[cand] = (function, agent, patient)
                        break
                else:
                    continue
                break
    places = TRACK_PLACES.get(track, ("home", "office", "public", "hospital"))
    fill = rng.uniform(0.35, 0.6)
    scenes: list[PlotScene] = []
    common = ("home", "public", "hospital", "office")
    for beat in slots:
        r = rng.random()
        if beat is None and r < fill:
            beat = _pick(rng, FILLER_BEATS)
        # One draw decides place, time and inside/outside (its digits are independent enough).
        u = rng.random()
        place = places[int(u * 5 % 1 * len(places))] if u < 0.8 else common[int(u * 20 % 1 * 4)]
        night, exterior = (u * 37) % 1 < 0.35, (u * 101) % 1 < 0.3
        if beat is None:
            scenes.append(PlotScene(None, "P", "LBAM"[int(r * 13 % 1 * 4)], place, night, exterior))
        else:
            scenes.append(PlotScene(beat[0], beat[1], beat[2], place, night, exterior))
    out, i = [], 0
    for n in counts:
        out.append(tuple(scenes[i : i + n]))
        i += n
    return tuple(out)


def collapse(functions: Iterable[str | None]) -> tuple[str, ...]:
    """Story functions with connecting scenes (None) dropped and runs collapsed.

    >>> collapse(["meet", None, "meet", "betrayal"])
    ('meet', 'betrayal')
    """
    out: list[str] = []
    for f in functions:
        if f and (not out or out[-1] != f):
            out.append(f)
    return tuple(out)


def plot_functions(plot: Plot) -> tuple[str, ...]:
    """The planned story functions in order, runs collapsed (what a skeleton should find).

    >>> plot_functions(((PlotScene("meet", "P", "L", "home", False, False),), (PlotScene("meet", "P", "L", "home", True, False),)))
    ('meet',)
    """
    out: list[str] = []
    for episode in plot:
        for scene in episode:
            if scene.function and (not out or out[-1] != scene.function):
                out.append(scene.function)
    return tuple(out)


def make_cast(rng: random.Random, language: str) -> dict[str, str]:
    """Distinct names for every role key (P is a woman, L a man: the genre's default); no
    name contains another, so replacing names in text is unambiguous.

    >>> sorted(make_cast(random.Random(3), "en")) == sorted(ROLE_KEYS)
    True
    """
    lex = lexicon(language)
    names: dict[str, str] = {}
    used: set[str] = set()
    for key in ROLE_KEYS:
        for _ in range(50):
            if language == "zh":
                name = _pick(rng, lex.SURNAMES) + "".join(rng.sample(lex.GIVEN, 1 if rng.random() < 0.35 else 2))
            else:
                female = key in ("P", "C") or (key not in ("L",) and rng.random() < 0.5)
                name = _pick(rng, lex.FEMALE if female else lex.MALE)
            if name not in used and not any(name in u or u in name for u in used):
                break
        used.add(name)
        names[key] = name
    return names


class Style:
    """The slice of each word pool one work uses: its recurring vocabulary."""

    __slots__ = ("pools", "cores", "company", "city", "family", "cues", "top_cue", "language", "tropes")

    _POOLS = ("INTERJECTIONS", "SUBJECTS", "ADVERBS", "VERBS", "MODIFIERS", "OBJECTS", "TAILS", "PARENS", "MANNERS",
              "ACTIONS", "REACTIONS", "SETTING", "HOOKS", "PLACES", "TROPE_WHO", "TROPE_VERB", "TROPE_TAIL",
              "CORE_LEADS", "HOOK_LEADS", "PARTICLES", "SYN_TROPE")

    def __init__(self, rng: random.Random, language: str, tropes: tuple[str, ...], *, full: bool = True):
        lex = lexicon(language)
        self.language = language
        self.tropes = tropes
        self.pools: dict[str, tuple[str, ...]] = {}
        # A synopsis-only work needs only objects and story cores: skipping the rest keeps a
        # 40,000-work metadata corpus fast.
        for name in self._POOLS if full else ("OBJECTS", "SYN_TROPE"):
            pool = fitting(getattr(lex, name, ()), language, tropes)
            if not pool:
                continue
            # A small slice: two unrelated works then share about 3% of any pool.
            k = max(2, round(len(pool) * rng.uniform(0.12, 0.25)))
            self.pools[name] = tuple(rng.sample(pool, min(k, len(pool))))
        cores = {f: fitting(c, language, tropes) for f, c in lex.FUNCTION_CORES.items()}
        self.cores: dict[str, tuple[str, ...]] = {f: tuple(rng.sample(c, min(2, len(c)))) for f, c in cores.items()}
        if full:
            self.pools.update({f"LOC_{kind}": tuple(rng.sample(f := fitting(rooms, language, tropes), max(2, round(len(f) * 0.4))))
                               for kind, rooms in lex.LOCATIONS.items()})
        self.company: str = _pick(rng, lex.COMPANY_HEAD) + ("" if language == "zh" else " ") + _pick(rng, lex.COMPANY_TAIL)
        self.city: str = _pick(rng, lex.CITIES)
        self.family: str = _pick(rng, lex.SURNAMES)  # whose house the home scenes are in
        vocab = load_vocabulary()
        self.cues: dict[str, tuple[str, ...]] = {}
        self.top_cue: dict[str, str] = {}
        for trope in tropes:
            t = vocab.get(trope)
            cues = t.cues_zh if language == "zh" else t.cues_en
            strong = tuple(c for c, w in cues if w >= 1.0) or tuple(c for c, _ in cues)
            # Mentions of a trope should not read as a story event (重生 is both): prefer cues
            # that are no story function's cue, so the planned skeleton is what a reader finds.
            self.cues[trope] = tuple(c for c in strong if not _is_function_cue(language, c)) or strong
            # The blurb names each trope by one of its outright cues, as real blurbs do.
            best = max(w for _, w in cues)
            self.top_cue[trope] = _pick(rng, [c for c, w in cues if w == best])

    def pick(self, rng: random.Random, pool: str) -> str:
        seq = self.pools[pool]
        return seq[int(rng.random() * len(seq))]


_ROLE_SLOT = re.compile(r"⟨([ab])⟩")


def fill(rng: random.Random, style: Style, template: str, agent: str, patient: str, place: str = "") -> str:
    """Fill ``{obj}``/``{loc}`` and the role slots ⟨a⟩ (agent), ⟨b⟩ (patient) of a template;
    ⟨{r}⟩ (someone else present) is left for the caller."""
    if "{obj}" in template:
        obj = style.pick(rng, "OBJECTS")
        template = template.replace("{obj}", obj)
    if "{loc}" in template:
        template = template.replace("{loc}", place.lower() if style.language == "en" else place)
    return _ROLE_SLOT.sub(lambda m: f"⟨{agent if m.group(1) == 'a' else patient}⟩", template)


def place_name(rng: random.Random, style: Style, kind: str) -> str:
    lex = lexicon(style.language)
    room = style.pick(rng, f"LOC_{kind}")
    # Owners and cities in place names make headings as particular to a work as real ones are.
    if style.language == "zh":
        if kind == "office":
            return style.company + room
        if kind == "hospital":
            return style.city + "医院" + room if not room.startswith("医院") else style.city + room
        if kind == "home" and rng.random() < 0.6:
            return f"{style.family}家{room}"
        return room
    if kind == "office":
        return f"{style.company.upper()} - {room}"
    if kind == "hospital":
        return f"{style.city.upper()} GENERAL - {room}"
    if kind == "home" and rng.random() < 0.6:
        return f"{style.family.upper()} HOUSE - {room}"
    return room


def _zh_line(rng: random.Random, style: Style, addressee: str) -> str:
    p = style.pick
    shape = rng.random()
    core = p(rng, "SUBJECTS") + p(rng, "ADVERBS") + p(rng, "VERBS") + p(rng, "MODIFIERS") + p(rng, "OBJECTS")
    if shape < 0.12:  # speaking to someone by name, as every third line of a real script does
        return f"⟨{addressee}⟩，{p(rng, 'TAILS')}{_pick(rng, '。！')}"
    if shape < 0.2:
        return f"为什么{core}？"
    if shape < 0.35:
        return f"{p(rng, 'INTERJECTIONS')}，{core}{_pick(rng, '。！')}"
    if shape < 0.7:
        return f"{core}{p(rng, 'PARTICLES')}？{p(rng, 'TAILS')}！"
    if shape < 0.85:
        return f"{core}，{p(rng, 'TAILS')}。"
    return f"{p(rng, 'INTERJECTIONS')}！{p(rng, 'TAILS')}。"


def _en_line(rng: random.Random, style: Style, addressee: str) -> str:
    p = style.pick
    shape = rng.random()
    clause = f"{p(rng, 'SUBJECTS')} {p(rng, 'ADVERBS')} {p(rng, 'VERBS')} {p(rng, 'MODIFIERS')} {p(rng, 'OBJECTS')}"
    if shape < 0.12:
        tail = p(rng, "TAILS")
        return f"⟨{addressee}⟩, {tail[0].lower()}{tail[1:]}"
    if shape < 0.2:
        return f"So {clause}?"
    clause = clause[0].upper() + clause[1:]
    if shape < 0.35:
        return f"{p(rng, 'INTERJECTIONS')}. {clause} {p(rng, 'PLACES')}."
    if shape < 0.7:
        return f"{clause}? {p(rng, 'TAILS')}"
    if shape < 0.85:
        return f"{clause} {p(rng, 'PLACES')}. {p(rng, 'TAILS')}"
    return f"{p(rng, 'INTERJECTIONS')}. {p(rng, 'TAILS')}"


def scene_body(rng: random.Random, style: Style, scene: PlotScene, tropes: tuple[str, ...], place: str, last: bool) -> list[SceneItem]:
    """The elements of one scene with names as role placeholders.

    Returns ``(kind, role, paren, text)`` tuples; kind is ``cast``, ``action``, ``dialogue`` or ``hook``.
    """
    zh = style.language == "zh"
    present = [scene.agent, scene.patient] if scene.agent != scene.patient else [scene.agent]
    if "P" not in present:
        present.insert(0, "P")
    if rng.random() < 0.35:
        present.append(_pick(rng, ("B", "M", "C")))
    present = list(dict.fromkeys(present))
    out: list[SceneItem] = [("cast", None, None, "、".join(f"⟨{r}⟩" for r in present) if zh else "")]
    p = style.pick
    sep = "，" if zh else ", "
    end = "。" if zh else "."

    def action(role: str) -> str:
        others = [r for r in present if r != role] or present
        body = fill(rng, style, p(rng, "ACTIONS"), role, role).replace("⟨{r}⟩", f"⟨{_pick(rng, others)}⟩")
        return f"⟨{role}⟩{p(rng, 'MANNERS')}{body}{sep}{p(rng, 'REACTIONS')}{end}" if zh else \
            f"⟨{role}⟩ {p(rng, 'MANNERS')} {body}{sep}{p(rng, 'REACTIONS')}{end}"

    if zh and rng.random() < 0.08:
        out.append(("subtitle", None, None, _pick(rng, synth_zh.SUBTITLES)))
    if rng.random() < 0.6:
        out.append(("action", None, None, fill(rng, style, p(rng, "SETTING"), "P", "P") + ("。" if zh else "")))
    out.append(("action", None, None, action(present[0])))
    if zh and rng.random() < 0.05:  # a remembered moment, bracketed as the industry marks it
        out += [("flashback_start", None, None, ""), ("action", None, None, action(present[-1])), ("flashback_end", None, None, "")]
    weights = [3.0 if r == "P" else (1.6 if r == scene.agent else 1.0) for r in present]
    # 6-11 lines: a vertical episode of 1-3 scenes then runs the 500-800 characters the
    # industry writes (DESIGN.md), about 1-3 minutes.
    n_lines = rng.randint(6, 11)
    core_at = rng.randint(0, n_lines - 1)
    trope_at = {rng.randint(0, n_lines - 1) for _ in range(1 + (rng.random() < 0.5))} if tropes else set()
    line = _zh_line if zh else _en_line
    for i in range(n_lines):
        if scene.function and i == core_at:
            core = fill(rng, style, _pick(rng, style.cores[scene.function]), scene.agent, scene.patient, place)
            out.append(("action", None, None, _lead(rng, style, "CORE_LEADS", core)))
        if i in trope_at:
            trope = _pick(rng, tropes)
            cue = _pick(rng, style.cues[trope])
            who = p(rng, "TROPE_WHO").replace("⟨{r}⟩", f"⟨{_pick(rng, present)}⟩")
            if zh:
                frame = f"{who}{p(rng, 'TROPE_VERB')}“{cue}”{p(rng, 'TROPE_TAIL')}。"
            else:
                frame = f"{who} {p(rng, 'TROPE_VERB')} \"{cue}\"{p(rng, 'TROPE_TAIL')}"
            out.append(("action", None, None, frame))
        speaker = rng.choices(present, weights=weights)[0]
        listener = _pick(rng, [r for r in present if r != speaker] or present)
        r = rng.random()
        if r < 0.06:  # a line heard over the picture: 林晚（OS）/ MAYA (V.O.)
            out.append(("voice_over", speaker, None, line(rng, style, listener)))
        else:
            out.append(("dialogue", speaker, p(rng, "PARENS") if r > 0.75 else None, line(rng, style, listener)))
        if rng.random() < 0.2:
            out.append(("action", None, None, action(speaker)))
    if last:
        hook = p(rng, "HOOKS").replace("⟨{r}⟩", f"⟨{_pick(rng, present)}⟩")
        out.append(("hook", None, None, _lead(rng, style, "HOOK_LEADS", hook)))
    return out


def _lead(rng: random.Random, style: Style, pool: str, text: str) -> str:
    """``text`` with a connective in front (half the time) and its closing stop."""
    zh = style.language == "zh"
    if rng.random() < 0.5:
        lead = style.pick(rng, pool)
        if not zh and text[:1] != "⟨":
            text = text[:1].lower() + text[1:]
        text = lead + text
    if zh and not text.endswith(("。", "！", "？")):
        text += "。"
    return text


def synopsis_sentences(rng: random.Random, style: Style, plot: Plot, tropes: tuple[str, ...]) -> list[str]:
    """A blurb: who the heroine is, the tropes by their cue words, three plot turns and a hook."""
    lex = lexicon(style.language)
    zh = style.language == "zh"
    who = _pick(rng, fitting(lex.IDENTITIES, style.language, tropes))
    sentences = [f"⟨P⟩本是{style.city}的{who}。" if zh else f"⟨P⟩ is {who} in {style.city}."]
    frames = list(style.pools["SYN_TROPE"])
    rng.shuffle(frames)
    for k, trope in enumerate(tropes):
        sentences.append(frames[k % len(frames)].replace("{cue}", style.top_cue[trope]))
    beats = [(s, s.function) for ep in plot for s in ep if s.function]
    if beats:
        step = max(1, len(beats) // 3)
        for scene, function in beats[::step][:3]:
            core = _pick(rng, style.cores[function])
            text = fill(rng, style, core, scene.agent, scene.patient, "")
            sentences.append(text if not zh or text.endswith("。") else text + "。")
    sentences.append(_pick(rng, lex.HOOK_SYN))
    return sentences


def make_title(rng: random.Random, language: str, tropes: tuple[str, ...] = ()) -> str:
    """A title in the genre's manner whose words suggest only the work's own tropes.

    >>> make_title(random.Random(4), "en", ("werewolf",)).count(" ") >= 2
    True
    """
    lex = lexicon(language)
    parts = [_pick(rng, fitting(pool, language, tropes)) for pool in (lex.TITLE_HEADS, lex.TITLE_NOUNS, lex.TITLE_TAILS)]
    return "".join(parts) if language == "zh" else " ".join(parts)
