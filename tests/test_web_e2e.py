"""The script desk in a real headless Chromium (Debian's), against a live uvicorn server.

Flow: log in, upload a zip of 20 generated scripts (one named in GBK by a Chinese Windows, plus
an .exe that is skipped: the receipt lists both), give the GBK member its own title and episodes
in the receipt's per-file table, upload it again (all duplicates), watch the queue fill, open a
script already in the catalog: its report in the page, its similar works (only those above the
threshold) and a similar work's own page with the shared passages side by side, whose line
links open the script reader on the highlighted line; follow an evidence link into the reader,
read the coverage in English and Chinese (and download it as .docx), set a due date (overdue in
the queue, sorted by due), assign to a colleague, decide with a note template and open the next
script, decide two scripts in bulk with a template, search the catalog, export CSV, log out; an
admin adds a note template and changes the weights, and the queue's order changes.
Screenshots go to ``$DRAMALENS_ARTIFACTS/desk-e2e`` (default ``artifacts/desk-e2e``, gitignored).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import time
from pathlib import Path

import pytest

import dramalens

from dramalens.triage.auth import add_user
from dramalens.triage.workflow import add_template
from browser_support import CHROMIUM, chromium_page, live_server
from support import make_gbk_zip
from triage_support import REAL_PIPELINE, make_script

ARTIFACTS = Path(os.environ.get("DRAMALENS_ARTIFACTS") or Path(__file__).resolve().parent.parent / "artifacts") / "desk-e2e"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
playwright_sync = pytest.importorskip("playwright.sync_api")


def _corpus(n: int, seed: int) -> Path:
    from dramalens.synth import generate_corpus

    out = Path(tempfile.mkdtemp())
    generate_corpus(out, works=n, languages=("zh",), episodes=(3, 5), seed=seed, plant_rate=0.0)
    return out


def _scripts(n: int, catalog_dir: Path | None) -> dict[str, str]:
    """n scripts from the synth module when it is there (half of them already in the catalog,
    so similar works show up), else from the tests' own generator."""
    if catalog_dir is None:
        return {f"剧本{i:02d}.txt": make_script(100 + i, episodes=4) for i in range(n)}
    fresh = _corpus(n - n // 2, seed=8)
    known = sorted((catalog_dir / "works").iterdir())[: n // 2]
    new = sorted((fresh / "works").iterdir())
    return {f"{'k' if p in known else 'n'}-{p.name}": p.read_text(encoding="utf-8") for p in known + new}


@pytest.fixture
def server(tmp_path):
    from dramalens.web.app import create_app

    db_url = f"sqlite:///{tmp_path / 'e2e.sqlite'}"
    catalog_dir = _corpus(30, seed=7)
    if catalog_dir is not None:  # the catalog lives in the same database as the desk
        from dramalens.catalog import Catalog, import_paths

        with Catalog(db_url) as cat:
            import_paths(cat, [catalog_dir])
    app = create_app(db_url, workers=2, pipeline=REAL_PIPELINE, worker_poll=0.2)
    app.state.catalog_dir = catalog_dir
    add_user(app.state.desk.engine, "editor", "editor-pass-1", desk="都市")
    add_user(app.state.desk.engine, "reader2", "reader2-pass-3", desk="都市")
    chief = add_user(app.state.desk.engine, "chief", "chief-pass-22", admin=True, desk="都市")
    add_template(app.state.desk.engine, chief, "都市", "礼貌退稿", "感谢投稿，本组暂不采用。")
    with live_server(app) as base:
        yield base, app


def test_desk_flow_in_chromium(server, tmp_path):
    base, app = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    zip_path = tmp_path / "batch.zip"
    scripts = _scripts(20, app.state.catalog_dir)
    gbk_name = "新剧本甲.txt"  # a member name in GBK without the UTF-8 flag (Windows' own zip tool)
    renamed = next(n for n in scripts if not n.startswith("k-"))
    scripts[gbk_name] = scripts.pop(renamed)
    zip_path.write_bytes(make_gbk_zip({**{n: t.encode() for n, t in scripts.items()}, "setup.exe": b"MZ\x90\x00"}))
    app.state.known_titles = {dramalens.parse(text).title or Path(name).stem for name, text in scripts.items()
                              if name.startswith("k-")}
    with playwright_sync.sync_playwright() as p:
        with chromium_page(p, viewport={"width": 1280, "height": 900}, accept_downloads=True) as (page, errors):
            # Every console error (a 404 for /favicon.ico, a blocked resource, a script error) fails the run.
            page.goto(f"{base}/queue")
            assert page.url.endswith("/login")  # anonymous: sent to log in
            page.get_by_label("User name").fill("editor")
            page.get_by_label("Password").fill("editor-pass-1")
            page.screenshot(path=str(ARTIFACTS / "e2e-1-login.png"))
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/queue")

            page.get_by_role("link", name="Upload").click()
            page.get_by_label("Script file or .zip batch").set_input_files(str(zip_path))
            page.get_by_label("Track").fill("都市")
            page.get_by_label("Format").select_option("vertical")
            page.get_by_role("button", name="Send").click()
            receipt = page.locator("table.receipt")
            assert gbk_name in receipt.inner_text() and "setup.exe" in receipt.locator("tr.skipped").inner_text()
            assert receipt.locator("tr.accepted").count() == 20
            page.screenshot(path=str(ARTIFACTS / "e2e-1b-receipt.png"), full_page=True)
            # The per-file table: the GBK member gets its own title and episode count.
            gbk_row = receipt.locator("tr.accepted", has_text=gbk_name)
            gbk_row.locator("input[name^=title-]").fill("甲剧·改名")
            gbk_row.locator("input[name^=episodes-]").fill("5")
            page.locator("#save-per-file").click()
            page.wait_for_url("**/queue?batch=*")
            assert "1" in page.locator("#meta-result").inner_text()
            assert page.locator("table.queue a", has_text="甲剧·改名").count() == 1
            page.get_by_role("link", name="Upload").click()  # the same zip again: a retry after a cut-off upload
            page.get_by_label("Script file or .zip batch").set_input_files(str(zip_path))
            page.get_by_role("button", name="Send").click()
            assert page.locator("table.receipt tr.duplicate").count() == 20
            assert page.locator("table.receipt tr.accepted").count() == 0
            page.screenshot(path=str(ARTIFACTS / "e2e-1c-duplicates.png"), full_page=True)
            page.get_by_role("link", name="Open the batch in the queue").click()
            page.wait_for_url("**/queue?batch=*")

            seen = []
            deadline = time.time() + 120
            while time.time() < deadline:
                page.reload()
                text = page.locator("#progress-text")
                done, total = int(text.get_attribute("data-done")), int(text.get_attribute("data-total"))
                seen.append(done)
                if done == total == 20:
                    break
                time.sleep(0.5)
            assert seen[-1] == 20, f"queue stuck at {seen[-1]}"
            assert seen == sorted(seen)  # it only ever fills
            rows = page.locator("table.queue tbody tr")
            assert rows.count() == 20
            # Track and format were declared on the form; the episode count was not (it is detected),
            # except for the GBK member's, set in the per-file table.
            assert rows.locator("td.c-track .detected").count() == 0
            assert rows.locator("td.c-episodes .detected").count() == 19
            page.screenshot(path=str(ARTIFACTS / "e2e-2-queue.png"), full_page=True)

            if app.state.catalog_dir is not None:  # open a script the catalog already holds
                known = app.state.known_titles
                links = rows.locator("a")
                first = next(links.nth(i) for i in range(links.count()) if links.nth(i).inner_text() in known)
            else:
                first = rows.first.locator("a")
            title = first.inner_text()
            first.click()
            page.wait_for_url("**/submissions/*")
            assert page.locator("h1").inner_text() == title
            # The analysis report is part of the page (no frame), its charts included.
            assert page.locator("iframe").count() == 0
            assert page.locator("#report .kpis").count() == 1 and page.locator("#report svg").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "e2e-3-page.png"), full_page=True)
            page.locator("#report").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "e2e-3-report.png"))
            scores_shown = [float(x) for x in page.locator("article.similar h3 .num").all_inner_texts()]
            assert all(x >= app.state.desk.similar_threshold for x in scores_shown)  # none under the threshold
            if app.state.catalog_dir is not None:  # a script already in the catalog: its twin, side by side
                assert page.locator("article.similar").count() >= 1
                assert page.locator(".side-by-side mark").count() >= 2
                page.locator("article.similar").first.scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / "e2e-3-similar.png"))
                # The similar work's own page: shared passages, this script's lines beside the work's.
                page.locator("a.similar-link").first.click()
                page.wait_for_url("**/similar?work=*")
                assert page.locator("section.pair").count() >= 1
                assert page.locator("section.pair .ours li").count() >= 1 and page.locator("section.pair .theirs li").count() >= 1
                page.screenshot(path=str(ARTIFACTS / "e2e-3b-similar-work.png"), full_page=True)
                page.locator("section.pair .ours a.line-link").first.click()
                page.wait_for_url("**/script#L*")
                line_id = page.url.rsplit("#", 1)[1]
                assert page.locator(f"li#{line_id}").is_visible()
                page.screenshot(path=str(ARTIFACTS / "e2e-3c-reader-from-similar.png"))
                page.go_back()
                page.go_back()
                page.wait_for_url("**/submissions/*")

            page.get_by_label("Status", exact=True).select_option("signed")
            page.get_by_label("Note", exact=True).fill("开篇钩子强，签。")
            page.get_by_role("button", name="Decide", exact=True).click()
            page.wait_for_url("**/submissions/*")
            assert page.locator("#status").inner_text() == "signed"
            assert "applied" in page.locator("table.audit").inner_text()
            page.screenshot(path=str(ARTIFACTS / "e2e-4-signed.png"), full_page=True)
            script_page = page.url

            # The script reader: an evidence line, else the reader's contents, lands on a highlighted line.
            if page.locator("a.line-link").count():
                page.locator("a.line-link").first.click()
            else:
                page.locator("#read-script").click()
                page.locator(".reader-toc a").first.click()
            page.wait_for_url("**/script#L*")
            target = page.url.rsplit("#", 1)[1]
            assert page.locator(f"li#{target}").is_visible()
            assert page.locator(".reader-toc li").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "e2e-8-reader.png"))

            # Coverage in English, then in Chinese, and as a Word file.
            page.goto(script_page)
            page.locator("#coverage-link").click()
            page.wait_for_url("**/coverage")
            assert "Logline" in page.locator("main").inner_text() and page.locator("#synopsis li").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "e2e-9-coverage-en.png"), full_page=True)
            page.get_by_role("link", name="中文").click()
            page.wait_for_url("**/coverage")
            assert "一句话梗概" in page.locator("main").inner_text()
            page.screenshot(path=str(ARTIFACTS / "e2e-9-coverage-zh.png"), full_page=True)
            with page.expect_download() as info:
                page.locator("#coverage-docx").click()
            assert Path(info.value.path()).read_bytes()[:2] == b"PK"
            page.get_by_role("link", name="EN").click()

            # Assign to me, then take the next script to read.
            page.goto(script_page)
            page.get_by_role("button", name="Assign to me").click()
            assert page.locator("dd#assignee").inner_text() == "editor"
            assert "assign" in page.locator("table.audit").inner_text()
            page.get_by_role("link", name="Queue").click()
            page.locator("#next-script").click()
            page.wait_for_url("**/submissions/*")
            first_next = page.url
            next_title = page.locator("h1").inner_text()
            # Its read is due on a day already past: overdue here and in the queue; hand it to a colleague.
            page.locator("#due-date").fill("2020-01-15")
            page.locator("#set-due").click()
            assert "overdue" in page.locator("dd#due").inner_text()
            page.locator("select#assign-to").select_option("reader2")
            page.locator("#assign").click()
            assert page.locator("dd#assignee").inner_text() == "reader2"
            page.screenshot(path=str(ARTIFACTS / "e2e-9b-due-assigned.png"), full_page=True)
            page.goto(f"{base}/queue?sort=due&direction=asc")
            first_row = page.locator("table.queue tbody tr").first
            assert first_row.locator("a").first.inner_text() == next_title
            assert first_row.locator(".overdue-tag").count() == 1 and first_row.locator("td.c-assignee").inner_text() == "reader2"
            page.screenshot(path=str(ARTIFACTS / "e2e-9c-queue-by-due.png"), full_page=True)
            # Decide it with a note template and go straight to the next script.
            page.goto(first_next)
            page.get_by_label("Status", exact=True).select_option("consider")
            page.locator("#decision-template").select_option(label="礼貌退稿")
            page.get_by_role("button", name="Decide and open the next script").click()
            page.wait_for_url("**/submissions/*")
            assert page.url != first_next
            page.screenshot(path=str(ARTIFACTS / "e2e-10-next.png"), full_page=True)
            page.goto(first_next)
            assert "感谢投稿，本组暂不采用。" in page.locator("#notes-h + ul").inner_text()  # the template's note

            # Bulk: two scripts still new, passed in one go.
            page.get_by_role("link", name="Queue").click()
            fresh = page.locator("table.queue tbody tr", has=page.locator(".status-new"))
            fresh.nth(0).locator("input[type=checkbox]").check()
            fresh.nth(1).locator("input[type=checkbox]").check()
            page.locator("#bulk-status").select_option("passed")
            page.locator("#bulk-template").select_option(label="礼貌退稿")
            page.locator("#bulk-apply").click()
            assert "2 decided" in page.locator("#bulk-result").inner_text()
            page.screenshot(path=str(ARTIFACTS / "e2e-11-bulk.png"), full_page=True)

            page.get_by_role("link", name="Queue").click()
            with page.expect_download() as info:
                page.get_by_role("link", name="Export CSV").click()
            data = Path(info.value.path()).read_bytes().decode("utf-8-sig")
            table = list(csv.DictReader(io.StringIO(data)))
            assert len(table) == 20 and [r["title"] for r in table if r["status"] == "signed"] == [title]
            assert sum(r["status"] == "passed" for r in table) == 2
            (ARTIFACTS / "e2e-export.csv").write_text(data, encoding="utf-8")

            page.get_by_role("link", name="Saturation").click()
            assert "urban" in page.locator("#desk-supply").inner_text()  # 都市, in the page's language (one track vocabulary)
            if app.state.catalog_dir is not None:  # the catalog's supply-vs-plays chart, per track and trope
                assert page.locator("figure.chart svg.growth").count() == 2
                assert page.locator("#chart-track rect.bar-supply").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "e2e-6-saturation.png"), full_page=True)
            page.get_by_role("link", name="Catalog").click()
            page.screenshot(path=str(ARTIFACTS / "e2e-7-catalog.png"))
            total = int(re.match(r"\d+", page.locator("#catalog-total").inner_text()).group(0))
            if app.state.catalog_dir is not None:  # search the catalog for one known title
                known_title = sorted(app.state.known_titles)[0]
                page.locator("#catalog-q").fill(known_title)
                page.locator("#catalog-search").click()
                found = page.locator("table.catalog tbody tr")
                assert 1 <= found.count() < total and known_title in found.first.inner_text()
                page.screenshot(path=str(ARTIFACTS / "e2e-7b-catalog-search.png"))
            page.get_by_role("link", name="Queue").click()
            page.get_by_role("link", name="中文").click()
            assert page.locator("h1").inner_text() == "待审队列"
            page.screenshot(path=str(ARTIFACTS / "e2e-5-zh.png"))
            page.get_by_role("button", name="退出").click()
            page.wait_for_url("**/login")
            page.goto(f"{base}/queue")
            assert page.url.endswith("/login")  # the session is gone

            # An admin changes the weights: every score is recombined and the queue's order follows.
            page.goto(f"{base}/lang/en?next=/login")
            page.get_by_label("User name").fill("chief")
            page.get_by_label("Password").fill("chief-pass-22")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/queue")
            before = page.locator("table.queue tbody tr td:nth-child(3)").all_inner_texts()
            page.get_by_role("link", name="Settings").click()
            page.locator("#tpl-desk").select_option("都市")
            page.locator("#tpl-name").fill("请补后续剧集")
            page.locator("#tpl-text").fill("前三集不错，请补第4-10集。")
            page.locator("#add-template").click()
            assert page.locator("table.templates tbody tr").count() == 2
            page.screenshot(path=str(ARTIFACTS / "e2e-12a-templates.png"), full_page=True)
            page.get_by_label("Originality").fill("0")
            page.get_by_label("Craft").fill("0")
            page.get_by_label("Risk").fill("1")
            page.get_by_role("button", name="Save").click()
            page.get_by_role("link", name="Queue").click()
            after = page.locator("table.queue tbody tr td:nth-child(3)").all_inner_texts()
            assert before != after  # same scripts, new order
            page.screenshot(path=str(ARTIFACTS / "e2e-12-reweighted.png"), full_page=True)
            assert errors == [], errors
