"""The embedder's Chinese features: character unigrams and bigrams without function characters
(catalog/embed.py, ZH_FEATURES 1), and stored embedders keeping the features they were fitted with.

The fixture is written for this test: four small tales, each told twice, once tersely in a
classical register and once in modern vernacular, beside modern synopses of unrelated stories.
Function characters (的 了 他 是 在 …) fill every modern text and no classical one, so with them in
the features a modern telling looks like the other modern texts before its own story.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from dramalens.catalog.embed import ZH_FEATURES, ZH_FUNCTION_CHARS, HashedTfidfEmbedder, load_embedder

TALES = [
    ("渔者张三，得金鲤于江，鲤作人言，求放之。张三怜而纵之。明年江水大溢，金鲤负其舟，一村皆免。",
     "有个叫张三的渔夫，在江里捕到一条金色的鲤鱼，鲤鱼竟然开口说话，求他把它放了。张三可怜它，就把它放回江里。第二年江水泛滥，金鲤驮着他的船，全村的人都得救了。"),
    ("书生李某，寓古寺读书。夜有女子至，自言狐也，为之磨墨。李遂登第，女辞去，不知所终。",
     "有一个姓李的书生，住在一座古庙里读书。一天夜里，有个女子来找他，说自己是狐狸变的，每晚替他磨墨。后来李书生考中了，那女子就告辞离开了，谁也不知道她去了哪里。"),
    ("铁匠王五铸一剑，夜辄鸣。县令夺之，置于库中。三日，剑破库飞还王五家。",
     "铁匠王五打造了一把宝剑，这把剑一到夜里就会鸣叫。县令把剑抢走了，放进库房里。过了三天，宝剑冲破库房，飞回了王五的家。"),
    ("老妪种梨于门前。有僧乞梨，妪与之。僧去，梨树尽结金实。",
     "一位老婆婆在家门前种了一棵梨树。有个和尚向她讨梨吃，老婆婆就给了他。和尚走后，梨树上结的全是金子做的果子。"),
]
MODERN_OTHERS = [
    "他在公司里被她的前男友陷害了，他就把这件事告诉了她，她却不相信他。",
    "她的母亲是一个好人，他们都在这里等着她回来，可是她再也没有回来。",
    "重生回到十八岁，她发誓要让那个骗了她的人付出代价，她就从这一天开始了。",
    "他是一个被赶出家门的少爷，他在外面吃了很多苦，后来他成了全城的首富。",
]
TEXTS = [t for pair in TALES for t in pair] + MODERN_OTHERS


def _nearest_partner_hits(zh_features: int) -> int:
    """How many modern tellings have their own classical telling as nearest other text. Three
    dimensions for twelve texts: the SVD must choose between story and register, as 128 must
    for a catalog of thousands."""
    e = HashedTfidfEmbedder(dim=3, zh_features=zh_features).fit(TEXTS, ["zh"] * len(TEXTS))
    v = e.embed(TEXTS, ["zh"] * len(TEXTS))
    sims = v @ v.T
    np.fill_diagonal(sims, -np.inf)
    return sum(int(np.argmax(sims[2 * k + 1])) == 2 * k for k in range(len(TALES)))


def test_a_modern_telling_finds_its_classical_telling_before_other_modern_texts():
    assert _nearest_partner_hits(ZH_FEATURES) == len(TALES)


def test_with_function_characters_in_the_features_the_register_wins():
    # the same check with the features stored embedders had before (bigrams, function
    # characters included): shows the fixture tells the two apart
    assert _nearest_partner_hits(0) < len(TALES)


def test_a_text_of_function_characters_only_has_no_features():
    e = HashedTfidfEmbedder(dim=4).fit(TEXTS, ["zh"] * len(TEXTS))
    assert not np.any(e.embed([ZH_FUNCTION_CHARS[:12]], ["zh"]))
    assert np.any(e.embed(["剑"], ["zh"]))  # one content character is a feature on its own


@pytest.mark.parametrize("zh_features", [0, 1])
def test_a_stored_embedder_keeps_the_features_it_was_fitted_with(zh_features):
    e = HashedTfidfEmbedder(dim=4, zh_features=zh_features).fit(TEXTS, ["zh"] * len(TEXTS))
    again = load_embedder("hashed-tfidf", e.to_bytes())
    assert again.zh_features == zh_features  # type: ignore[attr-defined]
    assert np.allclose(again.embed(TEXTS, ["zh"] * len(TEXTS)), e.embed(TEXTS, ["zh"] * len(TEXTS)))


def test_an_embedder_stored_before_the_version_existed_loads_as_bigrams_only():
    e = HashedTfidfEmbedder(dim=4, zh_features=0).fit(TEXTS, ["zh"] * len(TEXTS))
    buf = io.BytesIO()
    np.savez(buf, idf=e.idf, components=e.components, config=np.array([e.dim, e.buckets, e.max_chars, e.seed, 0], np.int64),
             floats=np.array([e.k1, e.b, e.avg_len], np.float64))
    old = load_embedder("hashed-tfidf", buf.getvalue())
    assert old.zh_features == 0  # type: ignore[attr-defined]
    assert np.allclose(old.embed(TEXTS, ["zh"] * len(TEXTS)), e.embed(TEXTS, ["zh"] * len(TEXTS)))
