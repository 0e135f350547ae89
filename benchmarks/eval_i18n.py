"""Does a Chinese reader get the report and the evidence in Chinese? (an evaluation, not a test)

    python benchmarks/eval_i18n.py DIR [DIR ...] [--limit N]

Every script under the folders (.txt, .md, .fountain, .docx) is parsed, analysed and scored
(no catalog), then:

* **report chrome**: the text of the HTML report's own labels (``h1``-``h3``, ``th``, KPI
  labels, legends, captions, notes, footer; script text, names and ids are not chrome) rendered
  for the reader; the share of its letters that are Latin is reported per language. A Chinese
  page that is truly Chinese keeps only ids and units in Latin letters.
* **evidence**: every rubric evidence sentence rendered through the catalogue; the share of
  sentences with an English word of four letters or more outside what the script or a rule id
  supplies.
* **read quality and gates** (the terminal's ``stats``/``analyze`` lines, the desk's gate
  evidence and ``triage rank``): the lines with an English word of four letters or more.
* **tracks** (scripts of both languages): the tracks the tagger detected, as written (the rows
  a desk's supply table and the saturation page had) and as canonical ids (the rows they have).

Baseline, in the same run: the same analysis rendered the way the desk showed it before the
catalogue (the report in English for every script, the evidence's stored English ``text``; the
read-quality lines in English; a gate's label translated and its detail in English).
"""

from __future__ import annotations

import argparse
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from dramalens import analyze, parse
from dramalens.analysis.tracks import canonical_track
from dramalens.errors import DramalensError
from dramalens.i18n import translator
from dramalens.report import quality_lines
from dramalens.report.html import render_html
from dramalens.triage.gates import gates_for
from dramalens.triage.pipeline import features_from_analysis, gate_evidence, read_gate, unreadable_gate
from dramalens.triage.scoring import score

SUFFIXES = {".txt", ".md", ".fountain", ".docx", ".spmd"}
CHROME = {"h1", "h2", "h3", "th", "figcaption", "footer"}
CHROME_CLASSES = {"kpi", "legend", "note"}
LATIN = re.compile(r"[A-Za-z]")
HAN = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"\b[A-Za-z]{4,}\b")


class _Chrome(HTMLParser):
    """Collects the text inside the report's own labels (not table cells, not the script)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.stack: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        chrome = tag in CHROME or bool(classes & CHROME_CLASSES)
        if tag in {"td", "b", "title", "text", "style"}:  # values, bold figures, SVG tooltips/axis text
            chrome = False
            self.depth += 1000
        self.stack.append(chrome)
        if chrome:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "b", "title", "text", "style"}:
            self.depth -= 1000
        if self.stack and self.stack.pop():
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if 0 < self.depth < 1000:
            self.text.append(data)


def chrome_text(page: str) -> str:
    parser = _Chrome()
    parser.feed(page)
    # Ids in parentheses (rule ids, trope ids) and units are the same in both languages.
    return re.sub(r"\([a-z_.]+\)|\b(?:CSV|JSON|NRTA|ep|min|dramalens)\b", "", " ".join(parser.text))


def latin_share(text: str) -> float:
    letters = len(LATIN.findall(text)) + len(HAN.findall(text))
    return len(LATIN.findall(text)) / letters if letters else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="at most this many files (0: all)")
    args = ap.parse_args(argv)
    files = sorted(p for d in args.dirs for p in d.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    files = files[: args.limit] if args.limit else files
    zh = translator("zh")
    rows: list[tuple[str, float, float, int, int, int]] = []
    said = {"quality": [0, 0, 0], "gates": [0, 0, 0]}  # lines, English before, English after
    tracks: dict[str, set[str]] = {}
    for path in files:
        try:
            script = parse(path)
            analysis = analyze(script)
        except DramalensError as exc:
            print(f"skip {path.name}: {exc}", file=sys.stderr)
            continue
        if script.language in ("zh", "en"):
            tracks.setdefault(canonical_track(analysis.tropes.track), set()).add(analysis.tropes.track)
        if script.language != "zh":
            continue
        before = latin_share(chrome_text(render_html(analysis, "en")))
        after = latin_share(chrome_text(render_html(analysis)))  # the default: the script's language
        evidence = score(features_from_analysis(analysis)).evidence
        english_before = sum(1 for e in evidence if WORD.search(e.text))
        english_after = sum(1 for e in evidence if WORD.search(re.sub(r"[a-z]+\.[a-z_.]+", "", zh.say(e.key, e.params, e.text))))
        rows.append((path.name, before, after, len(evidence), english_before, english_after))
        q_before = [str(x) for x in quality_lines(script.quality, 0.5, "en")]
        q_after = [str(x) for x in quality_lines(script.quality, 0.5, "zh")]
        unread = read_gate(script, 0.5)
        gates = ((unreadable_gate(unread),) if unread else ()) + gates_for(script, analysis)
        g_before = [zh("ev.gate", gate=zh(f"gate.{g.code}"), detail=g.text) for g in gates]
        g_after = [zh.say(e.key, e.params, e.text) for e in map(gate_evidence, gates)]
        for kind, old, new in (("quality", q_before, q_after), ("gates", g_before, g_after)):
            said[kind][0] += len(new)
            said[kind][1] += sum(1 for x in old if WORD.search(x))
            said[kind][2] += sum(1 for x in new if WORD.search(x))
        print(f"{path.name[:40]:40s} chrome Latin {before:6.1%} -> {after:6.1%}  evidence English {english_before}/{len(evidence)}"
              f" -> {english_after}/{len(evidence)}")
    if not rows:
        print("no Chinese scripts found")
        return 1
    n = len(rows)
    ev = sum(r[3] for r in rows)
    print(f"\n{n} Chinese scripts; report chrome Latin-letter share, mean: baseline (English report) "
          f"{sum(r[1] for r in rows) / n:.1%}, catalogue (zh) {sum(r[2] for r in rows) / n:.1%}; "
          f"max after {max(r[2] for r in rows):.1%}")
    print(f"evidence sentences with an English word: baseline {sum(r[4] for r in rows)}/{ev}, catalogue (zh) "
          f"{sum(r[5] for r in rows)}/{ev}")
    for kind, (lines, old, new) in said.items():
        print(f"{kind} lines with an English word: baseline {old}/{lines}, catalogue (zh) {new}/{lines}")
    written = sorted(w for ws in tracks.values() for w in ws)
    print(f"tracks detected: {len(written)} as written ({', '.join(written)}) -> {len(tracks)} canonical; merged across "
          f"languages: {', '.join(f'{k} = ' + ' / '.join(sorted(v)) for k, v in sorted(tracks.items()) if len(v) > 1) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
