"""Real-data evaluation of the catalog against the baselines a data scientist would write first.

    python benchmarks/eval_catalog.py retrieval DIR --set storyemb|tellmeagain|narrativetwins|pairs.csv [--limit N]
    python benchmarks/eval_catalog.py tags CSV --text-col special_desc --tags-col tags [--title-col book_title]
    python benchmarks/eval_catalog.py import-check CSV
    python benchmarks/eval_catalog.py all ROOT [--md RESULTS.md]   # every set found under ROOT

The data is fetched by hand (see docs/catalog.md, "Real-data evaluation") and never committed.

``retrieval``: every document whose story has at least one other telling is a query; the other
tellings are the relevant documents; everything else in the set is a distractor. Reported per
method: hit@1, hit@5 and MRR, with ties broken at random and the *expected* value reported
(a score that gives many documents the same value earns no credit for it), and the share of
queries whose best relevant document is tied with a distractor. Methods, on the same queries in
the same run: TF-IDF cosine (scikit-learn, word 1-2-grams with sublinear tf; character 1-2-grams
for Chinese), the combined score of the catalog's ``similar_to_work`` (``similar`` in older
versions), and each per-fingerprint score it reports (whatever fields ``Match.scores`` has),
ranked on its own.

Each retrieval section ends with the combination's margins over its best single signal and over
the TF-IDF baseline, per measure, with 95% paired bootstrap intervals over the queries.

``all`` then cross-validates the two parameters of the catalog's topic fusion (the lexical share
and the standout power, :mod:`dramalens.catalog.fusion`) leave-one-source-out over the retrieval
sets it ran: for each source, the pair chosen on the other sources (smallest shortfall below the
best single signal, then the mean of hit@1, hit@5 and MRR), scored on the held-out one, beside
the best single signal (``fusion_cv``); and shows the fusion's strongest-evidence guard at depths
0 (off), 1, 2, 3, 5 on every set beside the TF-IDF hit@5, with the depth the other sources would
choose for each held-out one (``guard_cv``).

``tags``: platform tags are mapped to trope ids (benchmarks/catalog_tag_map.toml); micro/macro F1
and per-trope precision/recall of dramalens' tagger (text only, the platform tags are withheld),
of finding the mapped tag words in the text, of dramalens' per-catalog learned tagger
(``dramalens.catalog.tagger_train.out_of_fold``: what ``catalog tagger train`` would learn from
the training folds, the vocabulary for the tropes it leaves alone) and of TF-IDF + one-vs-rest
logistic regression (thresholds p ≥ 0.5 and prior-matched, see _cv_logreg); the last two on the
same k folds (``--folds``, ``--seed``), with the micro-F1 margin between them.

``import-check``: imports the export as it is, then once more with the platform's column names
renamed to the catalog's, then its text alone (id, title, synopsis), and reports rows accepted
and refused (grouped reasons) and what the accepted rows lost or got wrong (markup kept, zero
episodes, language, dates, plays).

Runs in one process on one core (no pools): the whole ``all`` run over the sets listed in
docs/catalog.md takes about two minutes on the 2-core development machine (most of it the ROCStories
sets and the fusion grid); ``--limit`` caps it.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import sys
import tempfile
import time
import tomllib
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
KS = (1, 5)
METRICS = ("hit@1", "hit@5", "MRR")
LR_C = 1.0  # logistic regression inverse regularisation (set by --lr-c)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z]")
_MARKUP = re.compile(r"<[A-Za-z/][^>]{0,80}>|&[a-z]{2,8};|&#\d+;|^\s*#{1,6}\s", re.M)


@dataclass
class Doc:
    id: str
    group: str | None  # None: a distractor, never a query
    text: str
    title: str = ""
    lang: str = ""  # zh / en / ja …; detected from the text when the set does not say


def script_of(text: str) -> str:
    """A rough writing-system label (zh, ja, ko, or en for Latin script), for reporting only."""
    sample = text[:4000]
    if _KANA.search(sample):
        return "ja"
    if len(_HANGUL.findall(sample)) > 5:
        return "ko"
    han = len(_HAN.findall(sample))
    return "zh" if han >= 5 and han > len(_LATIN.findall(sample)) / 4 else "en"


# ------------------------------------------------------------------------------------ sets
def load_storyemb(root: Path, limit: int | None) -> list[Doc]:
    """StoryEmb's retellings (uhh-lt/story-emb data/retellings/movieRemakesManuallyCleaned.tsv):
    a line is a cluster id followed by (id, title, plot summary) triples; lines repeat."""
    path = next(iter(sorted(root.rglob("movieRemakesManuallyCleaned.tsv"))), None)
    if path is None:
        sys.exit(f"no movieRemakesManuallyCleaned.tsv under {root}")
    docs: dict[str, Doc] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cluster, *fields = line.split("\t")
        for i in range(0, len(fields) - 2, 3):
            work_id, _title, text = (f.strip() for f in fields[i : i + 3])
            if work_id and text and work_id not in docs:
                docs[work_id] = Doc(work_id, f"c{cluster}", text)
    return _cap_groups(list(docs.values()), limit)


def load_narrativetwins(root: Path, limit: int | None, per_story: int = 1, story: bool = True) -> list[Doc]:
    """NarrativeTwins' ROCStories split (igorsterner/NarrativeTwins data/rocstories/split/
    {val,test}_summaries.json): each five-sentence story with ``per_story`` of its human summaries
    (``story=False``: the summaries only, so a summary must find another person's summary)."""
    docs: list[Doc] = []
    for name in ("val_summaries.json", "test_summaries.json"):
        path = next(iter(sorted(root.rglob(name))), None)
        if path is None:
            continue
        for key, item in json.loads(path.read_text(encoding="utf-8")).items():
            if story:
                docs.append(Doc(f"{key}:story", key, " ".join(item["story"])))
            for j, summary in enumerate(item.get("summary", [])[:per_story]):
                docs.append(Doc(f"{key}:sum{j}", key, summary))
    if not docs:
        sys.exit(f"no val_summaries.json / test_summaries.json under {root}")
    return _cap_groups(docs, limit)


def load_tellmeagain(root: Path, limit: int | None) -> list[Doc]:
    """Tell Me Again! (uhh-lt/tell-me-again; the tell_me_again_v1.zip its package downloads):
    summaries/*/<wikidata id>.json with ``summaries`` {lang: text} and ``en_translated_summaries``
    {lang: {text}}. Per story: the English summary and the English translations of the others."""
    stories: list[tuple[str, dict]] = []
    zips = sorted(root.rglob("*.zip"))
    if zips:
        with zipfile.ZipFile(zips[0]) as zf:
            names = sorted(n for n in zf.namelist() if n.startswith("summaries/") and n.endswith(".json"))
            for n in names[: (limit or 400) * 3]:  # read a bounded slice; stories without 2 tellings drop out
                stories.append((Path(n).stem, json.loads(zf.read(n))))
    else:
        for p in sorted(root.rglob("summaries/*/*.json"))[: (limit or 400) * 3]:
            stories.append((p.stem, json.loads(p.read_text(encoding="utf-8"))))
    docs: list[Doc] = []
    for key, data in stories:
        texts = []
        if (data.get("summaries") or {}).get("en"):
            texts.append(("en", data["summaries"]["en"]))
        for lang, item in sorted((data.get("en_translated_summaries") or {}).items()):
            if isinstance(item, dict) and item.get("text"):
                texts.append((lang, item["text"]))
        if len(texts) >= 2:
            docs.extend(Doc(f"{key}:{lang}", key, text) for lang, text in texts)
    if not docs:
        sys.exit(f"no Tell Me Again! summaries under {root} (expected tell_me_again_v1.zip or summaries/*/*.json)")
    return _cap_groups(docs, limit)


def load_pairs(path: Path, args) -> list[Doc]:
    """A judged set: CSV with ``group`` and either ``text`` (+ optional id, title, lang) or ``id``
    referring to --catalog CSV (whose other rows become distractors). Empty group: distractor."""
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    catalog: dict[str, dict] = {}
    if args.catalog:
        for r in csv.DictReader(Path(args.catalog).open(encoding="utf-8-sig", newline="")):
            catalog[r[args.id_col]] = r
    docs: list[Doc] = []
    seen = set()
    for i, r in enumerate(rows):
        wid = (r.get("id") or f"row{i}").strip()
        src = catalog.get(wid, {})
        text = r.get("text") or src.get(args.text_col, "")
        title = (r.get("title") or src.get(args.title_col, "")) if args.title_col else r.get("title", "")
        if not text and not title:
            print(f"{path.name}: row {i + 2} ({wid}) has no text and is not in the catalogue; left out", file=sys.stderr)
            continue
        docs.append(Doc(wid, (r.get("group") or "").strip() or None, text, title or "", (r.get("lang") or "").strip()))
        seen.add(wid)
    for wid, src in catalog.items():  # the rest of the catalogue: distractors
        if wid not in seen:
            text = src.get(args.text_col, "")
            title = src.get(args.title_col, "") if args.title_col else ""
            docs.append(Doc(wid, None, text, title))
    return _cap_groups(docs, args.limit)


def _cap_groups(docs: list[Doc], limit: int | None) -> list[Doc]:
    """Keep the first ``limit`` groups (in file order) and, proportionally, the distractors."""
    for d in docs:
        d.lang = d.lang or script_of(d.title + " " + d.text)
    if not limit:
        return docs
    order = list(dict.fromkeys(d.group for d in docs if d.group is not None))
    keep = set(order[:limit])
    grouped = [d for d in docs if d.group in keep]
    distractors = [d for d in docs if d.group is None]
    share = min(1.0, limit / max(len(order), 1))
    return grouped + distractors[: int(round(len(distractors) * share))]


# --------------------------------------------------------------------------------- methods
def tfidf_matrix(texts: list[str], langs: list[str]):
    """TF-IDF rows, L2-normalised: word 1-2-grams (sublinear tf) for English, character 1-2-grams
    for Chinese; a mixed set gets both, stacked and renormalised."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    parts = []
    if any(lang != "zh" for lang in langs):
        parts.append(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts))
    if any(lang == "zh" for lang in langs):
        parts.append(TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts))
    return normalize(hstack(parts).tocsr()) if len(parts) > 1 else parts[0]


def tfidf_scores(docs: list[Doc]) -> np.ndarray:
    x = tfidf_matrix([f"{d.title}\n{d.text}" if d.title else d.text for d in docs], [d.lang for d in docs])
    return (x @ x.T).toarray()


def _similar_function(cat):
    """The catalog's "works like this one" query, whichever name the API has today."""
    if hasattr(cat, "similar_to_work"):
        return lambda wid, k: cat.similar_to_work(wid, k=k)
    mod = importlib.import_module("dramalens.catalog")
    fn = getattr(mod, "similar_to_work", None) or getattr(mod, "similar")

    def call(wid, k):
        try:
            return fn(cat, wid, k=k, evidence=False)
        except TypeError:  # a version without the evidence switch
            return fn(cat, wid, k=k)

    return call


def _score_items(scores) -> list[tuple[str, float | None]]:
    """A Match's per-fingerprint scores as (name, value) pairs, whether a dict or a typed object."""
    if scores is None:
        return []
    if isinstance(scores, dict):
        return list(scores.items())
    if hasattr(scores, "to_dict"):
        return list(scores.to_dict().items())
    import dataclasses

    return list(dataclasses.asdict(scores).items()) if dataclasses.is_dataclass(scores) else list(vars(scores).items())


def _attr(rec, name: str, default=None):
    """A stored work's field, on the record itself or on its nested ``work``."""
    if rec is None:
        return default
    if hasattr(rec, name):
        return getattr(rec, name)
    work = getattr(rec, "work", None)
    return getattr(work, name, default) if work is not None else default


def dramalens_scores(docs: list[Doc], workdir: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Import the documents (id, title, synopsis, language; no tags) into a fresh catalog, ask it
    for every document's neighbours, and return one score matrix per method."""
    from dramalens.catalog import Catalog, import_paths

    meta = workdir / "works.jsonl"
    with meta.open("w", encoding="utf-8") as fh:
        for d in docs:
            lang = d.lang if d.lang in ("zh", "en") else None  # other languages: the importer decides
            fh.write(json.dumps({"id": d.id, "title": d.title, "synopsis": d.text, "language": lang}, ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    cat = Catalog(f"sqlite:///{workdir / 'catalog.sqlite'}")
    report = import_paths(cat, metadata=[meta])
    t_import = time.perf_counter() - t0
    pos = {d.id: i for i, d in enumerate(docs)}
    n = len(docs)
    mats: dict[str, np.ndarray] = {"dramalens combined": np.full((n, n), -np.inf)}
    similar = _similar_function(cat)
    t0 = time.perf_counter()
    for i, d in enumerate(docs):
        if d.group is None:
            continue
        for m in similar(d.id, n - 1):
            j = pos.get(m.work_id)
            if j is None:
                continue
            mats["dramalens combined"][i, j] = m.score
            for key, value in _score_items(m.scores):
                mat = mats.get(f"dramalens {key}")
                if mat is None:
                    mat = mats[f"dramalens {key}"] = np.full((n, n), -np.inf)
                mat[i, j] = -1.0 if value is None else float(value)  # absent fingerprint: below every score
    t_query = time.perf_counter() - t0
    info = {"import_s": round(t_import, 2), "query_s": round(t_query, 2), "imported": report.imported, "errors": [str(e) for e in report.errors][:10]}
    records = {}
    for d in docs:
        try:
            records[d.id] = cat.get(d.id)
        except Exception:  # refused at import
            records[d.id] = None
    info["records"] = records
    close = getattr(cat, "close", None)
    if close:
        close()
    return mats, info


# --------------------------------------------------------------------------------- metrics
def _expected_hit_and_rr(greater: int, ties: int, rel_tied: int, k_values=KS) -> tuple[dict, float]:
    """Expected hit@k and reciprocal rank of the first relevant document when ``greater``
    distractors score above the best relevant one and ``ties`` distractors tie with the
    ``rel_tied`` relevant documents at that score (ties broken uniformly at random)."""
    # at_least[x] = P(X >= x), X = tied distractors ranked before the first tied relevant one:
    # the first x places of the shuffled tied block are all distractors.
    at_least = [1.0]
    for x in range(1, ties + 2):
        at_least.append(at_least[-1] * max(ties - x + 1, 0) / (ties + rel_tied - x + 1))
    hits = {}
    for k in k_values:
        slack = k - 1 - greater  # how many tied distractors may still precede
        hits[k] = 0.0 if slack < 0 else 1.0 - at_least[min(slack + 1, ties + 1)]
    rr = sum((at_least[x] - at_least[x + 1]) / (1 + greater + x) for x in range(ties + 1))
    return hits, rr


def per_query(scores: np.ndarray, docs: list[Doc]) -> dict[str, np.ndarray]:
    """Expected hit@k and reciprocal rank per query (queries in document order), and whether the
    best relevant document was tied with a distractor."""
    members = defaultdict(list)
    for i, d in enumerate(docs):
        if d.group is not None:
            members[d.group].append(i)
    hit: dict[int, list[float]] = {k: [] for k in KS}
    rrs, tied = [], []
    for i, d in enumerate(docs):
        rel = [j for j in members.get(d.group, []) if j != i] if d.group is not None else []
        if not rel:
            continue
        row = scores[i]
        mask = np.ones(len(docs), bool)
        mask[i] = False
        mask[rel] = False
        best = float(np.max(row[rel]))
        others = row[mask]
        greater = int(np.count_nonzero(others > best))
        ties = int(np.count_nonzero(others == best))
        h, rr = _expected_hit_and_rr(greater, ties, int(np.count_nonzero(row[rel] == best)))
        for k in KS:
            hit[k].append(h[k])
        rrs.append(rr)
        tied.append(ties > 0)
    out = {f"hit@{k}": np.array(v, float) for k, v in hit.items()}
    out.update({"MRR": np.array(rrs, float), "tied": np.array(tied, bool)})
    return out


def evaluate(scores: np.ndarray, docs: list[Doc]) -> dict:
    pq = per_query(scores, docs)
    q = int(pq["MRR"].size)
    out = {m: round(float(pq[m].mean()), 3) if q else None for m in METRICS}
    out.update({"queries": q, "tied": round(float(pq["tied"].mean()), 3) if q else None})
    return out


def paired_margin(a: dict[str, np.ndarray], b: dict[str, np.ndarray], metric: str, rounds: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of a − b per query on ``metric`` and its 95% paired bootstrap interval (queries
    resampled with replacement; the ROCStories queries come in story pairs, which this ignores)."""
    diff = a[metric] - b[metric]
    if diff.size == 0:
        return 0.0, 0.0, 0.0
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, diff.size, (rounds, diff.size))].mean(axis=1)
    return float(diff.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def margins_table(mats: dict[str, np.ndarray], docs: list[Doc], baseline: np.ndarray) -> tuple[str, dict]:
    """The combination against its best single signal (lexical or embedding, whichever is higher
    on each measure) and against the TF-IDF baseline: per-query mean differences with paired
    bootstrap intervals, so a margin of one query on a small set reads as what it is."""
    combined = per_query(mats["dramalens combined"], docs)
    single = {k: per_query(mats[f"dramalens {k}"], docs) for k in ("lexical", "embedding") if f"dramalens {k}" in mats}
    rows, data = [], {}
    versus = [("TF-IDF baseline", {m: per_query(baseline, docs)[m] for m in METRICS})]
    if single:
        versus.insert(0, ("best single signal", {m: max(single.values(), key=lambda v: float(v[m].mean()))[m] for m in METRICS}))
    for name, other in versus:
        cells = {m: paired_margin(combined, other, m) for m in METRICS}
        data[name] = cells
        rows.append(f"| combined − {name} | " + " | ".join(f"{d:+.3f} [{lo:+.3f}, {hi:+.3f}]" for d, lo, hi in cells.values()) + " |")
    text = ("| margin (95% paired bootstrap interval) | " + " | ".join(METRICS) + " |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
    return text, data


# ----------------------------------------------------------------------------- diagnostics
def _sentences(text: str) -> list[str]:
    return [s for s in (re.sub(r"\W+", " ", x).strip().lower() for x in re.split(r"(?<=[.!?。！？])\s+|\n+", text)) if len(s.split()) >= 6 or len(s) >= 15 and _HAN.search(s)]


def diagnostics(docs: list[Doc], mats: dict[str, np.ndarray], info: dict) -> list[str]:
    notes = []
    markup = [d.id for d in docs if _MARKUP.search(d.text)]
    if markup:
        notes.append(f"markup (markdown headings or HTML) in {len(markup)} of {len(docs)} texts, e.g. {', '.join(markup[:4])}")
    records = info.get("records", {})
    empty = [d.id for d in docs if _attr(records.get(d.id), "shingles", 1) == 0]
    if empty:
        notes.append(f"{len(empty)} works have 0 shingles (an empty text fingerprint), e.g. {', '.join(empty[:4])}")
    mh = mats.get("dramalens minhash")
    if mh is not None:
        group = [d.group for d in docs]
        bad = {(min(i, j), max(i, j)) for i, j in zip(*np.nonzero(mh >= 0.999)) if i != j and (group[i] is None or group[i] != group[j])}
        if bad:
            ex = ", ".join(f"{docs[i].id}~{docs[j].id}" for i, j in sorted(bad)[:4])
            notes.append(f"{len(bad)} pairs of different stories score MinHash Jaccard 1.0 (degenerate fingerprints), e.g. {ex}")
    owners = defaultdict(set)
    for d in docs:
        for s in set(_sentences(d.text)):
            owners[s].add(d.group or d.id)
    shared = sorted(((len(g), s) for s, g in owners.items() if len(g) >= 3), reverse=True)
    if shared:
        notes.append(f"{len(shared)} sentences recur in ≥3 different stories (boilerplate), e.g. “{shared[0][1][:80]}” ×{shared[0][0]}")
    langs = Counter((script_of(d.title + " " + d.text), _attr(records.get(d.id), "language")) for d in docs)
    wrong = {k: v for k, v in langs.items() if k[1] is not None and k[0] != k[1]}
    if wrong:
        notes.append("language stored vs script seen: " + ", ".join(f"{seen}→{stored}: {n}" for (seen, stored), n in wrong.items()))
    if info.get("errors"):
        notes.append(f"import refused rows: {info['errors'][:3]}")
    return notes


def _table(rows: list[tuple[str, dict]], cols: list[str]) -> str:
    lines = ["| method | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for name, r in rows:
        lines.append(f"| {name} | " + " | ".join("–" if r.get(c) is None else (f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c])) for c in cols) + " |")
    return "\n".join(lines)


def cmd_retrieval(args) -> dict:
    root = Path(args.dir)
    name = args.set
    t0 = time.perf_counter()
    if name == "storyemb":
        docs = load_storyemb(root, args.limit)
    elif name == "narrativetwins":
        docs = load_narrativetwins(root, args.limit, args.per_story, not args.summaries_only)
        name += f" ({'summaries only' if args.summaries_only else 'story + summary'}, {args.per_story} per story)"
    elif name == "tellmeagain":
        docs = load_tellmeagain(root, args.limit)
    elif name == "pairs" or name.endswith(".csv"):
        path = Path(name) if Path(name).is_file() else root / (name if name.endswith(".csv") else "pairs.csv")
        docs = load_pairs(path, args)
        name = f"{path.parent.name}/{path.name}" + (f" + {Path(args.catalog).name} as distractors" if args.catalog else "")
    else:
        sys.exit(f"unknown set {name!r}")
    groups = Counter(d.group for d in docs if d.group is not None)
    print(f"{name}: {len(docs)} documents, {len(groups)} stories ({sum(1 for g in groups.values() if g >= 2)} told ≥2 times), {sum(1 for d in docs if d.group is None)} distractors", file=sys.stderr)
    results: list[tuple[str, dict]] = []
    t1 = time.perf_counter()
    baseline = tfidf_scores(docs)
    results.append(("TF-IDF cosine (baseline)", evaluate(baseline, docs)))
    results[-1][1]["seconds"] = round(time.perf_counter() - t1, 2)
    with tempfile.TemporaryDirectory(prefix="eval_catalog_") as tmp:
        mats, info = dramalens_scores(docs, Path(tmp))
    for key in sorted(mats, key=lambda k: (k != "dramalens combined", k)):
        results.append((key, evaluate(mats[key], docs)))
    results[1][1]["seconds"] = round(info["import_s"] + info["query_s"], 2)
    notes = diagnostics(docs, mats, info)
    margins, margin_data = margins_table(mats, docs, baseline)
    if "dramalens lexical" in mats and "dramalens embedding" in mats:
        FUSION_INPUTS[name] = (Path(args.dir).name, docs, mats["dramalens lexical"], mats["dramalens embedding"])
        FUSION_BASELINE[name] = results[0][1]
    out = {"set": name, "documents": len(docs), "queries": results[0][1]["queries"], "results": dict(results), "notes": notes, "margins": margin_data,
           "dramalens_import_s": info["import_s"], "dramalens_query_s": info["query_s"], "total_s": round(time.perf_counter() - t0, 1)}
    text = (f"### {name} ({len(docs)} documents, {out['queries']} queries)\n\n" + _table(results, ["hit@1", "hit@5", "MRR", "tied", "seconds"])
            + "\n\n" + margins + "\n" + "\n".join(f"- {n}" for n in notes) + "\n")
    _emit(text, out, args)
    return out


# ------------------------------------------------------------------------------------ tags
def _tagger():
    for mod in ("dramalens.analysis.tropes", "dramalens.catalog.tropes"):
        try:
            m = importlib.import_module(mod)
            return m.tag_tropes, m.load_vocabulary, mod
        except ImportError:
            continue
    sys.exit("no dramalens trope tagger found (dramalens.analysis.tropes or dramalens.catalog.tropes)")


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_tags(gold: np.ndarray, pred: np.ndarray, labels: list[str], min_support: int) -> dict:
    tp = (gold & pred).sum(0)
    fp = (~gold & pred).sum(0)
    fn = (gold & ~pred).sum(0)
    per = {lab: dict(zip(("precision", "recall", "f1"), (round(v, 3) for v in _prf(int(tp[j]), int(fp[j]), int(fn[j])))), support=int(gold[:, j].sum()), predicted=int(pred[:, j].sum()))
           for j, lab in enumerate(labels)}
    micro = _prf(int(tp.sum()), int(fp.sum()), int(fn.sum()))
    macro_labels = [lab for lab in labels if per[lab]["support"] >= min_support]
    return {"micro_p": round(micro[0], 3), "micro_r": round(micro[1], 3), "micro_f1": round(micro[2], 3),
            "macro_f1": round(float(np.mean([per[lab]["f1"] for lab in macro_labels])), 3) if macro_labels else None, "per_tag": per}


def cmd_tags(args) -> dict:
    tag_tropes, load_vocabulary, tagger_module = _tagger()
    vocab = load_vocabulary(args.vocabulary) if args.vocabulary else load_vocabulary()
    known = set(vocab.ids)
    mapping = tomllib.loads(Path(args.mapping).read_text(encoding="utf-8"))
    tag_to = defaultdict(set)
    for trope, spec in mapping.items():
        for tag in spec.get("tags", []):
            tag_to[tag.strip().lower()].add(trope)
    labels = sorted(t for t in mapping if t in known)
    skipped = sorted(t for t in mapping if t not in known)
    rows = list(csv.DictReader(Path(args.csv).open(encoding="utf-8-sig", newline="")))[: args.limit or None]
    texts, gold_sets, langs, unmapped = [], [], [], Counter()
    for r in rows:
        tags = [t.strip() for t in re.split(args.tag_sep, r.get(args.tags_col) or "") if t.strip()]
        body = r.get(args.text_col) or ""
        title = r.get(args.title_col, "") if args.title_col else ""
        text = f"{title}\n{body}" if title else body
        lang = script_of(text)
        if lang not in ("zh", "en"):
            continue
        mapped = set()
        for t in tags:
            hit = tag_to.get(t.lower())
            if hit:
                mapped |= hit
            else:
                unmapped[t] += 1
        texts.append(text)
        langs.append(lang)
        gold_sets.append(mapped & set(labels))
    n, L = len(texts), len(labels)
    col = {lab: j for j, lab in enumerate(labels)}
    gold = np.zeros((n, L), bool)
    for i, s in enumerate(gold_sets):
        for lab in s:
            gold[i, col[lab]] = True
    methods: dict[str, np.ndarray] = {}
    misfires: dict[str, Counter] = defaultdict(Counter)
    pred = np.zeros((n, L), bool)
    t0 = time.perf_counter()
    for i, (text, lang) in enumerate(zip(texts, langs)):
        for h in tag_tropes(text, language=lang):
            if h.trope in col:
                pred[i, col[h.trope]] = True
                if not gold[i, col[h.trope]]:
                    for cue in h.cues[:2]:
                        misfires[h.trope][cue] += 1
    methods[f"dramalens tag_tropes ({tagger_module})"] = pred
    t_tagger = time.perf_counter() - t0
    words = {lab: sorted({part.strip().lower() for tag, tropes in tag_to.items() if lab in tropes for part in tag.split("/") if part.strip()}) for lab in labels}
    pats = {lab: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ws) + r")(?:s|es)?(?!\w)", re.I) for lab, ws in words.items() if ws}
    pred = np.zeros((n, L), bool)
    for i, text in enumerate(texts):
        for lab, pat in pats.items():
            pred[i, col[lab]] = bool(pat.search(text))
    methods["tag words found in the text (baseline)"] = pred
    from sklearn.model_selection import KFold

    splits = [test for _train, test in KFold(args.folds, shuffle=True, random_state=args.seed).split(texts)]
    learned = _learned_tagger()
    if learned is not None:
        t0 = time.perf_counter()
        methods[f"dramalens learned tagger ({learned.__module__}), {args.folds}-fold CV"] = learned(texts, langs, gold, labels, splits=splits, seed=args.seed, vocabulary=vocab)
        t_learned = time.perf_counter() - t0
    for rule, p in _cv_logreg(texts, langs, gold, args.folds, args.seed, splits).items():
        methods[f"TF-IDF + logistic regression, {args.folds}-fold CV, threshold {rule} (baseline)"] = p
    results = {name: score_tags(gold, p, labels, args.min_support) for name, p in methods.items()}
    support = gold.sum(0)
    lines = [f"### tags: {Path(args.csv).name} ({n} works, {L} tropes in the label space, {int(gold.any(1).sum())} works with ≥1 mapped tag)", "",
             "| method | micro-P | micro-R | micro-F1 | macro-F1 (support ≥ %d) |" % args.min_support, "|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['micro_p']:.3f} | {r['micro_r']:.3f} | {r['micro_f1']:.3f} | {'–' if r['macro_f1'] is None else format(r['macro_f1'], '.3f')} |")
    names = list(results)
    short = ["dramalens vocabulary", "tag words"] + (["dramalens learned"] if learned is not None else []) + ["TF-IDF+LR prior", "TF-IDF+LR 0.5"]
    lines += ["", "| trope | support | " + " | ".join(f"P/R {k}" for k in short) + " |", "|---|---|" + "---|" * len(short)]
    for j in np.argsort(-support):
        lab = labels[j]
        cells = [f"{results[m]['per_tag'][lab]['precision']:.2f}/{results[m]['per_tag'][lab]['recall']:.2f}" for m in names]
        lines.append(f"| {lab} | {int(support[j])} | " + " | ".join(cells) + " |")
    never = [lab for lab in labels if support[col[lab]] and not methods[names[0]][:, col[lab]].any()]
    notes = []
    if never:
        notes.append(f"dramalens never predicts: {', '.join(never)}")
    top_mis = [f"{t}: " + ", ".join(f"“{c}”×{k}" for c, k in cnt.most_common(3)) for t, cnt in sorted(misfires.items(), key=lambda kv: -sum(kv[1].values()))[:6]]
    if top_mis:
        notes.append("cues behind dramalens' false positives: " + "; ".join(top_mis))
    if skipped:
        notes.append(f"mapped tropes not in the vocabulary (left out of the label space): {', '.join(skipped)}")
    notes.append("most frequent unmapped platform tags: " + ", ".join(f"{t} ({k})" for t, k in unmapped.most_common(12)))
    notes.append(f"dramalens vocabulary tagger time {t_tagger:.2f} s" + (f"; learned tagger (all folds, inner CV included) {t_learned:.1f} s" if learned is not None else ""))
    if learned is not None:
        base = results[names[-2]]["micro_f1"]
        mine = results[names[2]]["micro_f1"]
        notes.append(f"micro-F1 margin, learned tagger − TF-IDF+LR (prior threshold), same folds: {mine - base:+.3f}")
    text = "\n".join(lines) + "\n\n" + "\n".join(f"- {x}" for x in notes) + "\n"
    out = {"csv": str(args.csv), "works": n, "labels": labels, "results": results, "notes": notes}
    _emit(text, out, args)
    return out


def _learned_tagger():
    """dramalens' per-catalog tagger's out-of-fold predictions (None when this version has none)."""
    try:
        return importlib.import_module("dramalens.catalog.tagger_train").out_of_fold
    except ImportError:
        return None


def _cv_logreg(texts: list[str], langs: list[str], gold: np.ndarray, folds: int, seed: int, splits=None) -> dict[str, np.ndarray]:
    """Out-of-fold predictions of TF-IDF (fitted on the training folds) + one-vs-rest logistic
    regression (balanced class weights, C = ``LR_C``), with two decision rules:

    * ``p ≥ 0.5``: the classifier's own threshold. On a catalogue of a few hundred synopses the
      model separates its training rows through rare n-grams and scores unseen rows near its
      (negative) intercept, so it rarely says yes;
    * ``prior``: each fold marks as positive the test rows with the highest scores, as many as
      the trope's share among the training rows (uses no test label).

    A trope with no positive (or no negative) in a training fold is never predicted there."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    zh = sum(1 for lang in langs if lang == "zh") > len(langs) / 2
    half = np.zeros_like(gold)
    prior = np.zeros_like(gold)
    for test in splits if splits is not None else [te for _tr, te in KFold(folds, shuffle=True, random_state=seed).split(texts)]:
        train = np.setdiff1d(np.arange(len(texts)), test)
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, **({"analyzer": "char"} if zh else {}))
        xtr = vec.fit_transform([texts[i] for i in train])
        xte = vec.transform([texts[i] for i in test])
        for j in range(gold.shape[1]):
            y = gold[train, j]
            if not y.any() or y.all():
                continue
            clf = LogisticRegression(class_weight="balanced", max_iter=2000, C=LR_C).fit(xtr, y)
            half[test, j] = clf.predict(xte).astype(bool)
            take = int(round(y.mean() * len(test)))
            if take:
                top = np.argsort(-clf.decision_function(xte), kind="stable")[:take]
                prior[test[top], j] = True
    return {"prior": prior, "p ≥ 0.5": half}


# ------------------------------------------------------------------------------ import-check
_RENAME = {
    "id": ("book_id", "bookid", "drama_id", "series_id", "_id"),
    "title": ("book_title", "book_name", "bookname", "drama_name", "name"),
    "synopsis": ("special_desc", "intro", "introduction", "desc", "book_desc"),
    "tags": ("tags_original", "tag_list", "tag"),
    "episodes": ("chapter_count", "episode_cnt", "episode_count", "chapter_cnt", "total_episodes"),
    "plays": ("read_count", "play_cnt", "play_count", "view_count", "views"),
    "release_date": ("release_date", "publish_time", "online_time", "shelf_time"),
    "language": ("lang",),
}


def _renamed_copy(src: Path, dst: Path) -> list[str]:
    with src.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        low = [h.strip().lower() for h in header]
        new, done = list(header), []
        for canon, aliases in _RENAME.items():
            if canon in low:
                continue
            for a in aliases:
                if a in low and a != canon:
                    j = low.index(a)
                    if new[j] == header[j]:
                        new[j] = canon
                        done.append(f"{header[j]}→{canon}")
                        break
        with dst.open("w", encoding="utf-8", newline="") as out:
            w = csv.writer(out)
            w.writerow(new)
            w.writerows(reader)
    return done


def _reason(msg: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", msg)[:140]


def _import_once(path: Path, raw_rows: list[dict], counts: bool = True) -> dict:
    from dramalens.catalog import Catalog, import_paths

    with tempfile.TemporaryDirectory(prefix="eval_import_") as tmp:
        cat = Catalog(f"sqlite:///{Path(tmp) / 'c.sqlite'}")
        try:
            rep = import_paths(cat, metadata=[path])
        except Exception as exc:  # the whole import refused
            return {"accepted": 0, "refused": len(raw_rows), "reasons": {_reason(str(exc)): len(raw_rows)}, "examples": [str(exc)[:200]], "problems": {}}
        reasons = Counter(_reason(e.message if hasattr(e, "message") else str(e)) for e in rep.errors)
        examples = [str(e)[:200] for e in rep.errors[:5]]
        problems: dict[str, list[str]] = defaultdict(list)
        by_id = {}
        for r in raw_rows:
            rid = next((r[k] for k in ("id", "book_id", "_id") if r.get(k)), None)
            if rid:
                by_id.setdefault(rid, r)
        stored = []
        for wid in cat.ids():
            rec = cat.get(wid)
            stored.append(rec)
            raw = by_id.get(wid, {})
            synopsis = _attr(rec, "synopsis", "") or ""
            language = _attr(rec, "language")
            if _MARKUP.search(synopsis):
                problems["markup kept in the synopsis"].append(wid)
            if _attr(rec, "episodes") == 0:
                problems["0 episodes accepted"].append(wid)
            seen = script_of(f"{_attr(rec, 'title', '')} {synopsis}")
            if seen != language:
                problems[f"{seen} text stored as language {language!r}"].append(wid)
            rd = raw.get("release_date") or raw.get("publish_time") or ""
            if counts and rd and _attr(rec, "release_date") is None:
                problems["release date dropped"].append(wid)
            pc = raw.get("plays") or raw.get("read_count") or raw.get("play_cnt") or ""
            if counts and pc and not _attr(rec, "plays"):
                problems["play count dropped"].append(wid)
        close = getattr(cat, "close", None)
        if close:
            close()
    return {"accepted": len(stored), "refused": len(raw_rows) - len(stored), "reasons": dict(reasons), "examples": examples,
            "problems": {k: {"rows": len(v), "e.g.": v[:3]} for k, v in problems.items()}}


def cmd_import_check(args) -> dict:
    src = Path(args.csv)
    raw = list(csv.DictReader(src.open(encoding="utf-8-sig", newline="")))
    out = {"csv": str(src), "rows": len(raw), "as exported": _import_once(src, raw)}
    with tempfile.TemporaryDirectory(prefix="eval_rename_") as tmp:
        dst = Path(tmp) / src.name
        renamed = _renamed_copy(src, dst)
        if renamed:
            rows2 = list(csv.DictReader(dst.open(encoding="utf-8", newline="")))
            out["renamed"] = renamed
            out["with columns renamed"] = _import_once(dst, rows2)
            # The text alone (id, title, synopsis), so refusals over counts or dates do not hide
            # what happens to the text: language identification, markup.
            text_only = Path(tmp) / f"text_{src.name}"
            keep = [c for c in ("id", "title", "synopsis") if rows2 and c in rows2[0]]
            if "id" in keep and len(keep) > 1:
                with text_only.open("w", encoding="utf-8", newline="") as fh:
                    w = csv.DictWriter(fh, fieldnames=keep, extrasaction="ignore")
                    w.writeheader()
                    w.writerows(rows2)
                out["text only (id, title, synopsis)"] = _import_once(text_only, rows2, counts=False)
    lines = [f"### import-check: {src.name} ({len(raw)} rows)", ""]
    for key in ("as exported", "with columns renamed", "text only (id, title, synopsis)"):
        if key not in out:
            continue
        r = out[key]
        extra = f" (renamed: {', '.join(out['renamed'])})" if key == "with columns renamed" else ""
        lines.append(f"- **{key}**{extra}: {r['accepted']} accepted, {r['refused']} refused")
        for reason, k in sorted(r["reasons"].items(), key=lambda kv: -kv[1]):
            lines.append(f"  - refused ×{k}: {reason}")
        for prob, info in r["problems"].items():
            lines.append(f"  - accepted but {prob}: {info['rows']} rows (e.g. {', '.join(info['e.g.'])})")
    _emit("\n".join(lines) + "\n", out, args)
    return out


# ------------------------------------------------------------------------ fusion, cross-validated
#: Per retrieval set run in this process: (source folder, docs, lexical matrix, embedding matrix).
FUSION_INPUTS: dict[str, tuple[str, list[Doc], np.ndarray, np.ndarray]] = {}
#: Per retrieval set: the TF-IDF baseline's figures in the same run.
FUSION_BASELINE: dict[str, dict] = {}
SHARES = tuple(round(x, 2) for x in np.arange(0.0, 1.0001, 0.1))
#: Standout powers scanned beside the share (0: fixed shares, the fusion of the second pass).
POWERS = (0.0, 0.5, 1.0, 2.0)
#: Depths of the strongest-evidence guard shown (0: no guard; dramalens.catalog.fusion.GUARD_RANK).
GUARDS = (0, 1, 2, 3, 5)


def _fused_matrix(docs: list[Doc], lex: np.ndarray, emb: np.ndarray, share: float, power: float, guard: int | None = None) -> np.ndarray:
    """The catalog's topic fusion (dramalens.catalog.fusion) with another lexical share, standout
    power and guard depth (default: the shipped one), per query over the harness's own score
    matrices: background, standout and strongest observation from the query's other documents."""
    from dramalens.catalog.fusion import background, fused_z, guarded, query_weights

    out = np.full(lex.shape, -np.inf)
    for i, d in enumerate(docs):
        if d.group is None:
            continue
        ok = np.isfinite(lex[i]) & np.isfinite(emb[i])
        ok[i] = False
        li, ei = np.clip(lex[i, ok], 0, 1), np.clip(emb[i, ok], 0, 1)
        bg = background(li.astype(np.float32), ei.astype(np.float32))
        z = fused_z(li, ei, bg, query_weights(li, ei, {"lexical": share, "embedding": 1.0 - share}, power))
        out[i, ok] = guarded(z, li, ei, bg, depth=guard)
    return out


def fusion_cv(args) -> dict:
    """Leave-one-source-out choice of the fusion's two parameters, the lexical share and the
    standout power: for each source (StoryEmb; both ROCStories configurations together, since
    they share their stories; each pairs set), the pair chosen on the *other* sources, scored on
    the held-out one, beside each single signal there. The choice rule is the goal: the smallest
    shortfall of the combination below its best single signal (over the training sets and hit@1,
    hit@5, MRR), then the highest mean of the three; the rule of the second pass (the mean alone)
    is shown too. Last, the pair both rules choose on all sets, against what ships."""
    from dramalens.catalog.fusion import STANDOUT_POWER, TOPIC_WEIGHTS

    if len({src for src, *_ in FUSION_INPUTS.values()}) < 2:
        return {}
    grid = [(s, p) for p in POWERS for s in SHARES]
    table: dict[tuple[str, tuple[float, float]], np.ndarray] = {}
    best: dict[str, np.ndarray] = {}
    for name, (_src, docs, lex, emb) in FUSION_INPUTS.items():
        best[name] = np.maximum([evaluate(lex, docs)[m] for m in METRICS], [evaluate(emb, docs)[m] for m in METRICS])
        for key in grid:
            r = evaluate(_fused_matrix(docs, lex, emb, *key), docs)
            table[(name, key)] = np.array([r[m] for m in METRICS])

    def mean(names: list[str], key: tuple[float, float]) -> float:
        return float(np.mean([table[(n, key)].mean() for n in names]))

    def goal(names: list[str], key: tuple[float, float]) -> tuple[float, float, float, float]:
        worst = min(float((table[(n, key)] - best[n]).min()) for n in names)
        return round(worst, 6), round(mean(names, key), 6), -abs(key[0] - 0.5), -key[1]

    def plain(names: list[str], key: tuple[float, float]) -> tuple[float, float, float]:
        return round(mean(names, key), 6), -abs(key[0] - 0.5), -key[1]

    sources = sorted({src for src, *_ in FUSION_INPUTS.values()})
    rows, out = [], {}
    for held in sources:
        test = [n for n, v in FUSION_INPUTS.items() if v[0] == held]
        train = [n for n, v in FUSION_INPUTS.items() if v[0] != held]
        for rule, fn in (("goal", goal), ("mean", plain)):
            key = max(grid, key=lambda k: fn(train, k))
            for n in test:
                cv = table[(n, key)]
                out.setdefault(n, {})[rule] = {"share": key[0], "power": key[1], "held_out": cv.tolist(), "best_single": best[n].tolist()}
                rows.append(f"| {n} | {rule} | {key[0]:.2f} / {key[1]:g} | " + " / ".join(f"{x:.3f}" for x in cv) + " | "
                            + " / ".join(f"{x:.3f}" for x in best[n]) + " | " + " / ".join(f"{x:+.3f}" for x in cv - best[n]) + " |")
    names = list(FUSION_INPUTS)
    on_all = {rule: max(grid, key=lambda k: fn(names, k)) for rule, fn in (("goal", goal), ("mean", plain))}
    text = ("### topic fusion: lexical share and standout power chosen leave-one-source-out\n\n"
            f"Shipped: share {TOPIC_WEIGHTS['lexical']:.2f}, power {STANDOUT_POWER:g}. Chosen on all sets in this run: "
            + ", ".join(f"{rule} rule {k[0]:.2f} / {k[1]:g}" for rule, k in on_all.items()) + ".\n\n"
            "| held-out set | rule | share / power chosen on the other sources | fusion hit@1 / hit@5 / MRR | best single signal | margin |\n"
            "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    _emit(text, {"fusion_cv": out, "chosen_on_all": on_all}, args)
    guard_cv(args)
    return out


def guard_cv(args) -> dict:
    """The strongest-evidence guard (dramalens.catalog.fusion.guarded) at each depth of
    :data:`GUARDS`, with the shipped share and power, on every set beside the TF-IDF baseline; then
    the depth the other sources would choose for each held-out source (the goal rule of
    :func:`fusion_cv`: smallest shortfall below the best single signal, then the mean of hit@1,
    hit@5, MRR; ties to the shallower guard, the lesser intervention), scored on it. The depth is
    a design rule, not fitted: the table shows whether the sets tell the depths apart at all."""
    from dramalens.catalog.fusion import GUARD_RANK, STANDOUT_POWER, TOPIC_WEIGHTS

    share = TOPIC_WEIGHTS["lexical"]
    table: dict[tuple[str, int], np.ndarray] = {}
    best: dict[str, np.ndarray] = {}
    for name, (_src, docs, lex, emb) in FUSION_INPUTS.items():
        best[name] = np.maximum([evaluate(lex, docs)[m] for m in METRICS], [evaluate(emb, docs)[m] for m in METRICS])
        for depth in GUARDS:
            r = evaluate(_fused_matrix(docs, lex, emb, share, STANDOUT_POWER, depth), docs)
            table[(name, depth)] = np.array([r[m] for m in METRICS])

    def goal(names: list[str], depth: int) -> tuple[float, float, int]:
        worst = min(float((table[(n, depth)] - best[n]).min()) for n in names)
        return round(worst, 6), round(float(np.mean([table[(n, depth)].mean() for n in names])), 6), -depth

    def cell(n: str, depth: int) -> str:
        v, tf = table[(n, depth)], FUSION_BASELINE.get(n, {}).get("hit@5")
        flag = " (< TF-IDF)" if tf is not None and v[1] < tf - 1e-9 else ""
        return " / ".join(f"{x:.3f}" for x in v) + flag

    names = list(FUSION_INPUTS)
    rows = [f"| {n} | " + " | ".join(cell(n, d) for d in GUARDS) + f" | {FUSION_BASELINE.get(n, {}).get('hit@5', float('nan')):.3f} |" for n in names]
    sources = sorted({src for src, *_ in FUSION_INPUTS.values()})
    held_rows, out = [], {}
    for held in sources:
        test = [n for n, v in FUSION_INPUTS.items() if v[0] == held]
        train = [n for n, v in FUSION_INPUTS.items() if v[0] != held]
        if not train:
            continue
        depth = max(GUARDS, key=lambda d: goal(train, d))
        for n in test:
            out[n] = {"depth": depth, "held_out": table[(n, depth)].tolist(), "shipped": table[(n, GUARD_RANK)].tolist()}
            held_rows.append(f"| {n} | {depth} | {cell(n, depth)} | {cell(n, GUARD_RANK)} |")
    text = ("### topic fusion: the strongest-evidence guard, by depth\n\n"
            f"Shipped: depth {GUARD_RANK} (share {share:.2f}, power {STANDOUT_POWER:g}); 0 is no guard. hit@1 / hit@5 / MRR; "
            "\"(< TF-IDF)\" marks a hit@5 below the baseline's.\n\n"
            "| set | " + " | ".join(f"depth {d}" for d in GUARDS) + " | TF-IDF hit@5 |\n|---|" + "---|" * (len(GUARDS) + 1) + "\n"
            + "\n".join(rows) + "\n\n| held-out set | depth chosen on the other sources | held out | shipped depth |\n|---|---|---|---|\n"
            + "\n".join(held_rows) + "\n")
    _emit(text, {"guard_cv": out}, args)
    return out


# ------------------------------------------------------------------------------------- all
def cmd_all(args) -> None:
    """Every set found under ROOT, in one run: storyemb/, tellmeagain/, narrativetwins/ (two
    configurations), any */pairs.csv (with the */catalog.csv beside it as distractors), tags on
    any */catalog.csv, import-check on any */catalog.csv and */export*.csv."""
    root = Path(args.root)
    t0 = time.perf_counter()

    def run(argv: list[str]) -> None:
        extra = ["--md", args.md] if args.md else []
        if args.limit:
            extra += ["--limit", str(args.limit)]
        print(f"$ eval_catalog.py {' '.join(argv)}", file=sys.stderr)
        main(argv + extra)

    for name in ("storyemb", "tellmeagain"):
        if (root / name).is_dir():
            run(["retrieval", str(root / name), "--set", name])
    if (root / "narrativetwins").is_dir():
        run(["retrieval", str(root / "narrativetwins"), "--set", "narrativetwins"])
        run(["retrieval", str(root / "narrativetwins"), "--set", "narrativetwins", "--per-story", "2", "--summaries-only"])
    for pairs in sorted(root.glob("*/pairs.csv")):
        cat = pairs.parent / "catalog.csv"
        run(["retrieval", str(pairs.parent), "--set", pairs.name] + (["--catalog", str(cat)] if cat.exists() else []))
    fusion_cv(argparse.Namespace(md=args.md, json=None))
    for cat in sorted(root.glob("*/catalog.csv")):
        run(["tags", str(cat), "--text-col", args.text_col, "--tags-col", args.tags_col, "--title-col", args.title_col])
    for export in sorted(set(root.glob("*/catalog.csv")) | set(root.glob("*/export*.csv"))):
        run(["import-check", str(export)])
    print(f"all sets: {time.perf_counter() - t0:.0f} s", file=sys.stderr)


# ---------------------------------------------------------------------------------- output
def _emit(text: str, data: dict, args) -> None:
    print(text)
    if args.md:
        with open(args.md, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--md", help="append the markdown section to this file")
    common.add_argument("--json", help="write the full results as JSON to this file")
    common.add_argument("--limit", type=int, default=None, help="at most this many stories (retrieval) or rows (tags)")
    r = sub.add_parser("retrieval", parents=[common], help="same-story retrieval: hit@1, hit@5, MRR")
    r.add_argument("dir")
    r.add_argument("--set", required=True, help="storyemb | tellmeagain | narrativetwins | pairs.csv (a CSV in DIR, or a path)")
    r.add_argument("--per-story", type=int, default=1, help="narrativetwins: human summaries per story (default 1)")
    r.add_argument("--summaries-only", action="store_true", help="narrativetwins: leave the stories out (use --per-story 2+)")
    r.add_argument("--catalog", help="pairs: a catalogue CSV the pairs' ids refer to (its other rows are distractors)")
    r.add_argument("--id-col", default="book_id")
    r.add_argument("--text-col", default="special_desc")
    r.add_argument("--title-col", default="book_title")
    t = sub.add_parser("tags", parents=[common], help="trope tagging against a catalogue's own tags")
    t.add_argument("csv")
    t.add_argument("--text-col", required=True)
    t.add_argument("--tags-col", required=True)
    t.add_argument("--title-col", default=None)
    t.add_argument("--tag-sep", default=r"\s*[|,;、]\s*", help="regex splitting the tags cell")
    t.add_argument("--mapping", default=str(HERE / "catalog_tag_map.toml"))
    t.add_argument("--vocabulary", default=None, help="a trope vocabulary TOML (default: dramalens' own)")
    t.add_argument("--folds", type=int, default=5)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--min-support", type=int, default=3, help="macro-F1 over tropes with at least this many works")
    t.add_argument("--lr-c", type=float, default=1.0, help="inverse regularisation of the logistic regression baseline")
    i = sub.add_parser("import-check", parents=[common], help="import a real export; rows accepted/refused and why")
    i.add_argument("csv")
    a = sub.add_parser("all", help="every set found under ROOT (storyemb/, narrativetwins/, */pairs.csv, */catalog.csv …)")
    a.add_argument("root")
    a.add_argument("--md", help="append every section to this file")
    a.add_argument("--limit", type=int, default=None)
    a.add_argument("--text-col", default="special_desc")
    a.add_argument("--tags-col", default="tags")
    a.add_argument("--title-col", default="book_title")
    args = ap.parse_args(argv)
    global LR_C
    LR_C = getattr(args, "lr_c", LR_C)
    {"retrieval": cmd_retrieval, "tags": cmd_tags, "import-check": cmd_import_check, "all": cmd_all}[args.cmd](args)


if __name__ == "__main__":
    main()
