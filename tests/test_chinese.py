"""The Chinese plain-text script parser: structure fields the golden files do not show,
the speaker rule, and invariants (never raises; blank lines change nothing)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens import parse
from dramalens.model import ElementType as T
from dramalens.parsing.chinese import parse_chinese
from dramalens.text import parse_numeral
from dramalens.parsing.detect import sniff_text_format


def types_texts(script):
    return [(e.type, e.text, e.character) for _, _, e in script.iter_elements()]


@pytest.mark.parametrize(
    "text, expected",
    [("1", 1), ("０３", 3), ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十五", 25), ("一百", 100),
     ("一百零八", 108), ("一〇八", 108), ("两百", 200), ("一千零一", 1001), ("廿三", 23), ("x", None), ("", None)],
)
def test_chinese_numeral(text, expected):
    assert parse_numeral(text) == expected


@pytest.mark.parametrize(
    "head, number, int_ext, time, location",
    [
        ("1-1 日 内 客厅", "1-1", "INT", "DAY", "客厅"),
        ("1-1 客厅 日内", "1-1", "INT", "DAY", "客厅"),
        ("1-1：日 外 墓园", "1-1", "EXT", "DAY", "墓园"),
        ("1-1、夜/内/堂屋", "1-1", "INT", "NIGHT", "堂屋"),
        ("1-3 顾家别墅·书房 夜 内", "1-3", "INT", "NIGHT", "顾家别墅·书房"),
        ("1．2 黄昏 外 河边", "1-2", "EXT", "DUSK", "河边"),
        ("１－４　清晨　内　厨房", "1-4", "INT", "MORNING", "厨房"),
        ("1-5 傍晚 内外 车库", "1-5", "INT/EXT", "DUSK", "车库"),
        ("1-6 内/外 夜 阳台", "1-6", "INT/EXT", "NIGHT", "阳台"),
        ("1-7 医院走廊日内", "1-7", "INT", "DAY", "医院走廊"),
        ("1-8 黎明 室外 山顶", "1-8", "EXT", "DAWN", "山顶"),
        ("1-9 夜 內 書房", "1-9", "INT", "NIGHT", "書房"),
        ("场景：夜 内 堂屋", None, "INT", "NIGHT", "堂屋"),
        ("第3场 日 外 街道", "3", "EXT", "DAY", "街道"),
        ("场2 客厅（日/内）", "2", "INT", "DAY", "客厅"),
        ("场景2：花园 夜 外", "2", "EXT", "NIGHT", "花园"),
        ("【场景3】卧室 夜 内", "3", "INT", "NIGHT", "卧室"),
        ("01 内景 书房 日", "1", "INT", "DAY", "书房"),
        ("1、医院走廊 夜 内", "1", "INT", "NIGHT", "医院走廊"),
        ("（1）客厅/日/内", "1", "INT", "DAY", "客厅"),
        ("1-1 日 内 客厅（回忆）", "1-1", "INT", "DAY", "客厅"),
        ("1-1 医院 日/内", "1-1", "INT", "DAY", "医院"),
        ("1-1 [日][内] 客厅", "1-1", "INT", "DAY", "客厅"),
        ("1-1  顾家  日  内", "1-1", "INT", "DAY", "顾家"),
        ("内景·客厅·夜", None, "INT", "NIGHT", "客厅"),
        ("外景 江边 夜", None, "EXT", "NIGHT", "江边"),
        ("1-1\t日\t内\t客厅   ", "1-1", "INT", "DAY", "客厅"),
    ],
)
def test_scene_heading_fields(head, number, int_ext, time, location):
    script = parse_chinese(f"第1集\n{head}\n△林晚推门。")
    scene = script.episodes[0].scenes[0]
    assert (scene.number, scene.int_ext, scene.time, scene.location) == (number, int_ext, time, location)
    assert scene.elements[0].type is T.HEADING
    assert scene.heading == scene.elements[0].text


def test_inline_cast_on_heading_and_cast_lines():
    script = parse_chinese("第1集\n1-1 日 内 客厅 人物：林晚、顾言\n出场人物：苏柔/助理甲，保镖（若干）\n△众人落座。")
    scene = script.episodes[0].scenes[0]
    assert scene.location == "客厅"
    assert scene.cast == ("林晚", "顾言", "苏柔", "助理甲", "保镖")
    assert list(script.characters) == ["林晚", "顾言", "苏柔", "助理甲", "保镖"]


def test_episode_cast_line_before_first_scene_goes_to_that_scene():
    script = parse_chinese("第1集\n人物：林晚、顾言\n1-1 日 内 客厅\n△林晚推门。")
    assert [s.cast for s in script.episodes[0].scenes] == [("林晚", "顾言")]


def test_episode_numbers_and_titles():
    text = "第一集 重生归来\n△a。\n第十二集：真相\n△b。\n【第十三集】\n△c。\n第一百零八集（完结篇）\n△d。\nEP109 尾声\n△e。"
    script = parse_chinese(text)
    assert [(e.number, e.title) for e in script.episodes] == [
        (1, "重生归来"), (12, "真相"), (13, ""), (108, "完结篇"), (109, "尾声")
    ]


def test_a_doubled_episode_marker_is_one_episode_and_the_second_is_held_as_a_repeat():
    # 第 13 集 then 第十三集 (the second often with the title): one episode, and the model says
    # what became of the second line rather than it vanishing into the structure.
    script = parse_chinese("第 12 集\n△a。\n第 13 集\n第十三集 风起\n13-1 日 内 客厅\n△b。")
    assert [(e.number, e.title, e.line) for e in script.episodes] == [(12, "", 1), (13, "风起", 3)]
    assert [(h.line, h.why) for h in script.held] == [(4, "episode marker repeated")]
    assert script.quality.unplaced_lines == 0


def test_episode_going_backwards_warns():
    script = parse_chinese("第2集\n△a。\n第1集\n△b。")
    assert any("episode 1 follows episode 2" in w.message for w in script.warnings)


def test_title_and_title_page():
    text = "《重生之我在豪门当保姆》\n编剧：江南\n类型：都市\n【人物小传】\n林晚：女主，十八岁。\n第1集\n1-1 日 内 客厅\n林晚：我回来了。"
    script = parse_chinese(text)
    assert script.title == "重生之我在豪门当保姆"
    assert ("编剧", "江南") in script.title_page and ("类型", "都市") in script.title_page
    assert ("人物小传", "林晚：女主，十八岁。") in script.title_page
    assert script.language == "zh" and script.source_format == "chinese"
    # front matter never becomes script elements
    assert [e.type for _, _, e in script.iter_elements()] == [T.HEADING, T.DIALOGUE]


def test_title_key_and_bare_first_line_title():
    assert parse_chinese("剧名：替嫁千金\n第1集\n△a。").title == "替嫁千金"
    assert parse_chinese("替嫁千金\n第1集\n△a。").title == "替嫁千金"


def test_without_structure_front_matter_is_the_script():
    script = parse_chinese("林晚：你来了。\n顾言：嗯。")
    assert types_texts(script) == [(T.DIALOGUE, "你来了。", "林晚"), (T.DIALOGUE, "嗯。", "顾言")]


@pytest.mark.parametrize(
    "line",
    [
        "他写下两个字：军宣。",
        "△屏幕上显示：来电",
        "时间：三年后",
        "地点：顾家老宅",
        "林晚看着手机上的那行字：明天见。",
        "一位穿着黑色西装戴着墨镜的高大男人：你好。",
        "她说：好。",
        "12:30 林晚醒来。",
        "短信：你在哪？",
        "编剧：张三",
        "http://example.com",
    ],
)
def test_colon_traps_are_action(line):
    script = parse_chinese(f"第1集\n1-1 日 内 客厅\n人物：林晚、顾言\n{line}")
    last = script.episodes[0].scenes[0].elements[-1]
    assert last.type is T.ACTION and last.character is None


@pytest.mark.parametrize(
    "line, tone",
    [
        ("顾言冷笑道：你敢？", "冷笑道"),  # a known name, then how the line is said (issue 9, class 7)
        ("林晚猛地转过身：请你不要叫我的名字", "猛地转过身"),
        ("林晚摇头，沉声：不行。", "摇头，沉声"),
    ],
)
def test_speech_introduced_by_an_action(line, tone):
    script = parse_chinese(f"第1集\n1-1 日 内 客厅\n人物：林晚、顾言\n{line}")
    *_, paren, spoken = script.episodes[0].scenes[0].elements
    assert (paren.type, paren.text, spoken.type, spoken.character) == (T.PARENTHETICAL, tone, T.DIALOGUE, line[:2])


@pytest.mark.parametrize(
    "line, character",
    [("林晚：好。", "林晚"), ("林晚:好。", "林晚"), ("林 晚 ： 好。", "林晚"), ("保镖甲：站住！", "保镖甲"),
     ("顾家老太太：跪下！", "顾家老太太"), ("Tony：OK。", "Tony"), ("众人：恭喜！", "众人")],
)
def test_speakers(line, character):
    last = parse_chinese(f"第1集\n{line}").episodes[0].scenes[0].elements[-1]
    assert (last.type, last.character) == (T.DIALOGUE, character)


def test_known_long_name_from_cast_is_a_speaker():
    text = "第1集\n1-1 日 内 客厅\n人物：欧阳家的大小姐\n欧阳家的大小姐：滚出去。"
    last = parse_chinese(text).episodes[0].scenes[0].elements[-1]
    assert (last.type, last.character) == (T.DIALOGUE, "欧阳家的大小姐")


def test_doubtful_long_name_warns():
    script = parse_chinese("第1集\n穿黑衣服男人甲乙丙：站住。")
    assert script.episodes[0].scenes[0].elements[-1].type is T.ACTION
    assert script.warnings and "not a known character" in script.warnings[0].message


@pytest.mark.parametrize(
    "line, kind, ext",
    [("林晚（OS）：走。", T.VOICE_OVER, "OS"), ("林晚（VO）：走。", T.VOICE_OVER, "VO"),
     ("林晚（V.O.）：走。", T.VOICE_OVER, "V.O."), ("林晚（画外音）：走。", T.VOICE_OVER, "画外音"),
     ("林晚(OS):走。", T.VOICE_OVER, "OS"), ("林晚OS：走。", T.VOICE_OVER, "OS"),
     ("林晚（内心OS）：走。", T.INNER_VOICE, "内心OS"), ("林晚（心声）：走。", T.INNER_VOICE, "心声"),
     ("林晚（内心）：走。", T.INNER_VOICE, "内心"), ("林晚：（OS）走。", T.VOICE_OVER, "OS"),
     ("林晚（ＯＳ）：走。", T.VOICE_OVER, "OS")],
)
def test_voice_over_and_inner_voice(line, kind, ext):
    el = parse_chinese(f"第1集\n{line}").episodes[0].scenes[0].elements[-1]
    assert (el.type, el.text, el.character, el.extension) == (kind, "走。", "林晚", ext)


def test_parenthetical_then_dialogue_same_line():
    els = parse_chinese("第1集\n林晚（冷笑，OS）：迟了。").episodes[0].scenes[0].elements
    assert [(e.type, e.text, e.character, e.line) for e in els] == [
        (T.PARENTHETICAL, "冷笑", "林晚", 2), (T.VOICE_OVER, "迟了。", "林晚", 2)
    ]
    assert not any(e.type is T.CHARACTER for e in els)


def test_continuation_with_triangles_stops_at_narration():
    text = "第1集\n人物：林晚、顾言\n△夜。\n林晚：你知道吗，\n那天我等了你。\n顾言转过身去。\n他笑了。"
    got = [(e.type, e.character) for e in parse_chinese(text).episodes[0].elements][1:]
    assert got == [(T.DIALOGUE, "林晚"), (T.DIALOGUE, "林晚"), (T.ACTION, None), (T.ACTION, None)]


def test_untagged_line_without_triangles_is_action():
    text = "第1集\n林晚：你好。\n屋里静悄悄的。"
    assert [e.type for e in parse_chinese(text).episodes[0].elements] == [T.DIALOGUE, T.ACTION]


def test_unclosed_flashback_warns():
    script = parse_chinese("第1集\n【闪回】\n△大火。\n第2集\n△醒来。")
    assert any("never closed" in w.message for w in script.warnings)


def test_control_characters_are_action_with_warning():
    script = parse_chinese("第1集\n林晚：\x00\x01坏了\ufffd")
    assert script.episodes[0].scenes[0].elements[-1].type is T.ACTION
    assert any("control" in w.message for w in script.warnings)


def test_sniffed_as_chinese_through_parse():
    script = parse("第1集\n1-1 日 内 客厅\n人物：林晚\n△林晚推门。\n林晚：你好。")
    assert script.source_format == "chinese"
    assert sniff_text_format("第1集\n林晚：你好。") == "chinese"


def test_episode_inferred_from_scene_numbers_without_markers():
    script = parse_chinese("1-1 日 内 客厅\n△a。\n2-1 日 内 客厅\n△b。\n2-2 夜 内 卧室\n△c。")
    assert [(e.number, len(e.scenes)) for e in script.episodes] == [(1, 1), (2, 2)]


def test_not_str_is_a_type_error():
    with pytest.raises(TypeError):
        parse_chinese(b"\xe7\xac\xac1\xe9\x9b\x86")  # type: ignore[arg-type]


# -- invariants ---------------------------------------------------------------------------------

PIECES = [
    "第1集", "第十二集 重逢", "【第3集】", "第4集（完）", "EP5", "1-1 日 内 客厅", "1-2 客厅 夜外", "场景：夜 内 堂屋",
    "第2场", "人物：林晚、顾言", "出场人物：", "△林晚推门。", "▲", "林晚：你好。", "林晚（冷笑）：", "顾言（OS）：走",
    "林晚（内心OS）：", "（停顿）", "【闪回】", "【闪回结束】", "闪回结束", "【字幕：三年后】", "字幕：", "【卡点】",
    "【反转】", "（转场）", "切至：医院", "黑场", "他写下两个字：军宣。", "时间：三年后", "《剧名》", "剧名：", "编剧：某",
    "：", "（", "【", "】", "）", "林晚：（", "1-", "第集", "第一百零八集", "回到现实", "———", "\t", "　", "\r", "\x00",
    "\ufeff", "１－１", "林晚：你知道吗，", "继续说", "Tony：Hi", "12:30",
    "景：客厅", "时：日", "人：林晚", "时间：夜", "地点：花园", "目录", "分集大纲", "正文", "第1-2集", "第三集（上）",
    "第三集（下）", "第四集 4-1 日 外 天台", "- 3 -", "3", "林晚", "林晚（冷笑）", "**林晚**：你好", "## 第1集", "OS：嗯",
    "（未完待续）", "——第1集完——", "※林晚", "【动作】林晚走", "切：医院", "（1）客厅/日/内", "01 内景 书房 日",
    "林晚&顾言：走", '林晚："你好"', "人物小传", "艾米丽·布朗：你好",
    # issue 9: forms as writers actually write them
    "VO（低沉男声）：嗯", "VO系统：叮", "林晚os：啊", "林晚（冷笑）OS：哼", "林晚（震惊OS）：啊", "林母（电话音）：喂",
    "【闪出】", "▲【闪回】", "【转】", "15-2场  地下停车场", "门前土路,日,外", "11-9。 夜—内—书房(人物:林晚)",
    "【场景】婚纱店 日 内", "【人物】林晚", "内景:白天", "39-2场 玉兰苑-2203", "小弟1：走", "李元/跟班（痛呼）：啊",
    "肖初夏，陆昱：走", "雯雯猛地转过身:别叫我", "阿城冷声：滚", "4、 小李（低声）：“嘘”", "1：林晚", "1：你好", "第 1 集",
    "第0集", "【集纲】", "第一幕", "——幕落", "〔幕启。", "（皇后上）", "/*", "*/", "结语", "背景：琴房", "11-2",
    "【出租屋，内，白】", "【林晚，顾言】", "角色：林晚", "人物卡：林晚", "片段一：林晚走", "刺客（大吼：）站住",
    "江河（调侃）你好", "1-2 夜 外 街道 △林晚走。林晚：有人吗？顾言：我。林晚：吓死我了！……第一集终第二集 2-1 日 内 公司",
]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text):
    script = parse_chinese(text)
    assert script.source_format == "chinese"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40))
def test_never_raises_on_convention_pieces(pieces):
    script = parse_chinese("\n".join(pieces))
    for _, _, element in script.iter_elements():
        assert element.text.strip() == element.text
        assert element.line >= 1


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40))
def test_read_quality_in_range_and_every_line_placed(pieces):
    script = parse_chinese("\n".join(pieces))
    quality = script.quality
    assert 0.0 <= quality.score <= 1.0
    assert quality.unplaced_lines == 0, quality.reasons


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30), st.lists(st.integers(0, 3), min_size=30, max_size=30))
def test_blank_lines_change_no_element(pieces, blanks):
    plain = "\n".join(pieces)
    spaced = "\n".join(p + "\n" * b for p, b in zip(pieces, blanks))
    a, b = parse_chinese(plain), parse_chinese(spaced)
    assert a.element_stream() == b.element_stream()
    assert [(e.number, e.title) for e in a.episodes] == [(e.number, e.title) for e in b.episodes]
    assert a.title == b.title and a.title_page == b.title_page


def test_bundled_sample():
    import re
    from importlib.resources import files

    text = (files("dramalens") / "samples" / "zh" / "voice_witness.txt").read_text(encoding="utf-8")
    script = parse(text)
    assert script.source_format == "chinese" and script.title == "声音证人" and not script.warnings
    assert [e.number for e in script.episodes] == [1, 2, 3, 4, 5, 6]
    for episode, source in zip(script.episodes, re.split(r"\n(?=第\d集)", text)[1:]):
        assert 1 <= len(episode.scenes) <= 3
        assert 500 <= len("".join(source.split())) <= 800
        assert list(episode.elements)[-1].type is T.CLIFFHANGER_MARK
        assert all(s.int_ext and s.time and s.location and s.cast for s in episode.scenes)
    assert {"沈听", "沈念", "陆川", "周岩", "许曼"} <= set(script.characters)


# -- conventions added with golden cases 34-49 ------------------------------------------------


def test_three_line_header_fills_one_scene():
    script = parse_chinese("第1集\n景：客厅\n时：日内\n人：林晚、顾沉\n林晚：你好。\n景：花园\n时：夜\n△风。")
    first, second = script.episodes[0].scenes
    assert (first.location, first.time, first.int_ext, first.cast) == ("客厅", "DAY", "INT", ("林晚", "顾沉"))
    assert (second.location, second.time) == ("花园", "NIGHT")
    assert [e.type for e in first.elements] == [T.HEADING, T.DIALOGUE]


def test_time_line_outside_a_fresh_scene_is_not_swallowed():
    script = parse_chinese("第1集\n1-1 日 内 客厅\n△林晚坐下。\n时间：三年后")
    assert types_texts(script)[-1] == (T.ACTION, "时间：三年后", None)


def test_merged_episode_takes_first_number_and_warns():
    script = parse_chinese("第1-2集\n1-1 日 内 客厅\n林晚：你好。\n第3~4集\n3-1 夜 内 卧室\n△灯灭。")
    assert [e.number for e in script.episodes] == [1, 3]
    assert sum("merged episodes" in w.message for w in script.warnings) == 2


def test_episode_halves_are_one_episode():
    script = parse_chinese("第三集（上）\n3-1 日 内 客厅\n△甲。\n第三集（下）\n3-2 夜 外 街道\n△乙。\n第四集\n△丙。")
    assert [(e.number, e.title, len(e.scenes)) for e in script.episodes] == [(3, "", 2), (4, "", 1)]
    assert not script.warnings


def test_episode_marker_with_scene_head_on_same_line():
    script = parse_chinese("第四集 4-1 日 外 天台\n林晚：风好大。")
    episode = script.episodes[0]
    assert (episode.number, episode.title) == (4, "")
    assert (episode.scenes[0].number, episode.scenes[0].location, episode.scenes[0].int_ext) == ("4-1", "天台", "EXT")


@pytest.mark.parametrize("count", [2, 5, 80])
def test_table_of_contents_makes_no_empty_episodes(count):
    toc = "\n".join(f"第{i}集 标题{i}" for i in range(1, count + 1))
    body = "\n".join(f"第{i}集 标题{i}\n{i}-1 日 内 客厅\n林晚：第{i}集。" for i in range(1, 4))
    script = parse_chinese(f"《剧》\n目录\n{toc}\n{body}")
    assert [e.number for e in script.episodes] == [1, 2, 3]
    assert all(e.scenes for e in script.episodes)
    assert [v for k, v in script.title_page if k == "目录"] == [f"第{i}集 标题{i}" for i in range(1, count + 1)]
    assert not script.warnings


def test_episode_going_back_after_content_still_warns():
    script = parse_chinese("第1集\n林晚：甲。\n第2集\n林晚：乙。\n第1集\n林晚：丙。")
    assert [e.number for e in script.episodes] == [1, 2, 1]
    assert any("follows episode" in w.message for w in script.warnings)


@pytest.mark.parametrize("page", ["3", "- 3 -", "— 12 —", "第 4 页", "第4页 共80页", "3/80", "Page 7"])
def test_page_number_lines_are_skipped_mid_speech(page):
    script = parse_chinese(f"第1集\n1-1 日 内 客厅\n△门开了。\n林晚：你，\n{page}\n终于来了。")
    assert types_texts(script)[-2:] == [(T.DIALOGUE, "你，", "林晚"), (T.DIALOGUE, "终于来了。", "林晚")]


def test_speaker_on_own_line_needs_a_known_name():
    known = parse_chinese("第1集\n人物：林晚\n1-1 日 内 客厅\n林晚（冷笑）\n你好。")
    assert types_texts(known)[-2:] == [(T.PARENTHETICAL, "冷笑", "林晚"), (T.DIALOGUE, "你好。", "林晚")]
    unknown = parse_chinese("第1集\n1-1 日 内 客厅\n走廊\n空无一人。")
    assert [t for t, _, _ in types_texts(unknown)][1:] == [T.ACTION, T.ACTION]


def test_speaker_line_with_no_speech_is_kept_as_action():
    script = parse_chinese("第1集\n人物：林晚\n1-1 日 内 客厅\n林晚\n△她转身。")
    assert types_texts(script)[1:] == [(T.ACTION, "林晚", None), (T.ACTION, "她转身。", None)]


@pytest.mark.parametrize(
    "line, expected",
    [
        ('林晚："你好"', (T.DIALOGUE, "你好", "林晚")),
        ("林晚：“你来了。”", (T.DIALOGUE, "你来了。", "林晚")),
        ("林晚：“你”和“我”", (T.DIALOGUE, "“你”和“我”", "林晚")),
        ("林晚&顾沉：不可能！", (T.DIALOGUE, "不可能！", "林晚、顾沉")),
        ("OS：她不知道。", (T.VOICE_OVER, "她不知道。", None)),
        ("切：医院走廊", (T.TRANSITION, "切：医院走廊", None)),
        ("【动作】林晚摔门。", (T.ACTION, "林晚摔门。", None)),
        ("※林晚推门。", (T.ACTION, "林晚推门。", None)),
        ("（未完待续）", (T.NOTE, "（未完待续）", None)),
    ],
)
def test_line_conventions(line, expected):
    script = parse_chinese(f"第1集\n人物：林晚、顾沉\n1-1 日 内 客厅\n{line}")
    assert types_texts(script)[-1] == expected


def test_markdown_draft_marks_are_dropped_but_bleeps_stay():
    script = parse_chinese("## 第1集：重生\n**1-1 日 内 客厅**\n**人物：** 林晚\n**林晚**：你这个**！\n**【卡点】**")
    assert (script.episodes[0].number, script.episodes[0].title) == (1, "重生")
    assert script.episodes[0].scenes[0].cast == ("林晚",)
    assert types_texts(script) == [
        (T.HEADING, "1-1 日 内 客厅", None), (T.DIALOGUE, "你这个**！", "林晚"), (T.CLIFFHANGER_MARK, "卡点", None)
    ]


def test_table_of_contents_then_bios_is_front_matter():
    script = parse_chinese("目录\n第1集 甲\n第2集 乙\n人物小传\n林晚：女。\n第1集 甲\n1-1 日 内 客厅\n林晚\n你好。")
    assert [e.number for e in script.episodes] == [1]
    assert ("人物小传", "林晚：女。") in script.title_page
    assert types_texts(script)[-1] == (T.DIALOGUE, "你好。", "林晚")


def test_cast_list_one_name_a_line_under_empty_cast_line():
    golden = parse("tests/golden/chinese/55_cast_list_one_per_line.txt")
    assert [s.cast for s in golden.scenes] == [
        ("林晚", "顾沉", "保安甲", "保安乙"), ("苏晴",), ("顾母",), ("林晚",), ()
    ]
    # the list ends at a dialogue line, which is still dialogue; names before the first scene wait for it
    script = parse_chinese("第1集\n人物：\n林晚\n顾沉\n1-1 日 内 客厅\n顾沉：走。")
    assert script.episodes[0].scenes[0].cast == ("林晚", "顾沉")
    assert types_texts(script)[-1] == (T.DIALOGUE, "走。", "顾沉")


@pytest.mark.parametrize("mark", ["（回忆）", "（闪回）", "【回忆】"])
def test_flashback_head_wraps_its_scene(mark):
    script = parse_chinese(f"第1集\n1-1 日 内 客厅\n△甲。\n1-2 夜 外 雨巷{mark}\n△乙。\n1-3 日 内 客厅\n△丙。")
    first, flash, after = script.episodes[0].scenes
    assert flash.location == "雨巷"
    assert [e.type for e in flash.elements] == [T.HEADING, T.FLASHBACK_START, T.ACTION, T.FLASHBACK_END]
    assert T.FLASHBACK_START not in [e.type for e in first.elements + after.elements]


def test_flashback_head_with_explicit_marks_adds_none():
    script = parse_chinese("第1集\n1-1 日 内 客厅（回忆）\n【闪回】\n△乙。\n【闪回结束】\n第2集\n2-1 日 内 客厅\n△丙。")
    types = [e.type for _, _, e in script.iter_elements()]
    assert types.count(T.FLASHBACK_START) == 1 and types.count(T.FLASHBACK_END) == 1
    assert not script.warnings
