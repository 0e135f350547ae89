"""Characters: counts, aliases, presence, who-speaks-with-whom, tiers and agency.

Scripts are built with ScriptBuilder so every expected number below is worked out by hand
from the lines written here (the comments show the arithmetic).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dramalens.analysis.characters import alias_warnings, analyze_characters, resolve_aliases
from dramalens.analysis.runtime import DEFAULT_PARAMS, element_seconds
from dramalens.model import Character, ElementType as T, Script
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import to_jsonable


def zh_script() -> Script:
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.start_scene(heading="1-1 日 内 客厅", number="1-1", cast=("林晚", "王总"), line=2)
    b.add_new(T.ACTION, "△林晚推开门。", 3)
    b.add_new(T.DIALOGUE, "我决定不嫁了。", 4, character="林晚")
    b.add_new(T.DIALOGUE, "凭什么？", 5, character="王振华")
    b.add_new(T.DIALOGUE, "因为我不爱你。", 6, character="林晚")
    b.start_scene(heading="1-2 夜 外 街道", number="1-2", cast=("苏小雨",), line=8)
    b.add_new(T.DIALOGUE, "王总来了。", 9, character="苏小雨")  # named in dialogue: not presence
    b.add_new(T.ACTION, "△王总被保安拦住。", 10)
    b.start_episode(2, line=11)
    b.start_scene(heading="2-1 日 内 客厅", number="2-1", line=12)
    b.add_new(T.DIALOGUE, "走吧。", 13, character="林晚")
    return b.build(language="zh", title="T")


def test_counts_presence_and_alias_merging():
    r = analyze_characters(zh_script())
    assert r.total_lines == 5 and r.total_scenes == 3
    lin, wang, su = r.get("林晚"), r.get("王振华"), r.get("苏小雨")
    # 林晚: 我决定不嫁了 (6) + 因为我不爱你 (6) + 走吧 (2) Han characters, in 1-1 and 2-1.
    assert (lin.lines, lin.units, lin.scenes, lin.episodes) == (3, 14, 2, 2)
    assert (lin.first_episode, lin.first_scene, lin.first_line) == (1, "1-1", 2)  # the cast line of 1-1
    # 王总 is the only 王 title form and 王振华 the only full name with that surname: merged.
    assert wang.aliases == ("王总",) and r.get("王总") is wang
    # 王振华 is in 1-1 (cast, as 王总) and 1-2 (named in action), speaks once.
    assert (wang.lines, wang.scenes, wang.episodes) == (1, 2, 1)
    assert (su.lines, su.scenes) == (1, 1)
    assert [c.name for c in r.characters] == ["林晚", "王振华", "苏小雨"]  # by lines, then scenes
    script = zh_script()
    expected = sum(element_seconds(e, "zh", DEFAULT_PARAMS) for _, _, e in script.iter_elements() if e.character == "林晚")
    assert lin.screen_seconds == pytest.approx(expected, abs=1e-3) and expected > 0
    p = r.presence[1]
    assert (p.episode, p.scene, p.speaking, p.present) == (1, "1-2", ("苏小雨",), ("苏小雨", "王振华"))


def test_edges_and_opening():
    r = analyze_characters(zh_script())
    # 1-1: 林晚 → 王振华 → 林晚 is two exchanges; both speak there: one shared scene.
    assert [(e.a, e.b, e.exchanges, e.shared_scenes, e.weight) for e in r.edges] == [("林晚", "王振华", 2, 1, 3)]
    # 1-1 opens on 林晚推开门 (she acts), 1-2 on 苏小雨's line, 2-1 on 林晚's line.
    assert [p.opened_by for p in r.presence] == ["林晚", "苏小雨", "林晚"]
    assert r.scenes_opened_by_character == 1.0


def test_agency_evidence_and_score():
    r = analyze_characters(zh_script())
    lin, wang = r.get("林晚"), r.get("王振华")
    # 林晚: acts (推开门) + opens 1-1 + decides (我决定不嫁) + opens 2-1 = 4 active, 0 passive
    # → (4 − 0) / (4 + 0 + k=4) = 0.5: four cues are not certainty.
    assert dict(lin.agency_kinds) == {"acts": 1, "opens_scene": 2, "decides": 1}
    assert (lin.active, lin.passive, lin.agency) == (4, 0, 0.5)
    # 王振华: confronts (凭什么) +1, 王总被保安拦住 −1 → (1 − 1) / (2 + 4) = 0.
    assert (wang.active, wang.passive, wang.agency) == (1, 1, 0.0)
    assert {(e.kind, e.line) for e in wang.evidence} == {("confronts", 5), ("acted_on", 10)}


def test_passive_character_scores_negative():
    b = ScriptBuilder(source_format="chinese")
    b.start_scene(heading="1-1 日 内 办公室", number="1-1", line=1)
    b.add_new(T.ACTION, "△王总一把推开林晚。", 2)  # 王总 acts, 林晚 is the object
    b.add_new(T.ACTION, "△保安把林晚拖走。", 3)  # 把 + name: object
    b.add_new(T.DIALOGUE, "我被开除了。", 4, character="林晚")  # 我被…: suffers
    b.add_new(T.DIALOGUE, "哼。", 5, character="王振华")
    r = analyze_characters(b.build(language="zh"))
    lin, wang = r.get("林晚"), r.get("王振华")
    # (0 − 3) / (3 + 4) = −3/7.
    assert (lin.active, lin.passive) == (0, 3) and lin.agency == pytest.approx(-3 / 7, abs=1e-6)
    # 王振华: acts (一把推开) and opens the scene with it: 2 / (2 + 4) = 1/3.
    assert (wang.active, wang.passive) == (2, 0) and wang.agency == pytest.approx(1 / 3, abs=1e-6)
    assert r.presence[0].opened_by == "王振华"


def test_english_agency_and_title_alias():
    b = ScriptBuilder(source_format="fountain")
    b.start_scene(heading="INT. OFFICE - DAY", line=1)
    b.add_new(T.ACTION, "MAYA slams the door.", 2)
    b.add_new(T.DIALOGUE, "I'll never marry him.", 3, character="MAYA")
    b.add_new(T.ACTION, "Gu Cheng drags Maya out.", 4)
    b.add_new(T.DIALOGUE, "You will.", 5, character="MR. GU")
    b.add_new(T.DIALOGUE, "Fine.", 6, character="GU CHENG")
    r = analyze_characters(b.build(language="en"))
    maya, gu = r.get("MAYA"), r.get("GU CHENG")
    assert gu.aliases == ("MR. GU",) and gu.lines == 2
    # MAYA: acts (slams) + opens the scene + decides (I'll) = 3; dragged by Gu = 1 passive
    # → (3 − 1) / (3 + 1 + 4) = 0.25.
    assert (maya.active, maya.passive, maya.agency) == (3, 1, 0.25)
    assert dict(gu.agency_kinds) == {"acts": 1}


def test_tiers():
    b = ScriptBuilder(source_format="chinese")
    for k in range(10):
        b.start_scene(heading=f"1-{k + 1} 日 内 客厅", number=f"1-{k + 1}", line=10 * k + 1)
        for j in range(4):
            b.add_new(T.DIALOGUE, "嗯。", 10 * k + 2 + j, character="林晚")
    b.add_new(T.DIALOGUE, "好。", 200, character="路人")  # 1/46 lines, 1/10 scenes → minor
    for j in range(5):  # 5/46 = 10.9% of lines but 1/10 scenes → secondary
        b.add_new(T.DIALOGUE, "是。", 201 + j, character="顾沉")
    r = analyze_characters(b.build(language="zh"))
    assert {c.name: c.tier for c in r.characters} == {"林晚": "primary", "顾沉": "secondary", "路人": "minor"}
    assert r.get("顾沉").line_share == pytest.approx(5 / 46, abs=1e-6)


def test_alias_rules():
    s = Script(language="zh", characters={n: Character(n) for n in ("王振华", "王磊", "王总", "孙悟空")})
    s.characters["孙悟空"] = Character("孙悟空", ("行者", "大圣"))
    m = resolve_aliases(s)
    assert m["王总"] == "王总"  # two 王 full names: ambiguous, left alone
    assert m["行者"] == "孙悟空" and m["大圣"] == "孙悟空"
    s2 = Script(language="zh", characters={n: Character(n) for n in ("欧阳娜娜", "欧阳小姐", "老顾", "顾沉")})
    m2 = resolve_aliases(s2)
    assert m2["欧阳小姐"] == "欧阳娜娜" and m2["老顾"] == "顾沉"


def test_empty_script():
    r = analyze_characters(Script(language="zh"))
    assert r.characters == () and r.total_scenes == 0 and r.drive == "plot-driven"
    assert to_jsonable(r)["summary"]["scenes_opened_by_character"] == 0.0


# --- renaming changes nothing but the name ----------------------------------------------------
_NAMES = ("ANNA", "BORIS", "CLARA")
_ACTIONS = ("{a} slams the door.", "{b} pushes {a} aside.", "{a} is dragged away.", "The rain falls.", "{a} and {b} wait.")
_LINES = ("I'll do it.", "How dare you!", "Maybe.", "I was fired.", "Hello.")

_plan = st.lists(
    st.lists(
        st.lists(st.tuples(st.booleans(), st.integers(0, 2), st.integers(0, 2), st.integers(0, 4)), min_size=1, max_size=6),
        min_size=1, max_size=3,
    ),
    min_size=1, max_size=3,
)


def _build(plan, names) -> Script:
    b = ScriptBuilder(source_format="fountain")
    line = 1
    for e, scenes in enumerate(plan, start=1):
        b.start_episode(e, line=line)
        for s, elements in enumerate(scenes, start=1):
            line += 1
            b.start_scene(heading=f"INT. ROOM {s} - DAY", line=line, cast=(names[0],) if s == 1 else ())
            for is_action, i, j, k in elements:
                line += 1
                if is_action:
                    b.add_new(T.ACTION, _ACTIONS[k].format(a=names[i], b=names[j]), line)
                else:
                    b.add_new(T.DIALOGUE, _LINES[k], line, character=names[i])
    return b.build(language="en")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=_plan, new=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=8), which=st.integers(0, 2))
def test_renaming_changes_only_the_name(plan, new, which):
    words = {w.strip(".!,").upper() for t in (*_ACTIONS, *_LINES) for w in t.split()}
    assume(new not in _NAMES and new not in words)
    renamed = list(_NAMES)
    old = renamed[which]
    renamed[which] = new
    a = to_jsonable(analyze_characters(_build(plan, _NAMES)))
    b = to_jsonable(analyze_characters(_build(plan, renamed)))

    def swap(x):
        if isinstance(x, str):
            return old if x == new else x
        if isinstance(x, list):
            return [swap(v) for v in x]
        if isinstance(x, dict):
            return {k: (v if k == "text" else swap(v)) for k, v in x.items()}
        return x

    b = swap(b)
    for c in a["characters"] + b["characters"]:
        for ev in c["evidence"]:
            ev.pop("text")
    key = lambda e: (e["a"], e["b"])  # noqa: E731 - edge order among equal weights follows names
    a["edges"] = sorted(({**e, "a": min(e["a"], e["b"]), "b": max(e["a"], e["b"])} for e in a["edges"]), key=key)
    b["edges"] = sorted(({**e, "a": min(e["a"], e["b"]), "b": max(e["a"], e["b"])} for e in b["edges"]), key=key)
    assert a == b


def test_english_names_match_their_spellings_not_common_words():
    b = ScriptBuilder(source_format="fountain")
    b.start_scene(heading="INT. ROOM - DAY", line=1)
    b.add_new(T.ACTION, "The rain will stop.", 2)  # "will" is a word here
    b.add_new(T.DIALOGUE, "Hi.", 3, character="WILL")
    b.start_scene(heading="EXT. PARK - DAY", line=4)
    b.add_new(T.ACTION, "Will grabs the bag.", 5)  # title case: the character
    r = analyze_characters(b.build(language="en"))
    will = r.get("WILL")
    assert will.scenes == 2 and [p.present for p in r.presence] == [("WILL",), ("WILL",)]
    # Scene 1 opens on an event (the rain), scene 2 on Will grabbing the bag: one opening.
    assert dict(will.agency_kinds) == {"acts": 1, "opens_scene": 1}
    assert [p.opened_by for p in r.presence] == [None, "WILL"]


def test_params_are_validated():
    from dramalens.errors import ConfigError

    with pytest.raises(ConfigError, match="RuntimeParams"):
        analyze_characters(zh_script(), params={"zh_chars_per_min": 200})


# --- alias merging: unambiguous forms merge, shared surnames never do ----------------------------
@pytest.mark.parametrize(
    "full, forms",
    [
        ("王振华", ("王总", "老王")),
        ("顾承泽", ("顾总",)),
        ("林晚", ("小林",)),
        ("Gu Chengze", ("Mr. Gu", "MR. GU")),
    ],
)
def test_title_forms_merge_when_unambiguous(full, forms):
    names = {full, *forms, "苏小雨", "Nora Vance"}  # other surnames do not disturb the merge
    s = Script(language="zh")
    m = resolve_aliases(s, names)
    assert all(m[f] == full for f in forms) and m[full] == full
    assert alias_warnings(s, names) == []


@pytest.mark.parametrize(
    "fulls, form, surname",
    [
        (("王振华", "王磊"), "王总", "王"),
        (("王振华", "王磊"), "老王", "王"),
        (("林晚", "林小雨"), "小林", "林"),
        (("顾承泽", "顾念"), "顾总", "顾"),
        (("Gu Chengze", "Gu Yan"), "Mr. Gu", "Gu"),
    ],
)
def test_shared_surname_never_merges_and_warns(fulls, form, surname):
    names = {*fulls, form}
    s = Script(language="zh")
    m = resolve_aliases(s, names)
    assert m[form] == form and all(m[f] == f for f in fulls)
    (warning,) = alias_warnings(s, names)
    assert warning.startswith(f"{form} not merged") and f"surname {surname}" in warning
    assert all(f in warning for f in fulls)


def test_shared_surname_in_a_script_leaves_both_and_warns():
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.start_scene(heading="1-1 日 内 办公室", number="1-1", line=2)
    b.add_new(T.DIALOGUE, "出去。", 3, character="王振华")
    b.add_new(T.DIALOGUE, "爸。", 4, character="王磊")
    b.add_new(T.DIALOGUE, "都别吵。", 5, character="王总")
    script = b.build(language="zh")
    r = analyze_characters(script)
    # Three separate characters, one line each: nobody's lines poured into another's.
    assert {(c.name, c.lines, c.aliases) for c in r.characters} == {
        ("王振华", 1, ()), ("王磊", 1, ()), ("王总", 1, ())}
    assert len(r.warnings) == 1 and "王总 not merged" in r.warnings[0]
    assert to_jsonable(r)["warnings"] == list(r.warnings)
    from dramalens import analyze

    assert r.warnings[0] in analyze(script).warnings


def test_unique_surname_merges_title_forms_in_a_script():
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.start_scene(heading="1-1 日 内 办公室", number="1-1", cast=("顾总", "小林"), line=2)
    b.add_new(T.DIALOGUE, "林晚，过来。", 3, character="顾承泽")
    b.add_new(T.DIALOGUE, "是，顾总。", 4, character="小林")
    b.add_new(T.DIALOGUE, "坐。", 5, character="顾总")
    b.add_new(T.DIALOGUE, "谢谢。", 6, character="林晚")
    r = analyze_characters(b.build(language="zh"))
    gu, lin = r.get("顾承泽"), r.get("林晚")
    assert (gu.lines, gu.aliases) == (2, ("顾总",)) and (lin.lines, lin.aliases) == (2, ("小林",))
    assert len(r.characters) == 2 and r.warnings == ()
