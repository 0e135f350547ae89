"""The catalog's questions (catalog/queries.py, catalog/saturation.py)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens.catalog import (Catalog, compare, dedupe, import_paths, novelty_of_script, saturation, similar_to_script, similar_to_text,
                               similar_to_work)
from dramalens.errors import ConfigError, NotFoundError
from dramalens.parsing import parse, parse_text

_SUBJ = ["她", "他", "那个人", "管家", "母亲", "大少爷", "秘书", "医生"]
_VERB = ["悄悄藏起了", "当众撕碎了", "连夜送走了", "偷偷看过了", "终于找到了", "亲手烧掉了", "反复翻看着", "冷冷推开了"]
_OBJ = ["那份合同", "旧照片", "母亲的遗书", "一枚戒指", "带血的手帕", "录音笔", "亲子鉴定", "钥匙"]
_TAIL = ["，谁也没有说话。", "，窗外的雨越下越大。", "，手指微微发抖。", "，眼底闪过一丝慌乱。", "，转身离开。", "，所有人都愣住了。"]
_NAMES = ["林晚", "顾深", "苏晴", "沈砚", "江念", "陆衍", "叶知秋", "秦昭", "温言", "许嘉"]
# Random filler between the stock parts, so two unrelated scripts never share a long run.
_POOL = "春夏秋冬东南西北金木水火土山石田禾米竹花鸟鱼虫云雨雪霜风雷电光影声色香味甜酸苦辣"


def _filler(rng: random.Random) -> str:
    return "".join(rng.choices(_POOL, k=2))


def _script(rng: random.Random, names: tuple[str, str], episodes: int = 4) -> list[str]:
    lines = []
    for ep in range(1, episodes + 1):
        lines += [f"第{ep}集", f"{ep}-1 日 内 客厅", f"人物：{names[0]}、{names[1]}"]
        for _ in range(8):
            who = rng.choice(names)
            parts = (rng.choice(_SUBJ), rng.choice(_VERB), rng.choice(_OBJ), rng.choice(_TAIL))
            sentence = _filler(rng) + "".join(p + _filler(rng) for p in parts[:3]) + parts[3]
            lines.append(f"△{who}{sentence}" if rng.random() < 0.5 else f"{who}：{sentence}")
    return lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    rng = random.Random(7)
    scripts = {}
    for i in range(12):
        names = tuple(rng.sample(_NAMES, 2))
        scripts[f"w{i:02d}"] = (_script(rng, names), names)
    # w12 copies 40% of w00's lines (whole episodes) under new names.
    src_lines, src_names = scripts["w00"]
    new_names = ("白露", "程野")
    copied = "\n".join(src_lines[: int(len(src_lines) * 0.4)])
    for old, new in zip(src_names, new_names):
        copied = copied.replace(old, new)
    own = _script(rng, new_names, episodes=3)
    scripts["w12"] = (copied.split("\n") + own, new_names)
    for wid, (lines, _names) in scripts.items():
        (root / f"{wid}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cat = Catalog(f"sqlite:///{root / 'cat.sqlite'}")
    report = import_paths(cat, [root])
    assert report.errors == []
    return cat, root


def test_similar_finds_the_near_copy_with_passages_in_both_works(corpus):
    cat, _ = corpus
    top = similar_to_work(cat, "w12", k=3)
    assert top[0].work_id == "w00"
    best = top[0]
    assert best.scores.passages > 0.2 and best.score > top[1].score
    assert best.shared_passages
    src = cat.get("w00").text.split("\n")
    copy = cat.get("w12").text.split("\n")
    p = best.shared_passages[0]
    # Line numbers point at the same sentence in both files (names differ, text does not).
    a_line = copy[p.lines_a[0] - 1]
    b_line = src[p.lines_b[0] - 1]
    assert a_line.split("：")[-1][-6:] == b_line.split("：")[-1][-6:]
    assert all(m.work_id != "w12" for m in top)


def test_similar_accepts_a_file_and_text(corpus):
    cat, root = corpus
    by_file = similar_to_script(cat, parse(root / "w12.txt"), k=2)
    assert by_file[0].work_id in ("w12", "w00")
    by_text = similar_to_script(cat, parse_text((root / "w00.txt").read_text(encoding="utf-8")), k=1)
    assert by_text[0].work_id == "w00" and by_text[0].scores.minhash == 1.0
    as_prose = similar_to_text(cat, "\n".join(cat.get("w00").text.split("\n")[:20]), k=1)
    assert as_prose[0].work_id == "w00" and as_prose[0].scores.passages > 0


def test_similar_validates(corpus):
    cat, _ = corpus
    with pytest.raises(ConfigError, match="k must"):
        similar_to_work(cat, "w00", k=0)
    with pytest.raises(NotFoundError):
        similar_to_work(cat, "no-such-work")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_compare_is_symmetric_and_identity_is_one(corpus, seed_a, seed_b):
    cat, _ = corpus
    a = parse_text("\n".join(_script(random.Random(seed_a), ("林晚", "顾深"), episodes=1)))
    b = parse_text("\n".join(_script(random.Random(seed_b), ("苏晴", "沈砚"), episodes=1)))
    ab, ba = compare(cat, a, b), compare(cat, b, a)
    assert ab.score == ba.score and ab.scores == ba.scores
    assert 0.0 <= ab.score <= 1.0
    assert compare(cat, a, a).score == 1.0


def test_novelty_parts_and_percentile(corpus):
    cat, root = corpus
    copy = novelty_of_script(cat, parse(root / "w00.txt"))
    fresh = novelty_of_script(cat, parse_text("\n".join(["第1集", "△宇航员在火星基地种出了第一颗土豆，全人类都在直播间里欢呼。", "老张：这颗土豆要拿去拍卖，收益全部捐给地球上的孤儿院。"])))
    assert 0.0 <= copy.score < fresh.score <= 1.0
    assert copy.parts["text"].novelty == 0.0 and copy.parts["text"].closest == "w00"
    assert 0.0 <= copy.percentile <= fresh.percentile <= 100.0
    assert set(fresh.to_dict()) == {"score", "parts", "percentile", "nearest"}


def test_dedupe_clusters_the_copy(corpus):
    cat, _ = corpus
    result = dedupe(cat, 0.1, measure="passages")
    assert any(set(c.ids) == {"w00", "w12"} for c in result.clusters)
    assert all(p[3] >= 0.1 for p in result.pairs)
    assert dedupe(cat, 0.99, measure="passages").clusters == ()
    with pytest.raises(ConfigError):
        dedupe(cat, 0)
    with pytest.raises(ConfigError, match="measure"):
        dedupe(cat, 0.5, measure="cosine")


# Saturation's labels are tested on their own fixture in tests/test_saturation.py.


def test_saturation_of_an_empty_catalog():
    assert saturation(Catalog("sqlite://")).rows == ()
