#!/usr/bin/env python
"""Compare two page-benchmark runs (``bench/results/*.json`` written by ``bench/run.py``).

    .venv/bin/python bench/compare.py bench/results/OLD.json bench/results/NEW.json

With no arguments it compares the two newest results. Prints, per page, the median and 95th
percentile of both runs as multiples of the reference page measured in the same run (the
figures that travel between runs and machines; milliseconds are shown too, for a run that has
no reference), the change, and flags a page whose query count changed.
"""

import json
import sys
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load(path):
    data = json.loads(Path(path).read_text())
    return data, {page["name"]: page["result"] for page in data["pages"]}


def fmt(value):
    return f"{value:7.1f}" if isinstance(value, int | float) else f"{'-':>7}"


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2:
        old_path, new_path = args
    elif not args:
        runs = sorted(RESULTS_DIR.glob("[0-9]*T*Z.json"))  # not loadtest.json
        if len(runs) < 2:
            raise SystemExit("Need two runs in bench/results/ (or give two files).")
        old_path, new_path = runs[-2], runs[-1]
    else:
        raise SystemExit(__doc__)
    old_info, old = load(old_path)
    new_info, new = load(new_path)
    print(f"old: {old_path} (load {old_info['machine'].get('load_average', '?')})")
    print(f"new: {new_path} (load {new_info['machine'].get('load_average', '?')})")
    print(f"old reference median: {fmt(old_info.get('reference_median_ms'))} ms")
    print(f"new reference median: {fmt(new_info.get('reference_median_ms'))} ms")
    print(
        f"{'page':<34} {'median x ref':>15} {'change':>7} {'p95 x ref':>15} {'change':>7}"
        f" {'median ms':>15}  queries"
    )
    for name in list(dict.fromkeys([*old, *new])):
        a, b = old.get(name, {}), new.get(name, {})
        cells = []
        for key in ("median_x", "p95_x"):
            x, y = a.get(key), b.get(key)
            change = f"{(y - x) / x * 100:+6.0f}%" if x and y else f"{'':>7}"
            cells.append(f"{fmt(x)} {fmt(y)} {change}")
        ms = f"{fmt(a.get('median_ms'))} {fmt(b.get('median_ms'))}"
        queries = f"{a.get('queries', '-')} -> {b.get('queries', '-')}"
        flag = "  (queries changed)" if a.get("queries") != b.get("queries") else ""
        print(f"{name:<34} {cells[0]} {cells[1]} {ms}  {queries}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
