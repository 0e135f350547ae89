"""Drafting through an OpenAI-compatible endpoint: a tiny stub server on 127.0.0.1 started by the
test (nothing outside the machine is contacted), and the drafted script measured beside its plan."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from adaptation_fixtures import zh_novel

from dramalens.adaptation import adapt
from dramalens.adaptation.draft import draft_plan
from dramalens.errors import ConfigError
from dramalens.parsing.novel import read_novel
from dramalens.settings import Settings


class _Stub(BaseHTTPRequestHandler):
    seen: list[dict[str, object]] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        n = re.search(r"第(\d+)集", body["messages"][1]["content"]).group(1)
        script = f"第{n}集\n{n}-1 夜 内 书房\n人物：林晚\n△林晚推门而入。\n林晚：原来你竟然是凶手？\n【卡点】"
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": script}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_draft_through_a_local_stub(endpoint):
    plan = adapt(read_novel(zh_novel()), episodes=4, span="all")
    _Stub.seen.clear()
    result = draft_plan(plan, Settings(llm_url=endpoint, llm_model="stub", llm_api_key="k" * 20))
    assert len(_Stub.seen) == 4 and _Stub.seen[0]["path"] == "/v1/chat/completions"
    assert _Stub.seen[0]["auth"] == "Bearer " + "k" * 20 and _Stub.seen[0]["body"]["model"] == "stub"
    assert "凶手" in _Stub.seen[0]["body"]["messages"][1]["content"]  # the beats went out
    assert result.parsed_episodes == 4 and all(e.drafted_strength is not None for e in result.episodes)
    assert result.mean_drafted_strength >= 0.5  # each stub episode ends on a reveal and a 【卡点】


def test_draft_without_an_endpoint_is_a_config_error():
    plan = adapt(read_novel(zh_novel()), episodes=2, span="all")
    with pytest.raises(ConfigError, match="LLM endpoint"):
        draft_plan(plan, Settings())


def test_cli_draft(endpoint, tmp_path, monkeypatch, capsys):
    from dramalens.cli import main

    novel = tmp_path / "n.txt"
    novel.write_text(zh_novel(), encoding="utf-8")
    monkeypatch.setenv("DRAMALENS_LLM_URL", endpoint)
    out = tmp_path / "draft.txt"
    assert main(["adapt", str(novel), "--episodes", "3", "--span", "all", "--draft", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("集") >= 3
    assert "ending strength drafted" in capsys.readouterr().err
