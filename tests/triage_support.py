"""Helpers shared by the script-desk tests (not a test module itself).

``fake_pipeline_for_tests`` is a TEST DOUBLE of dramalens.triage.pipeline.analyse_submission:
it lets queue/worker tests control timing and failures. Tests that claim the real flow use
the real pipeline (``REAL_PIPELINE``).
"""

from __future__ import annotations

import random
import re

import pytest

from dramalens.db import make_engine
from dramalens.triage.models import init_db
from dramalens.triage.pipeline import analyse_submission
from dramalens.triage.result import TriageResult
from dramalens.triage.scoring import Evidence, Score
from support import make_zip  # noqa: F401  (one zip helper for all tests; imported from here by the triage tests)

REAL_PIPELINE = analyse_submission

_NAMES = ["林晚", "顾城", "苏婉", "陈默", "沈知意", "陆景深", "周慕白", "唐糖"]
_PLACES = ["客厅", "公司大堂", "医院走廊", "天台", "宴会厅", "老宅书房"]
_LINES = ["你终于来了？", "这份合同，你签还是不签？", "三年前的事，我都知道了。", "别碰她！", "原来是你！",
          "我不会再让你伤害任何人。", "这件事，我要亲手查清楚。", "你以为我还是从前的我吗？"]
_ACTIONS = ["推门而入。", "将文件摔在桌上。", "握紧了拳头。", "转身离开，又停下。", "拨通了一个电话。"]
_ENDINGS = ["门外突然传来一声巨响！", "她手里的照片，竟然是他的母亲！", "一把刀抵住了她的后背。"]


def make_script(seed: int, episodes: int = 3, *, title: str | None = None) -> str:
    """A small Chinese micro-drama script in the industry's plain-text conventions."""
    rng = random.Random(seed)
    out = [f"《{title or f'测试剧{seed}'}》", ""]
    for ep in range(1, episodes + 1):
        out.append(f"第{ep}集")
        for sc in range(1, rng.randint(1, 3) + 1):
            a, b = rng.sample(_NAMES, 2)
            out += [f"{ep}-{sc} {rng.choice(['日', '夜'])} {rng.choice(['内', '外'])} {rng.choice(_PLACES)}",
                    f"人物：{a}、{b}", f"△{a}{rng.choice(_ACTIONS)}"]
            for _ in range(rng.randint(4, 9)):
                speaker = rng.choice([a, b])
                out.append(f"{speaker}：{rng.choice(_LINES)}{rng.choice(_LINES)}")
            out.append(f"△{rng.choice(_ACTIONS)}")
        if rng.random() < 0.7:
            out += [f"△{rng.choice(_ENDINGS)}", "【卡点】"]
        out.append("")
    return "\n".join(out)


def fake_pipeline_for_tests(sub, *, weights, catalog=None) -> TriageResult:
    """TEST DOUBLE: a deterministic 'analysis' (score from the bytes) without parsing anything."""
    total = float(sum(sub.content) % 1000) / 10.0
    evidence = (Evidence("craft", f"fake score of {sub.filename}"),)
    return TriageResult(Score(total, None, total, 0.0, weights, evidence), report_html=f"<p>report {sub.id}</p>",
                        language="zh", tropes=("复仇",) if sub.id % 2 else ("契约婚姻",))


def new_engine(tmp_path, name: str = "desk.sqlite"):
    return init_db(make_engine(f"sqlite:///{tmp_path / name}"))


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def login(client, name: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(page.text)},
                       follow_redirects=False)


@pytest.fixture
def fast_hash(monkeypatch):
    """Cheap argon2 parameters: tests create many users; production keeps the library defaults."""
    from argon2 import PasswordHasher

    from dramalens.triage import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
