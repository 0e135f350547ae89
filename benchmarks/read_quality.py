"""Does read quality flag the files dramalens misreads? (an evaluation, not a test)

Run ``benchmarks/read_real.py`` first; this reads what it wrote::

    python benchmarks/read_real.py DIR --json EN.json --quiet
    python benchmarks/read_real.py --check LABELS.tsv ... --json LABELS.json
    python benchmarks/read_quality.py [--real EN.json ...] [--labels LABELS.json] [--threshold 0.5]

``--real``: English screenplays with a slugline/cue reference. A file is *misread* when
dramalens' speeches are not within ±10% of the reference's cues, or it reads no dialogue where
the reference finds cues; *badly misread* when its speeches are under half or over twice the
reference. Scene counts are left out: read quality cannot see a slugline counted twice.

``--labels``: hand-checked Chinese scripts (the ``--check`` output). A file is *misread* when
more than 2% of its labelled lines are wrong (the issue's quality bar).

For each set it prints every file (quality, verdict) and: the share of misread files flagged
(quality under the threshold), the share of well-read files not flagged, the AUC (the chance a
misread file scores lower than a well-read one; 0.5 is a coin) and, for the labels, the rank
correlation between quality and error rate. Only the read quality of the current checkout is
measured; the parse itself is the same one ``read_real.py`` measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def auc(bad: list[float], good: list[float]) -> float | None:
    """P(a misread file's quality < a well-read file's), ties counting half."""
    if not bad or not good:
        return None
    wins = sum((b < g) + 0.5 * (b == g) for b in bad for g in good)
    return wins / (len(bad) * len(good))


def spearman(xs: list[float], ys: list[float]) -> float | None:
    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=v.__getitem__)
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r

    if len(xs) < 3:
        return None
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else None


def separation(rows: list[tuple[str, float, bool]], threshold: float) -> dict[str, object]:
    bad = [q for _, q, misread in rows if misread]
    good = [q for _, q, misread in rows if not misread]
    flagged_bad = sum(q < threshold for q in bad)
    clear_good = sum(q >= threshold for q in good)
    a = auc(bad, good)
    return {
        "files": len(rows), "misread": len(bad), "misread_flagged": flagged_bad, "well_read": len(good),
        "well_read_clear": clear_good, "auc": None if a is None else round(a, 3),
        "mean_quality_misread": round(sum(bad) / len(bad), 3) if bad else None,
        "mean_quality_well_read": round(sum(good) / len(good), 3) if good else None,
    }


def _print(title: str, s: dict[str, object]) -> None:
    print(f"== {title}: {s['files']} files, {s['misread']} misread")
    if s["misread"]:
        print(f"   misread flagged (quality < threshold): {s['misread_flagged']} of {s['misread']}")
    if s["well_read"]:
        print(f"   well read not flagged: {s['well_read_clear']} of {s['well_read']}")
    print(f"   mean quality misread {s['mean_quality_misread']} / well read {s['mean_quality_well_read']}; AUC {s['auc']}")


def english(paths: list[str], threshold: float, quiet: bool) -> dict[str, object]:
    rows: list[tuple[str, float, bool]] = []
    badly: list[tuple[str, float, bool]] = []
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for f in data["files"]:
            d = f["dramalens"]
            if not f.get("english_screenplay") or d.get("status") != "ok" or d.get("quality") is None:
                continue
            ref = f["reference"]["speeches"]
            got = d["speeches"]
            misread = not d["speeches_ok"] or d["no_dialogue_with_cues"]
            far = ref > 0 and (got < ref / 2 or got > ref * 2)
            rows.append((f["file"], d["quality"], misread))
            badly.append((f["file"], d["quality"], far))
            if not quiet:
                verdict = "BADLY MISREAD" if far else "misread" if misread else "ok"
                print(f"{d['quality']:5.2f}  {verdict:13} speeches {got:5}/{ref:<5} {f['file']}")
    out = {"misread": separation(rows, threshold), "badly_misread": separation(badly, threshold)}
    _print("English screenplays, speeches off the reference by more than 10%", out["misread"])  # type: ignore[arg-type]
    _print("English screenplays, speeches under half or over twice the reference", out["badly_misread"])  # type: ignore[arg-type]
    return out


def chinese(path: str, threshold: float, quiet: bool) -> dict[str, object]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import dramalens

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows: list[tuple[str, float, bool]] = []
    rates: list[float] = []
    for name, r in data.items():
        script = dramalens.parse(r["file"])
        q = script.quality.score
        rows.append((name, q, r["rate"] > 0.02))
        rates.append(r["rate"])
        if not quiet:
            reasons = "; ".join(f"{x.code} -{x.penalty:.2f}" for x in script.quality.reasons if x.penalty > 0.005)
            print(f"{q:5.2f}  wrong {r['rate']:6.1%}  {name}  {reasons}")
    out = separation(rows, threshold)
    rho = spearman([q for _, q, _ in rows], [-x for x in rates])
    out["spearman_quality_vs_correct"] = None if rho is None else round(rho, 3)
    _print("Chinese hand-checked scripts, more than 2% of lines wrong", out)
    print(f"   rank correlation of quality with the share of lines read right: {out['spearman_quality_vs_correct']}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", nargs="+", default=[], metavar="EN.json", help="read_real.py --json output (English)")
    ap.add_argument("--labels", metavar="LABELS.json", help="read_real.py --check --json output (Chinese)")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    ap.add_argument("--quiet", action="store_true", help="totals only")
    args = ap.parse_args(argv)
    out: dict[str, object] = {"threshold": args.threshold}
    if args.real:
        out["english"] = english(args.real, args.threshold, args.quiet)
    if args.labels:
        out["chinese"] = chinese(args.labels, args.threshold, args.quiet)
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
