"""Chinese layouts in a real headless Chromium: the queue's headers, status words (新投稿) and
buttons stay on one line in a window as narrow as a laptop's half screen, and the pages the
reviewer meets say everything in Chinese. Screenshots go to artifacts/ (gitignored).

A label counts its lines from the browser's own layout: the distinct tops of the client rects
of its text (one line, one top), so the check does not depend on fonts or line heights.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import CHROMIUM, chromium_page, live_server
from dramalens.triage.auth import add_user
from dramalens.triage.intake import SubmissionMeta
from dramalens.triage.review import User
from dramalens.triage import desk
from triage_support import fake_pipeline_for_tests, make_script

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
playwright_sync = pytest.importorskip("playwright.sync_api")

#: How many lines each matching element's text takes (the most of any element it matches).
LINES_JS = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set();
    for (const r of range.getClientRects()) { if (r.width > 0 && r.height > 0) tops.add(Math.round(r.top)); }
    out.push([el.textContent.trim(), tops.size, Math.round(el.getBoundingClientRect().width)]);
  }
  return out;
}"""


@pytest.fixture
def server(tmp_path):
    from dramalens.web.app import create_app
    from dramalens.triage.worker import Worker

    app = create_app(f"sqlite:///{tmp_path / 'cjk.sqlite'}", workers=0)
    engine = app.state.desk.engine
    user: User = add_user(engine, "editor", "editor-pass-1", desk="都市")
    for i in range(6):
        track = ("家庭", "family", "都市")[i % 3]
        desk.receive_upload(engine, f"剧本{i}.txt", make_script(200 + i).encode(), SubmissionMeta(track=track), user)
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    with live_server(app) as base:
        yield base


@pytest.mark.parametrize("width", [480, 760, 1280])
def test_chinese_labels_never_wrap_one_character_a_line(server, width):
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_sync.sync_playwright() as p:
        with chromium_page(p, viewport={"width": width, "height": 900}) as (page, errors):
            page.context.add_cookies([{"name": "dl_lang", "value": "zh", "url": server}])
            page.goto(f"{server}/login")
            page.get_by_label("用户名").fill("editor")
            page.get_by_label("密码").fill("editor-pass-1")
            page.get_by_role("button", name="登录").click()
            page.wait_for_url("**/queue")
            headers = page.evaluate(LINES_JS, "table.queue thead th")
            statuses = page.evaluate(LINES_JS, "table.queue .status")
            buttons = page.evaluate(LINES_JS, "main button, main .button, header nav a")
            page.screenshot(path=str(ARTIFACTS / f"cjk-queue-zh-{width}.png"), full_page=True)
            labelled = [h for h in headers if h[0] and h[0] != "选择"]  # the tick-box column's name is for screen readers only
            assert {"剧名", "评分", "赛道", "状态"} <= {h[0] for h in labelled}
            assert [h for h in labelled if h[1] != 1] == []  # every header on one line
            assert statuses and all(s[0] == "新投稿" and s[1] == 1 for s in statuses)
            assert buttons and [b for b in buttons if b[1] != 1] == []
            # One track vocabulary: 家庭 and family are one label in the reader's language.
            tracks = {c[0] for c in page.evaluate(LINES_JS, "table.queue td.c-track")}
            assert tracks == {"家庭", "都市"}
            page.goto(f"{server}/submissions/1")
            labels = page.evaluate(LINES_JS, "#status, main button, dl.meta dt, table.audit th, .evidence .crit")
            assert any(x[0] == "新投稿" for x in labels) and [x for x in labels if x[1] != 1] == []
            page.screenshot(path=str(ARTIFACTS / f"cjk-submission-zh-{width}.png"), full_page=True)
            page.goto(f"{server}/saturation")
            sat = page.evaluate(LINES_JS, "#desk-supply thead th")
            assert [h for h in sat if h[0] and h[1] != 1] == []
            page.screenshot(path=str(ARTIFACTS / f"cjk-saturation-zh-{width}.png"), full_page=True)
            assert errors == []
