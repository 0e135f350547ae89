"""The IP section in a real headless Chromium (Debian's) against a live uvicorn server: upload a
novel, re-plan with 4 episodes over all chapters, see the plan, download its JSON; no console
error (the plan page's CSP, the sandboxed frame)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from adaptation_fixtures import ZH_TURNS, zh_novel
from browser_support import CHROMIUM, chromium_page, live_server

from dramalens.triage.auth import add_user


pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
playwright_sync = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def server(tmp_path):
    from dramalens.web.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'ip.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "editor", "editor-pass-1", desk="都市")
    with live_server(app) as base:
        yield base


def test_ip_flow_in_chromium(server, tmp_path):
    novel = tmp_path / "晚霞.txt"
    novel.write_text(zh_novel(), encoding="gb18030")
    with playwright_sync.sync_playwright() as p:
        with chromium_page(p, viewport={"width": 1280, "height": 900}, accept_downloads=True) as (page, errors):
            page.goto(f"{server}/login")
            page.get_by_label("User name").fill("editor")
            page.get_by_label("Password").fill("editor-pass-1")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/queue")
            page.get_by_role("link", name="IP adaptation").click()
            page.get_by_label("Novel (.txt or .epub)").set_input_files(str(novel))
            page.get_by_role("button", name="Send").click()
            page.wait_for_url("**/ip/*")
            page.get_by_label("Episodes", exact=True).fill("4")
            page.get_by_label("Span (auto, all or 1-40)").fill("all")
            page.get_by_role("button", name="Plan").click()
            page.wait_for_url("**episodes=4**")
            frame = page.frame_locator("iframe")
            assert frame.locator("h1").inner_text() == "晚霞"
            assert frame.locator("#episodes tbody tr").count() == 4
            assert frame.locator("#map h2").inner_text() == "Book to episodes"  # the reader's UI language, not the novel's
            with page.expect_download() as info:
                page.locator("#download-json").click()
            data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
            assert [e["to"]["chapter"] for e in data["episodes"]][:3] == list(ZH_TURNS)
            assert errors == []
