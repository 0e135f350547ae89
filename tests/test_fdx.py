"""Final Draft / Fade In reading: structure, hostile XML, and the conformance twins."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens import parse
from dramalens.errors import InputError, ParseError
from dramalens.model import ElementType
from dramalens.parsing import parse_bytes
from dramalens.parsing.fdx import parse_fdx
from dramalens.parsing.fountain import parse_fountain
from dramalens.parsing.paragraphs import split_cue, strip_parens

GOLDEN = Path(__file__).parent / "golden" / "fdx"
CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "fountain" / "fountain-tools"


def fdx(*paragraphs: str, extra: str = "") -> bytes:
    body = "".join(paragraphs)
    return f'<?xml version="1.0" encoding="UTF-8"?><FinalDraft DocumentType="Script" Version="5"><Content>{body}</Content>{extra}</FinalDraft>'.encode()


def p(kind: str, text: str, attrs: str = "") -> str:
    return f'<Paragraph Type="{kind}"{attrs}><Text>{text}</Text></Paragraph>'


def stream(script):
    return [(e.type.value, e.text, e.character) for _, _, e in script.iter_elements()]


# -- structure ---------------------------------------------------------------------------------
def test_basic_elements_lines_and_scene_fields():
    s = parse_fdx((GOLDEN / "basic.fdx").read_bytes(), source="basic.fdx")
    assert s.source_format == "fdx" and s.source == "basic.fdx" and s.language == "en"
    scenes = list(s.scenes)
    assert [(sc.number, sc.int_ext, sc.time, sc.location) for sc in scenes] == [
        ("1", "INT", "NIGHT", "PAWN SHOP"),
        ("2", "EXT", "CONTINUOUS", "ALLEY"),
    ]
    elements = [e for _, _, e in s.iter_elements()]
    assert [e.line for e in elements] == list(range(1, 11))
    assert elements[3].type is ElementType.PARENTHETICAL and elements[3].text == "without looking up"
    assert elements[3].character == "MEI"
    assert list(s.characters) == ["MEI", "STRANGER"]


def test_text_runs_are_concatenated_and_styles_dropped():
    s = parse_fdx(fdx('<Paragraph Type="Action"><Text Style="Bold">Loud</Text><Text> and </Text><Text Style="Italic">soft</Text></Paragraph>'))
    assert stream(s) == [("action", "Loud and soft", None)]


def test_all_caps_element_setting_applies_to_text():
    settings = '<ElementSettings Type="Character"><FontSpec Style="AllCaps"/></ElementSettings>'
    s = parse_fdx(fdx(p("Character", "gran"), p("Dialogue", "hi"), extra=settings))
    assert stream(s) == [("character", "GRAN", "GRAN"), ("dialogue", "hi", "GRAN")]


@pytest.mark.parametrize(
    "cue, name, ext",
    [("JIM (O.S.)", "JIM", "O.S."), ("JOE (CONT'D)", "JOE", "CONT'D"), ("A (V.O.) (CONT'D)", "A", "V.O. CONT'D"),
     ("林晚（OS）", "林晚", "OS"), ("BOB", "BOB", None), ("(V.O.)", "(V.O.)", None), ("DR. NO", "DR. NO", None)],
)
def test_split_cue(cue, name, ext):
    assert split_cue(cue) == (name, ext)


def test_extension_and_canonical_name_on_cue():
    s = parse_fdx(fdx(p("Character", "JOE (CONT&apos;D)"), p("Dialogue", "Or that.")))
    cue = next(e for _, _, e in s.iter_elements())
    assert (cue.text, cue.character, cue.extension) == ("JOE (CONT'D)", "JOE", "CONT'D")
    assert list(s.characters) == ["JOE"]


def test_strip_parens():
    assert strip_parens(" (beat) ") == "beat" and strip_parens("（冷笑）") == "冷笑" and strip_parens("beat") == "beat"


def test_dual_dialogue_marks_both_sides():
    s = parse_fdx((GOLDEN / "dual_dialogue.fdx").read_bytes())
    cues = [e for _, _, e in s.iter_elements() if e.type is ElementType.CHARACTER]
    assert [(c.text, c.dual) for c in cues] == [("ANNA", True), ("BELLA", True), ("CHAIRMAN", False)]
    # the wrapper paragraph does not count as a line; its children do
    assert [e.line for _, _, e in s.iter_elements()] == list(range(1, 10))


def test_dual_dialogue_with_three_speakers_marks_all_three():
    block = "".join(p(k, x) for k, x in [("Character", "A"), ("Dialogue", "1"), ("Character", "B"), ("Dialogue", "2"),
                                          ("Character", "C (O.S.)"), ("Dialogue", "3")])
    s = parse_fdx(fdx(f"<Paragraph><DualDialogue>{block}</DualDialogue></Paragraph>", p("Action", "After.")))
    assert [(e.text, e.character, e.dual) for _, _, e in s.iter_elements()] == [
        ("A", "A", True), ("1", "A", True), ("B", "B", True), ("2", "B", True),
        ("C (O.S.)", "C", True), ("3", "C", True), ("After.", None, False),
    ]


def test_final_draft_12_extras_are_ignored_and_outline_is_structure():
    s = parse_fdx((GOLDEN / "fd12_features.fdx").read_bytes())
    assert not s.warnings
    texts = [e.text for _, _, e in s.iter_elements()]
    # Scene summaries, arc beats, header page labels and SmartType lists are not script text.
    assert not any("Summary" in x or "doubts" in x or x == "." or x == "HARBOUR" for x in texts)
    assert [(e.type.value, e.level) for _, _, e in s.iter_elements()][:2] == [("section", 1), ("synopsis", 0)]
    assert "Rain hammers the docks." in texts and "EXT. HARBOUR - NIGHT" in texts
    assert s.title == "THE HARBOUR"


def test_title_page_guessing_and_title():
    s = parse_fdx((GOLDEN / "title_page.fdx").read_bytes())
    assert s.title == "THE LAST DEAL"
    assert s.title_page == [
        ("Title", "THE LAST DEAL"),
        ("Credit", "Written by"),
        ("Author", "Lin Yue"),
        ("Draft date", "Second draft, 3 March 2026"),
        ("Contact", "lin@example.com"),
    ]


def test_unknown_type_becomes_action_with_warning():
    s = parse_fdx(fdx(p("Hologram", "Shimmer."), p("Shot", "CLOSE ON X")))
    assert stream(s) == [("action", "Shimmer.", None), ("action", "CLOSE ON X", None)]
    assert len(s.warnings) == 1 and s.warnings[0].line == 1 and "Hologram" in s.warnings[0].message


def test_episode_rule_new_act_and_marker_lines():
    s = parse_fdx((GOLDEN / "episodes_new_act.fdx").read_bytes())
    assert [(e.number, e.title, e.line) for e in s.episodes] == [(1, "THE CONTRACT", 1), (2, "ACT TWO", 5), (7, "", 8)]
    assert all(e.type is not ElementType.ACTION or "EPISODE" not in e.text for _, _, e in s.iter_elements())
    zh = parse_fdx((GOLDEN / "episodes_zh.fdx").read_bytes())
    assert [(e.number, e.title) for e in zh.episodes] == [(1, ""), (2, "重逢")]
    assert zh.language == "zh"


def test_marker_inside_dialogue_is_not_an_episode():
    s = parse_fdx(fdx(p("Character", "BOB"), p("Dialogue", "EPISODE 3")))
    assert len(s.episodes) == 1 and stream(s)[-1] == ("dialogue", "EPISODE 3", "BOB")


def test_inline_and_document_notes():
    s = parse_fdx((GOLDEN / "notes.fdx").read_bytes())
    notes = [e for _, _, e in s.iter_elements() if e.type is ElementType.NOTE]
    assert [(n.text, n.line) for n in notes] == [("Can we afford this set?", 2), ("Check the continuity of the lab coat.", 0)]
    assert any("script note" in w.message for w in s.warnings)


def test_scene_number_from_scene_properties():
    s = parse_fdx((GOLDEN / "fadein_export.fdx").read_bytes())
    assert [sc.number for sc in s.scenes] == ["12A", "13"]


def test_parse_dispatches_fdx_by_extension_and_by_content(tmp_path):
    data = (GOLDEN / "basic.fdx").read_bytes()
    f = tmp_path / "x.fdx"
    f.write_bytes(data)
    assert parse(f).source_format == "fdx"
    assert parse_bytes(data).source_format == "fdx"  # sniffed from the XML, no extension


def test_empty_paragraphs_are_skipped_but_counted():
    s = parse_fdx(fdx('<Paragraph Type="Action"/>', p("Action", "  "), p("Action", "Real.")))
    assert [(e.text, e.line) for _, _, e in s.iter_elements()] == [("Real.", 3)]


# -- hostile and broken input ------------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<FinalDraft><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph></Content></FinalDraft>"""


def test_billion_laughs_refused_before_expansion():
    # defusedxml raises at the first entity declaration, so nothing is ever expanded.
    with pytest.raises(ParseError, match="declares entities") as info:
        parse_fdx(BILLION_LAUGHS, source="laughs.fdx")
    assert info.value.source == "laughs.fdx" and info.value.hint
    assert isinstance(info.value, InputError)


def test_external_entity_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><FinalDraft><Content><Paragraph><Text>&x;</Text></Paragraph></Content></FinalDraft>'
    with pytest.raises(ParseError, match="refused"):
        parse_fdx(xxe)


def test_malformed_xml_names_line_and_column():
    bad = b'<?xml version="1.0"?>\n<FinalDraft>\n  <Content><Paragraph Type="Action"><Text>oops</Paragraph>\n</FinalDraft>'
    with pytest.raises(ParseError, match=r"malformed XML at line 3, column \d+"):
        parse_fdx(bad, source="bad.fdx")


def test_xml_that_is_not_final_draft():
    with pytest.raises(ParseError, match="not a Final Draft document: the root element is <html>"):
        parse_fdx(b"<html><body>hi</body></html>")


def test_final_draft_without_content():
    with pytest.raises(ParseError, match="without a <Content>"):
        parse_fdx(b'<FinalDraft DocumentType="Script"/>')


def test_empty_and_non_bytes():
    with pytest.raises(InputError, match="empty"):
        parse_fdx(b"  \n")
    with pytest.raises(TypeError):
        parse_fdx("<FinalDraft/>")  # type: ignore[arg-type]


def test_zip_without_document_xml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("other.xml", "<x/>")
    with pytest.raises(ParseError, match="not a Fade In"):
        parse_fdx(buf.getvalue())


def _fadein(paras: list[tuple[str, str]]) -> bytes:
    body = "".join(f'<para><style basestyle="{k}"/><text>{t}</text></para>' for k, t in paras)
    xml = f'<?xml version="1.0"?><document type="Open Screenplay Format document" version="50"><paragraphs>{body}</paragraphs>'
    xml += '<titlepage><para bookmark="Title"><text>SHORT</text></para></titlepage></document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("document.xml", xml)
    return buf.getvalue()


def test_fadein_zip_through_parse_fdx_and_parse(tmp_path):
    data = _fadein([("Scene Heading", "INT. HALL - DAY"), ("Character", "AMY"), ("Parenthetical", "quietly"), ("Dialogue", "Hi.")])
    expected = [("heading", "INT. HALL - DAY", None), ("character", "AMY", "AMY"), ("parenthetical", "quietly", "AMY"), ("dialogue", "Hi.", "AMY")]
    assert stream(parse_fdx(data)) == expected
    f = tmp_path / "short.fadein"
    f.write_bytes(data)
    s = parse(f)  # a zip: parse_bytes hands it to the docx reader, which passes it back
    assert stream(s) == expected and s.title == "SHORT" and s.source_format == "fdx"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_input_errors(data):
    try:
        parse_fdx(data)
    except InputError:
        pass


_TAGS = st.sampled_from(["FinalDraft", "Content", "Paragraph", "Text", "DualDialogue", "TitlePage", "SceneProperties", "ScriptNote", "x"])
_ATTRS = st.sampled_from(['', ' Type="Action"', ' Type="Character"', ' Type="Dialogue"', ' Type="New Act"', ' Type="Scene Heading"',
                          ' Number="1"', ' DramalensType="note"', ' DramalensType="zzz"', ' DramalensCharacter=""', ' DramalensEpisode="2"',
                          ' DramalensImplied="Yes"', ' DramalensLevel="x"', ' Type="Parenthetical"'])


@st.composite
def xmlish(draw, depth=0):
    tag = draw(_TAGS)
    attrs = draw(_ATTRS)
    if depth > 4 or draw(st.booleans()):
        inner = draw(st.sampled_from(["", "EPISODE 3", "第2集 起", "INT. X - DAY", "(beat)", "&amp;", "&bogus;", "<", "JOE (V.O.)", "]]>"]))
    else:
        inner = "".join(draw(st.lists(xmlish(depth + 1), max_size=4)))
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</x>"]))
    return f"<{tag}{attrs}>{inner}{close}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xmlish(), st.sampled_from(["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>', "<!DOCTYPE FinalDraft>"]))
def test_xmlish_text_raises_only_input_errors(body, prolog):
    try:
        script = parse_fdx((prolog + body).encode())
    except InputError:
        return
    for _, _, element in script.iter_elements():
        assert isinstance(element.type, ElementType)


# -- the conformance twins: the same script as Final Draft, Fade In and Fountain ----------------
TWINS = [("TestFDX-FD.fdx", "TestFDX-FD.fountain"), ("TestFDX-FI.fdx", "TestFDX-FI.fountain"), ("TestFDX-FI.fadein", "TestFDX-FI.fountain")]


@pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="conformance folder ../shared/conformance is absent")
@pytest.mark.parametrize("fdx_name, fountain_name", TWINS)
def test_conformance_twin_matches_fountain(fdx_name, fountain_name):
    ours = parse_fdx((CONFORMANCE / fdx_name).read_bytes(), source=fdx_name)
    twin = parse_fountain((CONFORMANCE / fountain_name).read_text(encoding="utf-8"))
    assert [(t, x) for t, x, _ in stream(ours)] == [(t, x) for t, x, _ in stream(twin)]
    assert stream(ours) == stream(twin)
    assert ours.title == "FDX Test Script"
    if fdx_name.endswith(".fdx"):  # .fadein does not store scene numbers (Fade In numbers on the fly)
        assert [s.number for s in ours.scenes] == [s.number for s in twin.scenes]


# -- encodings ---------------------------------------------------------------------------------
ZH_DOC = '<?xml version="1.0" encoding="{enc}"?><FinalDraft><Content><Paragraph Type="Action"><Text>{text}</Text></Paragraph></Content></FinalDraft>'
SIMPLIFIED, TRADITIONAL = "林晚推门而入。", "林晚推門而入。"


@pytest.mark.parametrize(
    "declared, codec, text",
    [("UTF-8", "utf-8", SIMPLIFIED), ("GBK", "gbk", SIMPLIFIED), ("GB18030", "gb18030", SIMPLIFIED), ("Big5", "big5", TRADITIONAL), ("UTF-16", "utf-16", SIMPLIFIED)],
)
def test_declared_encodings(declared, codec, text):
    s = parse_fdx(ZH_DOC.format(enc=declared, text=text).encode(codec))
    assert stream(s) == [("action", text, None)]


def test_text_path_with_a_stale_utf16_declaration():
    from dramalens.parsing import parse_text

    assert stream(parse_text(ZH_DOC.format(enc="UTF-16", text=SIMPLIFIED))) == [("action", "林晚推门而入。", None)]


def test_unknown_or_wrong_encoding_is_parse_error():
    with pytest.raises(ParseError, match="unknown encoding 'klingon'"):
        parse_fdx(ZH_DOC.format(enc="klingon", text=SIMPLIFIED).encode())
    with pytest.raises(ParseError, match="declares gbk but byte"):
        parse_fdx(ZH_DOC.format(enc="GBK", text=SIMPLIFIED).encode("utf-8").replace(b"</Text>", b"\xff\xff</Text>"))
