"""A synthetic corpus of micro-drama scripts with planted relations, for testing the catalog.

``generate_corpus`` writes realistic scripts (Chinese plain-text convention as .txt, English
as .fountain), ``metadata.jsonl`` (one work a line: id, title, language, synopsis, tags,
episodes, format, track, release date, monthly plays) and ``truth.json``: what was planted.

Planted relations (:class:`PlantedRelation`):

* ``near_copy`` (fraction 0.1, 0.3, 0.6): a new work in which that share of the scenes are the
  source's scenes verbatim, with the characters renamed;
* ``retelling`` (fraction 0.0): the source's plot (same story functions, same roles, scene by
  scene) told with new names, places and freshly composed sentences;
* ``trope_twin`` (fraction 0.0): the same trope stack and track, a different plot.

Every work is a function of ``(seed, index)`` only (plants of their source's plan too), so a
corpus is deterministic per seed and a source can be re-rendered instead of kept in memory.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import ConfigError, InputError
from . import story
from ..analysis.tropes import load_vocabulary

__all__ = ["RELATION_KINDS", "CorpusTruth", "PlantedRelation", "WorkTruth", "generate_corpus"]

RELATION_KINDS = ("near_copy", "retelling", "trope_twin")
_PLANT_CYCLE = (("near_copy", 0.1), ("near_copy", 0.3), ("near_copy", 0.6), ("retelling", 0.0), ("trope_twin", 0.0))
_NOW = (2026, 10)  # the corpus' "today": monthly plays run up to this month
_FIRST = (2023, 1)
_HORIZONTAL_SHARE = 0.15
_MONTHS = (_NOW[0] - _FIRST[0]) * 12 + _NOW[1] - _FIRST[1]
# Per track: (supply trend, demand trend). Supply tilts release dates toward recent months;
# demand scales every work's plays by calendar month. 都市/romance: supply up, plays down
# (saturated); 年代/werewolf: both up (growing).
TRACK_TRENDS = {
    "都市": (0.9, -0.7), "古装": (0.0, 0.0), "玄幻": (0.2, -0.3), "年代": (0.5, 0.7), "校园": (-0.3, 0.0), "悬疑": (0.3, 0.4),
    "家庭": (0.6, 0.5), "romance": (0.7, -0.5), "revenge": (0.5, -0.2), "werewolf": (0.8, 0.6), "mafia": (0.4, 0.3),
    "family": (0.1, 0.1), "fantasy": (0.2, 0.2), "thriller": (0.3, 0.4),
}


@dataclass(frozen=True, slots=True)
class PlantedRelation:
    """A planted relation between two works; unpacks as ``(kind, source_id, copy_id, fraction)``."""

    kind: str
    source_id: str
    copy_id: str
    fraction: float

    def __iter__(self) -> Iterator[str | float]:
        return iter((self.kind, self.source_id, self.copy_id, self.fraction))

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class WorkTruth:
    """What was generated for one work: its planted tropes, track, plot and cast (role → name)."""

    id: str
    language: str
    title: str
    track: str
    tropes: tuple[str, ...]
    episodes: int
    scenes: int
    functions: tuple[str, ...]
    cast: tuple[tuple[str, str], ...]
    path: str | None
    copied_share: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "language": self.language, "title": self.title, "track": self.track,
            "tropes": list(self.tropes), "episodes": self.episodes, "scenes": self.scenes,
            "functions": list(self.functions), "cast": dict(self.cast), "path": self.path,
            "copied_share": self.copied_share,
        }


@dataclass(frozen=True, slots=True)
class CorpusTruth:
    """Everything ``generate_corpus`` planted: works and relations, plus where it wrote them."""

    out_dir: str
    seed: int
    works: tuple[WorkTruth, ...]
    relations: tuple[PlantedRelation, ...]

    def by_id(self) -> dict[str, WorkTruth]:
        return {w.id: w for w in self.works}

    def of_kind(self, kind: str) -> list[PlantedRelation]:
        return [r for r in self.relations if r.kind == kind]

    def text_groups(self) -> dict[str, str]:
        """Each work's near-copy family (the source's id): two copies of one source share text
        too, though no relation names the pair. Works outside any family map to themselves.

        >>> CorpusTruth("", 0, (), (PlantedRelation("near_copy", "w1", "w2", 0.1),
        ...     PlantedRelation("near_copy", "w1", "w3", 0.3))).shares_text("w2", "w3")
        True
        """
        group: dict[str, str] = {w.id: w.id for w in self.works}
        for r in self.relations:
            if r.kind == "near_copy":  # sources are always originals, so families are stars
                group[r.source_id] = r.source_id
                group[r.copy_id] = r.source_id
        return group

    def shares_text(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` are in one near-copy family (a planted or implied copy)."""
        group = self.text_groups()
        return group.get(a, a) == group.get(b, b)

    def to_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "works": [w.to_dict() for w in self.works],
            "relations": [r.to_dict() for r in self.relations],
        }


@dataclass(frozen=True, slots=True)
class _Plan:
    index: int
    language: str
    track: str
    tropes: tuple[str, ...]
    plot: story.Plot
    full_text: bool
    text_seed: str  # seeds cast, style and sentences
    format: str = "vertical"


@dataclass(frozen=True, slots=True)
class _Config:
    seed: int
    languages: tuple[str, ...]
    episodes: tuple[int, int]
    per_episode: tuple[int, int]
    full_text_ratio: float


def _format_and_scenes(rng: random.Random, cfg: _Config) -> tuple[str, tuple[int, int]]:
    # A horizontal episode runs 5-20 minutes against a vertical one's 1-3: three times the scenes.
    if rng.random() < _HORIZONTAL_SHARE:
        return "horizontal", (cfg.per_episode[0] * 3, cfg.per_episode[1] * 3)
    return "vertical", cfg.per_episode


def _base_plan(cfg: _Config, index: int) -> _Plan:
    rng = random.Random(f"{cfg.seed}/plan/{index}")
    language = cfg.languages[index % len(cfg.languages)]
    track, tropes = story.pick_tropes(rng, language)
    fmt, per_episode = _format_and_scenes(rng, cfg)
    plot = story.make_plot(rng, language, track, tropes, rng.randint(*cfg.episodes), per_episode)
    full = rng.random() < cfg.full_text_ratio
    return _Plan(index, language, track, tropes, plot, full, f"{cfg.seed}/text/{index}", fmt)


def _plant_plan(cfg: _Config, index: int, kind: str, source: _Plan) -> _Plan:
    rng = random.Random(f"{cfg.seed}/plant/{index}")
    text_seed = f"{cfg.seed}/text/{index}"
    if kind == "retelling":
        return _Plan(index, source.language, source.track, source.tropes, source.plot, source.full_text, text_seed, source.format)
    fmt, per_episode = _format_and_scenes(rng, cfg)
    if kind == "near_copy":  # a copy keeps its source's format, so there is enough to lift
        fmt = source.format
        per_episode = cfg.per_episode if fmt == "vertical" else (cfg.per_episode[0] * 3, cfg.per_episode[1] * 3)
    if kind == "trope_twin":
        track, tropes = source.track, source.tropes
    else:
        track, tropes = story.pick_tropes(rng, source.language)
    plot = story.make_plot(rng, source.language, track, tropes, rng.randint(*cfg.episodes), per_episode)
    return _Plan(index, source.language, track, tropes, plot, source.full_text, text_seed, fmt)


@dataclass(slots=True)
class _Rendered:
    title: str
    cast: dict[str, str]
    synopsis: list[str]  # sentences, placeholders kept
    scenes: list[list[story.SceneItem]] | None  # per scene: header tuple + elements, placeholders kept
    scene_episode: list[int]

    def scenes_by_episode(self) -> dict[int, list[list[story.SceneItem]]]:
        # Both writers (zh and en) lay the scenes out episode by episode.
        by_episode: dict[int, list[list[story.SceneItem]]] = {}
        for ep, scene in zip(self.scene_episode, self.scenes or []):
            by_episode.setdefault(ep, []).append(scene)
        return by_episode


def _render(plan: _Plan) -> _Rendered:
    rng = random.Random(plan.text_seed)
    cast = story.make_cast(rng, plan.language)
    style = story.Style(rng, plan.language, plan.tropes, full=plan.full_text)
    title = story.make_title(rng, plan.language, plan.tropes)
    synopsis = story.synopsis_sentences(rng, style, plan.plot, plan.tropes)
    if not plan.full_text:
        return _Rendered(title, cast, synopsis, None, [])
    scenes: list[list[story.SceneItem]] = []
    episode_of: list[int] = []
    for ep_index, episode in enumerate(plan.plot, start=1):
        for s_index, scene in enumerate(episode):
            place = story.place_name(rng, style, scene.place)
            head = ("head", scene.night, scene.exterior, place)
            body = story.scene_body(rng, style, scene, plan.tropes, place, last=s_index == len(episode) - 1)
            scenes.append([head, *body])
            episode_of.append(ep_index)
    return _Rendered(title, cast, synopsis, scenes, episode_of)


_PLACEHOLDER = re.compile(r"⟨(\w)⟩|⟪(\w)⟫")


def _fill_names(text: str, cast: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: cast[m.group(1)] if m.group(1) else cast[m.group(2)].upper(), text)


def _write_zh(r: _Rendered, episodes: int) -> str:
    out = [f"剧名：{r.title}", ""]
    scenes_by_ep = r.scenes_by_episode()
    for ep in range(1, episodes + 1):
        out.append(f"第{ep}集")
        for k, scene in enumerate(scenes_by_ep.get(ep, []), start=1):
            _, night, exterior, place = scene[0]
            out.append(f"{ep}-{k} {'夜' if night else '日'} {'外' if exterior else '内'} {place}")
            for kind, role, paren, text in scene[1:]:
                if kind == "cast":
                    out.append(f"人物：{text}")
                elif kind == "dialogue":
                    out.append(f"⟨{role}⟩（{paren}）：{text}" if paren else f"⟨{role}⟩：{text}")
                elif kind == "voice_over":
                    out.append(f"⟨{role}⟩（OS）：{text}")
                elif kind == "hook":
                    out.append(f"△{text}")
                    out.append("【卡点】")
                elif kind == "subtitle":
                    out.append(f"【字幕：{text}】")
                elif kind == "flashback_start":
                    out.append("【闪回】")
                elif kind == "flashback_end":
                    out.append("【闪回结束】")
                else:
                    out.append(f"△{text}")
        out.append("")
    return _fill_names("\n".join(out), r.cast) + "\n"


def _write_en(r: _Rendered, episodes: int) -> str:
    out = [f"Title: {r.title}", ""]
    scenes_by_ep = r.scenes_by_episode()
    for ep in range(1, episodes + 1):
        out += [f"# Episode {ep}", ""]
        for scene in scenes_by_ep.get(ep, []):
            _, night, exterior, place = scene[0]
            out += [f"{'EXT.' if exterior else 'INT.'} {place} - {'NIGHT' if night else 'DAY'}", ""]
            for kind, role, paren, text in scene[1:]:
                if kind == "cast":
                    continue
                if kind == "voice_over":
                    out += [f"⟪{role}⟫ (V.O.)", text, ""]
                elif kind == "dialogue":
                    out.append(f"⟪{role}⟫")
                    if paren:
                        out.append(f"({paren})")
                    out += [text, ""]
                elif kind == "hook":
                    out += [text, "", "CUT TO:", ""]
                else:
                    out += [text, ""]
    return _fill_names("\n".join(out), r.cast)


def _copy_scenes(
    rng: random.Random, own: list[list[story.SceneItem]], source: list[list[story.SceneItem]], fraction: float
) -> tuple[list[list[story.SceneItem]], float, dict[int, int]]:
    """Replace ``fraction`` of ``own`` scenes by runs of ``source`` scenes (placeholders kept:
    the copy's cast renames them). Returns the scenes, the share of text copied and which
    source scene went where (copy index → source index)."""
    n = len(own)
    want = min(n, max(1, round(fraction * n)), len(source))
    # A few contiguous runs, as lifted passages usually are.
    runs = max(1, min(want, rng.randint(1, 3)))
    sizes = [want // runs + (1 if i < want % runs else 0) for i in range(runs)]
    free = set(range(n))
    chosen: list[int] = []
    for size in sizes:
        starts = [i for i in range(n - size + 1) if i in free and i + size - 1 in free and all(j in free for j in range(i, i + size))]
        if not starts:
            break
        start = rng.choice(starts)
        for j in range(start, start + size):
            chosen.append(j)
            free.discard(j)
    chosen.sort()
    src_start = rng.randint(0, max(0, len(source) - len(chosen)))
    result = [list(s) for s in own]
    moved: dict[int, int] = {}
    for offset, j in enumerate(chosen):
        moved[j] = min(len(source) - 1, src_start + offset)
        lifted = [e for e in source[moved[j]] if e[0] != "hook"]
        # The copy's episode still ends on its own hook: plagiarists lift scenes, not structure.
        result[j] = lifted + [e for e in own[j] if e[0] == "hook"]
    total = sum(_text_size(s) for s in result) or 1
    return result, sum(_text_size(result[j]) for j in chosen) / total, moved


def _text_size(scene: list[story.SceneItem]) -> int:
    return sum(len(str(e[-1])) for e in scene)


def _month_add(ym: tuple[int, int], k: int) -> tuple[int, int]:
    m = ym[0] * 12 + ym[1] - 1 + k
    return m // 12, m % 12 + 1


def _release_and_plays(rng: random.Random, track: str) -> tuple[str, list[dict[str, object]]]:
    supply, demand = TRACK_TRENDS.get(track, (0.0, 0.0))
    weights = [math.exp(1.5 * supply * (m / _MONTHS)) for m in range(_MONTHS - 1)]
    month = rng.choices(range(_MONTHS - 1), weights=weights)[0]
    y, mo = _month_add(_FIRST, month)
    release = f"{y:04d}-{mo:02d}-{rng.randint(1, 28):02d}"
    base = math.exp(rng.gauss(12.5, 1.1))
    tau = rng.uniform(1.5, 6.0)
    plays = []
    for age in range(_MONTHS - month + 1):
        cal = month + age
        life = (0.55 if age == 0 else 1.0) * math.exp(-age / tau)
        value = base * life * math.exp(demand * cal / _MONTHS) * math.exp(rng.gauss(0, 0.15))
        yy, mm = _month_add(_FIRST, cal)
        plays.append({"date": f"{yy:04d}-{mm:02d}", "plays": int(value)})
    return release, plays


def _validate(works: int, languages: tuple[str, ...] | list[str] | str, episodes: tuple[int, int], seed: int, plant_rate: float,
              scenes_per_episode: tuple[int, int], full_text_ratio: float) -> tuple[str, ...]:
    if not isinstance(works, int) or works < 1:
        raise ConfigError(f"works must be a positive integer, got {works!r}")
    langs = (languages,) if isinstance(languages, str) else tuple(languages)
    if not langs or any(lang not in ("zh", "en") for lang in langs):
        raise ConfigError(f"languages must be zh and/or en, got {languages!r}")
    for name, pair, low in (("episodes", episodes, 1), ("scenes_per_episode", scenes_per_episode, 1)):
        if len(pair) != 2 or not all(isinstance(v, int) for v in pair) or pair[0] < low or pair[1] < pair[0]:
            raise ConfigError(f"{name} must be (min, max) integers with {low} <= min <= max, got {pair!r}")
    if not isinstance(seed, int):
        raise ConfigError(f"seed must be an integer, got {seed!r}")
    if not 0.0 <= plant_rate <= 0.9:
        raise ConfigError(f"plant_rate must be within 0..0.9, got {plant_rate}")
    if not 0.0 <= full_text_ratio <= 1.0:
        raise ConfigError(f"full_text_ratio must be within 0..1, got {full_text_ratio}")
    return langs


def generate_corpus(
    out_dir: str | Path,
    *,
    works: int = 100,
    languages: tuple[str, ...] | list[str] | str = ("zh", "en"),
    episodes: tuple[int, int] = (60, 80),
    seed: int = 0,
    plant_rate: float = 0.15,
    scenes_per_episode: tuple[int, int] = (1, 3),
    full_text_ratio: float = 1.0,
    progress: Callable[[int], None] | None = None,
) -> CorpusTruth:
    """Write a synthetic corpus to ``out_dir`` and return what was planted.

    ``plant_rate`` is the share of works that are plants (near-copies 10/30/60 %, retellings,
    trope twins, in turn). ``full_text_ratio`` < 1 leaves the rest synopsis-only (metadata
    with no script file), which is how a 40,000-work benchmark corpus is made quickly.
    ``progress`` is called with the number of works done (for a progress bar).

    >>> import tempfile
    >>> truth = generate_corpus(tempfile.mkdtemp(), works=6, episodes=(2, 3), seed=1, plant_rate=0.0)
    >>> len(truth.works), truth.works[0].language, truth.works[1].path.endswith(".fountain")
    (6, 'zh', True)
    """
    langs = _validate(works, languages, episodes, seed, plant_rate, scenes_per_episode, full_text_ratio)
    cfg = _Config(seed, langs, (episodes[0], episodes[1]), (scenes_per_episode[0], scenes_per_episode[1]), float(full_text_ratio))
    out = Path(out_dir)
    try:
        (out / "works").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder: {exc.strerror}", source=str(out)) from exc
    vocab = load_vocabulary()
    master = random.Random(f"{seed}/plants")
    originals: dict[str, list[int]] = {lang: [] for lang in langs}
    truths: list[WorkTruth] = []
    relations: list[PlantedRelation] = []
    cycle = 0
    with (out / "metadata.jsonl").open("w", encoding="utf-8") as meta:
        for index in range(works):
            base = _base_plan(cfg, index)
            kind, fraction, source_index = None, 0.0, -1
            pool = originals[base.language]
            if len(pool) >= 2 and master.random() < plant_rate:
                kind, fraction = _PLANT_CYCLE[cycle % len(_PLANT_CYCLE)]
                cycle += 1
                source_index = master.choice(pool)
            if kind is None:
                plan = base
                pool.append(index)
            else:
                source = _base_plan(cfg, source_index)
                plan = _plant_plan(cfg, index, kind, source)
            rendered = _render(plan)
            copied = 0.0
            wid = f"w{index:06d}"
            scene_functions = [s.function for episode in plan.plot for s in episode]
            if kind == "near_copy":
                src_r = _render(source)
                rng = random.Random(f"{seed}/copy/{index}")
                if rendered.scenes is not None and src_r.scenes:
                    rendered.scenes, copied, moved = _copy_scenes(rng, rendered.scenes, src_r.scenes, fraction)
                    # the truth is the story the copy now tells: lifted scenes bring their functions
                    src_functions = [s.function for episode in source.plot for s in episode]
                    for j, k in moved.items():
                        scene_functions[j] = src_functions[k]
                else:  # synopsis-only: lift that share of the blurb's sentences
                    k = max(1, round(fraction * len(rendered.synopsis)))
                    for j in sorted(rng.sample(range(len(rendered.synopsis)), k)):
                        rendered.synopsis[j] = src_r.synopsis[min(j, len(src_r.synopsis) - 1)]
                    copied = k / len(rendered.synopsis)
            if kind is not None:
                relations.append(PlantedRelation(kind, f"w{source_index:06d}", wid, fraction))
            n_eps = len(plan.plot)
            path = None
            if rendered.scenes is not None:
                ext = ".txt" if plan.language == "zh" else ".fountain"
                path = f"works/{wid}{ext}"
                text = _write_zh(rendered, n_eps) if plan.language == "zh" else _write_en(rendered, n_eps)
                (out / path).write_text(text, encoding="utf-8")
            meta_rng = random.Random(f"{seed}/meta/{index}")
            release, plays = _release_and_plays(meta_rng, plan.track)
            synopsis = _fill_names(("" if plan.language == "zh" else " ").join(rendered.synopsis), rendered.cast)
            tags = [
                (vocab.get(t).label_zh.split("/")[0] if plan.language == "zh" else vocab.get(t).label_en)
                for t in plan.tropes
                if meta_rng.random() < 0.8
            ]
            title = _fill_names(rendered.title, rendered.cast)
            record = {
                "id": wid,
                "title": title,
                "language": plan.language,
                "synopsis": synopsis,
                "tags": list(dict.fromkeys([*tags, plan.track])),
                "episodes": n_eps,
                "format": plan.format,
                "track": plan.track,
                "release_date": release,
                "plays": plays,
                "path": path,
            }
            meta.write(json.dumps(record, ensure_ascii=False) + "\n")
            truths.append(
                WorkTruth(
                    wid, plan.language, title, plan.track, plan.tropes, n_eps,
                    sum(len(e) for e in plan.plot), story.collapse(scene_functions),
                    tuple(rendered.cast.items()), path, round(copied, 4),
                )
            )
            if progress is not None:
                progress(index + 1)
    truth = CorpusTruth(str(out), seed, tuple(truths), tuple(relations))
    (out / "truth.json").write_text(json.dumps(truth.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return truth
