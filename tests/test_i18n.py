"""Both languages from one message catalogue (issue 11, part 6): the .po files agree with each
other and with what the code and the templates ask for; evidence is said in the reader's
language; one track vocabulary for Chinese and English scripts."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from dramalens import analyze
from dramalens.analysis.tracks import TRACK_IDS, canonical_track, track_label, track_variants
from dramalens.analysis.tropes import TRACKS, infer_track, tag_tropes
from dramalens.catalog import Catalog, Document, Work, saturation
from dramalens.catalog.fingerprint import fingerprint
from dramalens.i18n import LANGUAGES, Message, catalogue, labels, translator
from dramalens.triage import desk
from dramalens.triage.auth import add_user
from dramalens.triage.intake import SubmissionMeta
from dramalens.triage.listing import QueueQuery
from dramalens.triage.scoring import Features, Flag, score
from dramalens.triage.worker import Worker
from dramalens.web import i18n as web_i18n
from triage_support import fake_pipeline_for_tests, fast_hash, make_script, new_engine  # noqa: F401

SRC = Path(__file__).resolve().parents[1] / "src" / "dramalens"
LOCALE = SRC / "locale"


def _fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_hold_the_same_keys_with_the_same_fields():
    en, zh = catalogue("en"), catalogue("zh")
    assert set(en) == set(zh), f"only en: {sorted(set(en) - set(zh))}; only zh: {sorted(set(zh) - set(en))}"
    for key in en:
        assert _fields(en[key]) == _fields(zh[key]), key
    assert len(en) > 250


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_po_file_names_each_key_once_and_leaves_none_untranslated(lang):
    raw = (LOCALE / lang / "LC_MESSAGES" / "dramalens.po").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.+)"$', raw, re.M)
    assert len(ids) == len(set(ids))
    with (LOCALE / lang / "LC_MESSAGES" / "dramalens.po").open("rb") as handle:
        entries = [m for m in read_po(handle) if m.id]
    assert entries and all(m.string for m in entries) and not any(m.fuzzy for m in entries)


def _keys_used() -> set[str]:
    """Literal keys the templates and the code ask the catalogue for."""
    used: set[str] = set()
    for path in (SRC / "web" / "templates").glob("*.html"):
        used.update(re.findall(r"\bt\('([\w.\-]+)'\)", path.read_text(encoding="utf-8")))
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r'Message\("([\w.\-]+)"', text))
        used.update(re.findall(r'\bt\("([\w.\-]+)"', text))
    return used


def test_every_key_the_code_and_templates_use_is_in_the_catalogue():
    used = _keys_used()
    assert {"queue", "ev.weak_ending", "r.sec.hooks"} <= used  # the scan finds the three kinds of use
    missing = sorted(k for k in used if k not in catalogue("en") and k not in {"no.such.key", "status.archived"})  # doctests of the fallback
    assert not missing


def test_no_key_is_left_unused():
    """A key is used when the code or a template names it, or builds it from a prefix
    (``'sat.' ~ status``, ``f"rule.{id}"``, ``'by_' ~ kind``); ``.hint`` keys go with their error."""
    sources = [*SRC.rglob("*.py"), *(SRC / "web" / "templates").glob("*.html")]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    named = set(re.findall(r"""['"]([\w.\- ]+)['"]""", text))
    prefixes = set(re.findall(r"""['"]([\w.\-]+[._])(?:['"]\s*[~+]|\{)""", text))
    unused = [k for k in catalogue("en") if k not in named and not k.endswith(".hint")
              and not any(k.startswith(p) for p in prefixes)]
    assert prefixes and unused == ["print"]  # the coverage page's print action, kept for the workflow work in flight


def test_prefixed_ids_have_labels_for_every_value_the_analysis_gives():
    from dramalens.analysis.agency import ACTIVE_KINDS, PASSIVE_KINDS
    from dramalens.analysis.characters import TIERS
    from dramalens.analysis.cues import CATEGORIES
    from dramalens.triage.gates import GATES

    want = ([f"cue.{c}" for c in CATEGORIES] + [f"agency.{k}" for k in ACTIVE_KINDS + PASSIVE_KINDS]
            + [f"tier.{t}" for t in TIERS] + [f"gate.{g}" for g in GATES] + [f"track.{t}" for t in TRACK_IDS])
    assert [k for k in want if k not in catalogue("zh")] == []
    zh = translator("zh")
    assert zh("cue.cliffhanger_mark") == "悬念标记" and translator("en")("cue.cliffhanger_mark") == "cliffhanger mark"
    assert zh("agency.opens_scene") == "开启场景"


def test_fallback_is_english_then_the_key_and_ids_stay_readable():
    zh = translator("fr")  # an unknown language is English
    assert zh("queue") == "Queue" and zh("no-such-key") == "no-such-key" and zh("status.archived") == "archived"
    assert zh("fn.new_function") == "new_function" and zh("track.my_genre") == "my_genre"
    assert labels("zh")["queue"] == "待审队列" and web_i18n.labels("zh")["queue"] == "待审队列"
    assert web_i18n.translator("zh")("queue") == "待审队列" and web_i18n.MESSAGES["en"]["queue"] == "Queue"
    # Called without fields a text comes back raw: templates format it themselves.
    assert translator("zh")("episode_n") == "第{n}集" and translator("zh")("episode_n", n=4) == "第4集"


@given(st.sampled_from(sorted(catalogue("en"))), st.sampled_from(LANGUAGES),
       st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False)))
def test_every_message_formats_with_numbers_in_both_languages(key, lang, value):
    fields = {name: value for name in _fields(catalogue("en")[key])}
    text = translator(lang)(key, **fields)
    assert text and (not fields or "{" not in text.replace("{{", ""))


def test_evidence_is_said_in_the_readers_language():
    s = score(Features(episodes=10, hook_endings=7, novelty=0.79, pacing_fit=0.9, agency=0.6,
                       flags=(Flag("title.badao_zongcai", "high", "No 霸总 in a title: 霸总归来", detail="霸总归来"),
                              Flag("platform.own_rule", "low", "our own rule: x")),
                       weak_endings=((3, 40),)))
    en, zh = translator("en"), translator("zh")
    assert all(e.key for e in s.evidence)
    assert [en.say(e.key, e.params) for e in s.evidence] == [e.text for e in s.evidence]  # text is the English
    said = [zh.say(e.key, e.params) for e in s.evidence]
    assert "与作品库相比的新颖度 0.79" in said and "第3集结尾没有钩子" in said and "10 集中有 7 集以钩子收尾" in said
    assert "标题含“霸总”（高）：霸总归来" in said
    assert "platform.own_rule（低）：our own rule: x" in said  # a platform's own rule keeps its id and text
    assert not any(re.search(r"[A-Za-z]{4,}", x) for x in said[:3])
    # As the stored JSON gives it back (lists, not tuples), and a row stored before evidence had keys.
    stored = s.to_dict()["evidence"][0]
    assert zh.say(stored["key"], [list(p) for p in stored["params"]], stored["text"]) == said[0]
    assert zh.say(None, None, "catalog novelty 0.79") == "catalog novelty 0.79"
    assert Message("ep_n", (("n", 2),)).render(zh) == "第2集"


# --- one track vocabulary ---------------------------------------------------------------------

def test_every_track_the_tagger_answers_with_is_in_the_vocabulary():
    assert all(canonical_track(t) in TRACK_IDS for lang in TRACKS for t in TRACKS[lang])
    zh_text, en_text = "婆婆和儿媳的家庭矛盾，一家人吵吵闹闹。", "A family drama: the mother-in-law and the daughter-in-law fight at home."
    zh_track = infer_track(tag_tropes(zh_text, language="zh"), zh_text, "zh")
    en_track = infer_track(tag_tropes(en_text, language="en"), en_text, "en")
    assert (zh_track, en_track) == ("家庭", "family")
    assert canonical_track(zh_track) == canonical_track(en_track) == "family"
    assert (track_label("家庭", "en"), track_label("family", "zh"), track_label("霸总文", "en")) == ("family", "家庭", "霸总文")
    assert "家庭" in track_variants("Family") and "family" in track_variants("家庭")


@pytest.mark.usefixtures("fast_hash")
def test_a_chinese_jiating_and_an_english_family_script_land_in_one_track(tmp_path):
    engine = new_engine(tmp_path)
    ann = add_user(engine, "ann", "password-a", desk="d")
    desk.receive_upload(engine, "a.txt", make_script(1).encode(), SubmissionMeta(track="家庭"), ann)
    desk.receive_upload(engine, "b.txt", make_script(2).encode(), SubmissionMeta(track="Family"), ann)
    desk.receive_upload(engine, "c.txt", make_script(3).encode(), SubmissionMeta(track="都市"), ann)
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    supply = {r.effective_track: r.n for r in desk.desk_supply(engine, ann)}
    assert supply == {"family": 2, "urban": 1}
    for asked in ("家庭", "family", "FAMILY", "家庭伦理"):
        assert desk.queue_view(engine, ann, QueueQuery(track=asked)).page.total == 2, asked
    assert desk.queue_view(engine, ann, QueueQuery(track="霸总")).page.total == 0


def test_catalog_saturation_merges_the_spellings_of_a_track():
    cat = Catalog("sqlite://")
    works = [Work(f"w{i}", f"t{i}", lang, synopsis=f"story {i}", track=track, release_date=date(2025, 1 + i, 1))
             for i, (lang, track) in enumerate([("zh", "家庭"), ("en", "family"), ("en", "Family"), ("zh", "都市")])]
    cat.upsert([fingerprint(Document(w), semantic=False) for w in works])
    rows = {r.name: r for r in saturation(cat).rows if r.kind == "track"}
    assert set(rows) == {"family", "urban"} and rows["family"].works == 3
    assert rows["family"].label == "家庭 / family"


# --- the desk's pages in Chinese: errors, the conflict, the audit log, evidence, the report -----

@pytest.mark.usefixtures("fast_hash")
def test_the_desk_says_errors_conflicts_audit_and_evidence_in_chinese(tmp_path):
    from fastapi.testclient import TestClient

    from dramalens.web.app import create_app
    from triage_support import csrf_of, login

    app = create_app(f"sqlite:///{tmp_path / 'zh.sqlite'}", workers=0)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="d")
    sid = desk.receive_upload(engine, "a.txt", make_script(5).encode(), SubmissionMeta(track="家庭"), ann).submission_ids[0]
    Worker(engine, pipeline=_scored, poll=0.05).run_until_empty()
    with TestClient(app) as client:
        login(client, "ann", "plum-ladder-77")
        client.cookies.set("dl_lang", "zh")
        assert "没有编号为 999999 的投稿" in client.get("/submissions/999999").text
        assert "必须是 1 到" in client.get("/queue", params={"page": "9" * 30}).text
        page = client.get(f"/submissions/{sid}").text
        assert "第2集结尾没有钩子" in page and "标题含“霸总”（高）" in page and ">家庭<" in page
        token = csrf_of(page)
        client.post(f"/submissions/{sid}/decision", data={"csrf_token": token, "status": "in_review", "version": "1"})
        stale = client.post(f"/submissions/{sid}/decision", data={"csrf_token": token, "status": "consider", "version": "1"})
        assert stale.status_code == 409
        assert "已被他人修改（现在是“审读中”" in stale.text and "请刷新页面后重新决定" in stale.text
        audit = client.get(f"/submissions/{sid}").text.split('class="audit"')[1]
        assert "操作" in audit and "冲突" in audit and "已生效" in audit and "新投稿 → 审读中" in audit
        client.cookies.set("dl_lang", "en")
        assert "no submission 999999" in client.get("/submissions/999999").text
        assert "episode 2 ends without a hook" in client.get(f"/submissions/{sid}").text


def _scored(sub, *, weights, catalog=None):
    """A TEST DOUBLE with real rubric evidence: one weak ending and one compliance flag."""
    from dramalens.triage.result import TriageResult

    s = score(Features(episodes=3, hook_endings=2, weak_endings=((2, 7),),
                       flags=(Flag("title.badao_zongcai", "high", "霸总", detail="霸总归来"),)), weights)
    return TriageResult(s, report_html="<p>r</p>", language="zh", tropes=("复仇",))


def test_the_report_follows_the_readers_language(tmp_path):
    from dramalens.triage.pipeline import analyse_submission

    engine = new_engine(tmp_path)
    ann = add_user(engine, "ann", "plum-ladder-77", desk="d")
    sid = desk.receive_upload(engine, "a.txt", make_script(6).encode(), SubmissionMeta(), ann).submission_ids[0]
    Worker(engine, pipeline=analyse_submission, poll=0.05).run_until_empty()
    stored = desk.report_html(engine, sid, ann)
    assert '<html lang="zh-CN"' in stored and "情绪弧线" in stored  # the script's language
    assert "集超出竖屏剧时长范围" in stored  # the analysis' own warnings too (its episodes are short)
    assert desk.report_html(engine, sid, ann, "zh") == stored
    english = desk.report_html(engine, sid, ann, "en")
    assert '<html lang="en"' in english and "Emotional arc" in english and "情绪弧线" not in english
    assert "cliffhanger_mark" not in english and "opens_scene" not in english
    assert "outside the vertical band" in english


def test_read_quality_reasons_are_said_in_the_readers_language():
    from dramalens import parse
    from dramalens.report.html import render_html
    from dramalens.triage.intake import SubmissionInput
    from dramalens.triage.pipeline import analyse_submission

    text = "第1集 " + "没有换行的一整段文字" * 300
    script = parse(text)
    reasons = [r for r in script.quality.reasons if r.penalty > 0]
    assert reasons and all(r.params for r in reasons)
    en = translator("en")
    for r in reasons:  # the catalogue's English is the parser's own sentence
        assert en.say(f"quality.{r.code}", r.params) == r.message  # say: a why_key field is translated too
    page = render_html(analyze(script))
    assert "缺少换行" in page.split('id="read-quality"')[1].split("</section>")[0]
    result = analyse_submission(SubmissionInput(1, "a.txt", text.encode(), SubmissionMeta()))
    said = [translator("zh").say(e.key, e.params, e.text) for e in result.score.evidence if e.criterion == "read_quality"]
    assert said and any("缺少换行" in s for s in said)
