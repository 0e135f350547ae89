"""Shared pieces of the Chromium tests: Debian's browser launched headless with the network
extras off, a page whose console errors are collected, and the web app served by uvicorn on a
free loopback port (the way ``serve`` runs it)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
#: No sandbox (root in a container), no GPU, nothing fetched behind the test's back.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@contextmanager
def chromium_page(playwright: Any, **page_options: Any) -> Iterator[tuple[Any, list[str]]]:
    """A new page in headless Chromium and the list its console errors and page errors go to
    (each prefixed with the page's URL); the browser is closed on exit."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(**page_options)
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        yield page, errors
    finally:
        browser.close()


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """``app`` served on a free 127.0.0.1 port in a thread; yields its base URL."""
    import uvicorn

    from dramalens.web.app import server_config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(server_config(app, "127.0.0.1", port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
