"""Benchmark: how long loading and the dashboard's queries take on council-sized and far larger exports.

    python scripts/benchmark.py [--rows 1000000] [--repeat 3]

Writes a synthetic concerns export and a synthetic training matrix of the
given size to a temporary folder (deterministic, fixed seed), loads them into
a fresh store, and times each stage and the named queries a page runs. Speed
is measured here, never asserted in tests: these machines are shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
import sys  # noqa: E402

sys.path.insert(0, str(ROOT))

from sg_data import metrics, store  # noqa: E402
from sg_data.loader import load_folder  # noqa: E402
from sg_data.periods import parse  # noqa: E402
from sg_data.source import OfficerSource  # noqa: E402

SERVICES = ["Business Improvement", "Housing Services", "Community Safety", "Communities", "Environmental Health",
            "Licensing", "Planning", "Regulatory Services", "Oxford Direct Services", "Councillors"]
CATEGORIES = ["Child Safeguarding", "Self-Neglect", "Suicidal threat", "Mental Ill Health", "Domestic Abuse",
              "Hoarding", "Financial Abuse", "Exploitation", "Neglect", "Other"]


def write_concerns(path: Path, rows: int, rng: random.Random) -> None:
    start = dt.datetime(2015, 4, 1)
    span = (dt.datetime(2026, 9, 30) - start).total_seconds()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("concern_id,raised_at,service,category,subject_group,reviewed_at,referred_to,outcome\n")
        for i in range(rows):
            raised = start + dt.timedelta(seconds=int(rng.random() * span))
            reviewed = raised + dt.timedelta(minutes=int(rng.expovariate(1 / 300)))
            fh.write(f"BM-{i:08d},{raised:%Y-%m-%d %H:%M},{rng.choice(SERVICES)},{rng.choice(CATEGORIES)},"
                     f"{rng.choice(['child', 'adult'])},{reviewed:%Y-%m-%d %H:%M},"
                     f"{rng.choice(['', '', 'MASH', 'Police'])},Advice given\n")


def write_training(path: Path, rows: int, rng: random.Random) -> None:
    snapshots = [dt.date(2019, 6, 30) + dt.timedelta(days=91 * k) for k in range(30)]
    per = max(1, rows // len(snapshots))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("snapshot_date,staff_id,service,course,level,required,completed_on,expires_on\n")
        for snap in snapshots:
            for i in range(per):
                done = snap - dt.timedelta(days=rng.randint(0, 1300))
                fh.write(f"{snap:%d/%m/%Y},E{i:07d},{SERVICES[i % len(SERVICES)]},Safeguarding awareness,1,Y,"
                         f"{done:%d/%m/%Y},\n")


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(20241)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "exports"
        src.mkdir()
        t0 = time.perf_counter()
        write_concerns(src / "concerns_bench.csv", args.rows, rng)
        write_training(src / "training_bench.csv", args.rows, rng)
        print(f"wrote {args.rows:,} concerns and {args.rows:,} training rows in {time.perf_counter() - t0:.1f} s")
        db = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        report = load_folder(src, db)
        load_s = time.perf_counter() - t0
        rows = sum(f.rows_loaded for f in report.files)
        print(f"load (read, validate, store) {rows:,} rows: {load_s:.1f} s ({rows / load_s:,.0f} rows/s)")
        t0 = time.perf_counter()
        again = load_folder(src, db)
        print(f"re-load of the same files (unchanged, skipped by hash): {time.perf_counter() - t0:.2f} s "
              f"[{', '.join(f.status for f in again.files)}]")
        con = store.connect(db, read_only=True)
        src_ = OfficerSource(con)
        period = parse("2023-24 Q3")
        checks = {
            "concerns_by_service (quarter)": lambda: metrics.concerns_by_service(con, period),
            "concerns_by_service_category (quarter)": lambda: metrics.concerns_by_service_category(con, period),
            "review timeliness (quarter)": lambda: metrics.timeliness_frame(con, period),
            "timeliness by quarter (all years)": lambda: src_.timeliness_by_quarter(),
            "training coverage by service": lambda: metrics.training_by_service(con, period),
            "training trend (all snapshots)": lambda: metrics.training_trend(con),
            "the whole briefing (JSON)": lambda: src_.brief(period.label),
        }
        print(f"queries (median of {args.repeat}):")
        for name, fn in checks.items():
            seconds, _ = timed(fn, args.repeat)
            print(f"  {name}: {seconds * 1000:,.0f} ms")
        con.close()
        size = db.stat().st_size / 1e6
        print(f"store size: {size:,.0f} MB; duckdb {duckdb.__version__}")


if __name__ == "__main__":
    main()
