"""`python -m benchmarks --scale 1e4 [--scale 1e6 ...]`: the loader against DuckDB's bare read_csv, and the pages.

For each scale: writes a synthetic concerns export, then in separate processes (so that peak memory is each
one's own) loads it with DuckDB's bare `create table as select * from read_csv(...)` (the floor) and with the
loader, and prints the times, peak memory and the ratios side by side, with the machine it ran on. Then, on
the store the loader wrote, each page's server time cold and warm against a trivial page with one chart, and the
briefing (`--no-pages` leaves them out); with `--browser`, each charted page's first chart drawn in Chromium against
the trivial page's (benchmarks.browser).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import browser, pages

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def run_floor(csv: str, db: str) -> dict:
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect(db)
    rows = con.execute(f"create table concerns as select * from read_csv('{csv}')").fetchone()[0]
    con.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows, "peak_mb": _peak_mb()}


def run_loader(src: str, db: str) -> dict:
    from sg_data.loader import load_folder

    t0 = time.perf_counter()
    report = load_folder(Path(src), db)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": sum(f.rows_loaded for f in report.files), "peak_mb": _peak_mb(),
            "ok": report.ok, "text": report.text()}


def _child(which: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--child", which, *args], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode != 0:
        raise SystemExit(f"benchmark step {which} failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    import duckdb

    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f", {int(fh.readline().split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs{mem}; {platform.system()}; "
            f"Python {platform.python_version()}; DuckDB {duckdb.__version__}")


def bench(rows: int, work: Path) -> dict:
    from .synth import write_concerns

    src = work / f"exports_{rows}"
    src.mkdir()
    csv = src / "concerns_bench.csv"
    write_concerns(csv, rows)
    floor = _child("floor", str(csv), str(work / f"floor_{rows}.duckdb"))
    loader = _child("loader", str(src), str(work / f"loader_{rows}.duckdb"))
    if not loader["ok"] or loader["rows"] != rows or floor["rows"] != rows:
        raise SystemExit(f"benchmark at {rows:,} rows did not load every row:\n{loader['text']}")
    return {"rows": rows, "file_mb": csv.stat().st_size / 1e6, "floor": floor, "loader": loader,
            "db": str(work / f"loader_{rows}.duckdb")}


def table(results: list[dict]) -> str:
    lines = ["| concerns | file | DuckDB read_csv | loader | time ratio | peak memory (floor / loader) |",
             "|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        f, ld = r["floor"], r["loader"]
        lines.append(f"| {r['rows']:,} | {r['file_mb']:,.0f} MB | {f['seconds']:.2f} s | {ld['seconds']:.2f} s | "
                     f"{ld['seconds'] / f['seconds']:.1f}x | {f['peak_mb']:,.0f} MB / {ld['peak_mb']:,.0f} MB |")
    return "\n".join(lines)


def _charted(timed: list[tuple[int, dict]], rows: int) -> list[str]:
    """The pages whose server run sent a chart at this scale (the Overview, Concerns and Review timeliness where the
    pages were not timed)."""
    for at, result in timed:
        if at == rows:
            return [stem for stem, t in result["pages"].items() if t["first_chart"] == t["first_chart"]]
    return ["overview", "concerns", "timeliness"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", type=float,
                        help="concerns per export: 1e4, 1e5, 1e6, 1e7 (repeatable; default 1e4)")
    parser.add_argument("--no-pages", action="store_true", help="time the loader only, not the pages")
    parser.add_argument("--repeats", type=int, default=pages.REPEATS,
                        help=f"cold openings of each page, the median reported (default {pages.REPEATS})")
    parser.add_argument("--browser", action="store_true",
                        help="also time each charted page's first chart drawn in Chromium (needs Playwright)")
    parser.add_argument("--chromium", default=browser.CHROMIUM,
                        help=f"Chromium for --browser (default {browser.CHROMIUM})")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        which, *rest = args.child
        steps = {"floor": run_floor, "loader": run_loader, "pages": pages.run_pages}
        print(json.dumps(steps[which](*rest)))
        return 0
    scales = [int(s) for s in (args.scale or [1e4])]
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        results = [bench(rows, Path(tmp)) for rows in scales]
        timed = [] if args.no_pages else [(r["rows"], _child("pages", r["db"], str(max(args.repeats, 1))))
                                          for r in results]
        drawn = [(r["rows"], browser.run_browser(r["db"], _charted(timed, r["rows"]), max(args.repeats, 1),
                                                 args.chromium)) for r in results] if args.browser else []
    print(table(results))
    for rows, result in timed:
        print()
        print(pages.table(rows, result))
    for rows, result in drawn:
        print()
        print(browser.table(rows, result))
    print(f"\nMachine: {machine()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
