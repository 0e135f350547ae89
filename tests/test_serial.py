"""The one JSON serialiser: field metadata, post-steps, and every analysis result type through
``json.dumps`` and back (Hypothesis builds the records from their type hints)."""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens import analyze, parse
from dramalens.analysis import Analysis
from dramalens.analysis.compliance import Rule
from dramalens.analysis.runtime import DEFAULT_PARAMS, RuntimeParams
from dramalens.model import Element, ElementType
from dramalens.serial import JSON, insert_after, json_field, jsonable_dict, pairs_to_dict, reorder, to_jsonable
from support import ZH_TWO_EPISODES

_MODULES = ("runtime", "episode_format", "pacing", "cues", "hooks", "paywall", "agency", "characters", "arc",
            "compliance", "calibrate", "tropes", "skeleton")
#: Settings records, not results: validated on construction or holding compiled caches.
_NOT_RESULTS = {"RuntimeParams", "FormatParams", "HookParams", "Lexicon", "TropeVocabulary"}


def _result_types() -> list[type]:
    found: dict[str, type] = {}
    for name in _MODULES:
        module = importlib.import_module(f"dramalens.analysis.{name}")
        for attr in module.__all__:
            obj = getattr(module, attr)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and attr not in _NOT_RESULTS:
                found[attr] = obj
    found["Analysis"] = Analysis
    return [found[k] for k in sorted(found)]


RESULT_TYPES = _result_types()
_TEXT = st.text(max_size=8)
_FLOAT = st.floats(allow_nan=False, allow_infinity=False, width=64)
_SPECIAL: dict[object, st.SearchStrategy[object]] = {
    RuntimeParams: st.just(DEFAULT_PARAMS),
    re.Pattern[str]: st.sampled_from([re.compile("霸总"), re.compile(r"(?<![A-Za-z])kill(?![A-Za-z])")]),
}


def _strategy(hint: object) -> st.SearchStrategy[object]:
    """A strategy for a value of type ``hint`` (only the shapes result types use)."""
    if hint in _SPECIAL:
        return _SPECIAL[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is float:
        return _FLOAT
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-10**6, 10**6)
    if hint is str:
        return _TEXT
    if hint is type(None):
        return st.none()
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(_strategy(a) for a in args))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(_strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*(_strategy(a) for a in args))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _records(hint)
    raise AssertionError(f"no strategy for {hint!r}")


def _records(cls: type) -> st.SearchStrategy[object]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: st.deferred(lambda h=hints[f.name]: _strategy(h)) for f in dataclasses.fields(cls) if f.init}
    return st.builds(cls, **fields)


@pytest.mark.parametrize("cls", RESULT_TYPES, ids=lambda c: c.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_result_type_is_json_and_round_trips(cls, data):
    record = data.draw(_records(cls))
    out = to_jsonable(record)
    assert isinstance(out, dict)
    text = json.dumps(out, ensure_ascii=False, allow_nan=False)
    assert json.loads(text) == out  # plain JSON: what goes out comes back the same
    assert to_jsonable(out) == out  # already-serialised data passes through unchanged


def _no_any(hint: object, path: str, seen: set[type]) -> list[str]:
    if hint is typing.Any:
        return [path]
    bad: list[str] = []
    for arg in typing.get_args(hint):
        bad += _no_any(arg, path, seen)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in seen:
        seen.add(hint)
        for name, sub in typing.get_type_hints(hint).items():
            bad += _no_any(sub, f"{path}.{name}", seen)
    return bad


def test_analysis_has_no_any_typed_field():
    assert _no_any(Analysis, "Analysis", set()) == []
    assert _no_any(typing.Optional[Analysis], "x", set()) == []
    assert _no_any(tuple[typing.Any, ...], "x", set()) == ["x"]  # the check itself sees an Any


@dataclass(frozen=True, slots=True)
class _Inner:
    share: float = field(metadata=json_field(digits=2))


class _Kind(enum.Enum):
    A = "a"


@dataclass(frozen=True, slots=True)
class _Outer:
    seconds: float = field(metadata=json_field(name="est_seconds", digits=1))
    names: tuple[str, ...] = field(metadata=json_field(convert=", ".join))
    counts: tuple[tuple[str, int], ...] = field(metadata=json_field(convert=pairs_to_dict))
    inner: tuple[_Inner, ...] = ()
    kind: _Kind = _Kind.A
    path: Path = Path("a/b")
    cache: dict[str, object] = field(default_factory=dict, metadata=json_field(omit=True))

    def __json_post__(self, data: dict[str, JSON]) -> dict[str, JSON]:
        return insert_after(data, "est_seconds", minutes=round(self.seconds / 60, 2))


def test_field_metadata_and_post_step():
    record = _Outer(62.46, ("林晚", "顾沉"), (("high", 2),), (_Inner(0.333333),), cache={"x": re.compile("x")})
    assert to_jsonable(record) == {
        "est_seconds": 62.5, "minutes": 1.04, "names": "林晚, 顾沉", "counts": {"high": 2},
        "inner": [{"share": 0.33}], "kind": "a", "path": "a/b",
    }
    assert list(jsonable_dict(record))[:2] == ["est_seconds", "minutes"]


def test_plain_values():
    assert to_jsonable(None) is None and to_jsonable(True) is True
    assert to_jsonable({1: (2.5, {"b", "a"})}) == {"1": [2.5, ["a", "b"]]}
    assert to_jsonable(Element(ElementType.DIALOGUE, "你好", 3, character="林晚"))["type"] == "dialogue"
    assert reorder({"a": 1, "b": 2, "c": 3}, ("c", "a")) == {"c": 3, "a": 1, "b": 2}
    assert list(reorder({"a": 1, "b": 2}, ("c", "b"))) == ["b", "a"]
    assert insert_after({"a": 1}, "z", b=2) == {"a": 1, "b": 2}


def test_unknown_types_fail_loudly():
    with pytest.raises(TypeError, match="Pattern"):
        to_jsonable(re.compile("x"))
    with pytest.raises(TypeError, match="dataclass"):
        jsonable_dict({"a": 1})
    with pytest.raises(TypeError, match="dataclass"):
        jsonable_dict(_Inner)  # the class, not an instance


def test_compiled_pattern_field_serialises_as_its_text():
    rule = Rule("r.1", "No money worship.", "high", "text", None, re.compile("黑卡"))
    assert jsonable_dict(rule)["pattern"] == "黑卡"


def test_analysis_to_dict_is_the_serialiser_and_keeps_its_layout():
    a = analyze(parse(ZH_TWO_EPISODES + "第3集\n3-1 日 内 公司\n林晚：再见。\n"))
    d = a.to_dict()
    assert d == to_jsonable(a)
    # The key order of the JSON report, as the hand-written to_dict methods laid it out.
    assert list(d) == ["title", "language", "source", "source_format", "episode_count", "runtime", "format", "pacing",
                       "hooks", "paywall", "characters", "arc", "compliance", "tropes", "skeleton", "warnings", "read_quality"]
    assert list(d["runtime"]) == ["language", "params", "total_seconds", "total_minutes", "features", "pages",
                                  "page_minutes", "page_rule", "episodes", "scenes"]
    assert list(d["runtime"]["episodes"][0])[-1] == "minutes"
    assert list(d["format"]) == ["format", "chosen", "median_seconds", "band_seconds", "outside", "over_nrta", "note"]
    assert list(d["pacing"]) == ["scenes_per_episode", "seconds_per_scene", "dialogue_share", "locations", "int_ext",
                                 "times", "episodes", "breakdown"]
    assert list(d["pacing"]["breakdown"][0]) == ["episode", "scene", "heading", "location", "int_ext", "time", "cast",
                                                 "est_seconds", "line"]
    assert list(d["hooks"]) == ["hooks_per_minute", "hook_target_per_minute", "reversals_per_minute",
                                "reversal_target_per_minute", "note", "weak_threshold", "weak_endings", "episodes"]
    assert list(d["paywall"]["candidates"][0]) == ["episode", "ending_strength"]
    assert list(d["characters"]) == ["characters", "presence", "edges", "total_lines", "total_scenes", "summary",
                                     "warnings"]
    assert list(d["characters"]["summary"]) == [
        "scenes_opened_by_character", "scenes_turned_by_character", "scenes_driven_by_character",
        "mean_primary_agency", "agency_shrinkage", "drive_index", "drive", "drive_label"]
    assert list(d["characters"]["characters"][0])[-4:] == ["passive", "aliases", "agency_kinds", "evidence"]
    assert list(d["compliance"]) == ["findings", "audience", "budget", "rules_checked", "counts", "note"]
    assert list(d["tropes"]) == ["hits", "track"]
    assert list(d["skeleton"]) == ["functions", "steps", "roles", "language"]
