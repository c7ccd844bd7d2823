"""Benchmark: how long protecting and checking a council-sized publication takes.

    python scripts/benchmark_disclosure.py [--years 15] [--services 12] [--seed 1]

Builds a synthetic publication like the sample council's (deterministic, fixed
seed): per period (each financial year and its four quarters) a service x
category table of concerns with service, category, statutory-category and
grand margins (the grand total a process figure), each year the sum of its
quarters cell by cell, and per period review timeliness by service (reviewed =
within + late, within = the sum of its review bands). Counts are Poisson with
small means, so many are from 1 to 5. Times protect() and check() and prints
how many cells are hidden. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sg_data.disclosure import PEOPLE, PROCESS, Cell, System, check, protect  # noqa: E402

STATUTORY = {"Adults": 5, "Children": 4, "Community": 4, "Other": 4}
BANDS = ["0-1h", "1-4h", "4-12h", "12-24h"]


def build(years: int, services: int, seed: int) -> System:
    rng = np.random.default_rng(seed)
    categories = [(group, f"{group} {i + 1}") for group, k in STATUTORY.items() for i in range(k)]
    services_ = [f"Service {s + 1}" for s in range(services)]
    # A quarterly mean per service and category: most small, a few busy.
    rate = rng.gamma(0.8, 3.0, size=(services, len(categories)))
    system = System()
    for y in range(years):
        year = f"{2010 + y}-{(11 + y) % 100:02d}"
        quarters = [f"{year} Q{q}" for q in range(1, 5)]
        tables = {q: rng.poisson(rate) for q in quarters}
        tables[year] = sum(tables[q] for q in quarters)
        reviews = {q: rng.poisson(rate.sum(axis=1)[:, None] / 5, size=(services, 5)) for q in quarters}
        reviews[year] = sum(reviews[q] for q in quarters)
        for period in [year, *quarters]:
            add_concerns(system, period, services_, categories, tables[period])
            add_timeliness(system, period, services_, reviews[period])
        for key in list(system.index):
            if key[1] == year:
                system.equal(key, [(key[0], q, *key[2:]) for q in quarters])
    return system


def add_concerns(system, period, services, categories, body) -> None:
    groups = list(STATUTORY)
    for i, s in enumerate(services):
        for j, (_, c) in enumerate(categories):
            system.add(Cell(("concerns", period, s, c), int(body[i, j]), PEOPLE))
    for i, s in enumerate(services):
        for g in groups:
            parts = [("concerns", period, s, c) for gg, c in categories if gg == g]
            system.add(Cell(("concerns", period, s, g), sum(system.value(k) for k in parts), PEOPLE))
            system.equal(("concerns", period, s, g), parts)
        system.add(Cell(("concerns", period, s, "Total"), int(body[i].sum()), PEOPLE))
        system.equal(("concerns", period, s, "Total"), [("concerns", period, s, c) for _, c in categories])
    for name in [c for _, c in categories] + groups + ["Total"]:
        parts = [("concerns", period, s, name) for s in services]
        rule = PROCESS if name == "Total" else PEOPLE
        system.add(Cell(("concerns", period, "Total", name), sum(system.value(k) for k in parts), rule))
        system.equal(("concerns", period, "Total", name), parts)
    system.equal(("concerns", period, "Total", "Total"), [("concerns", period, "Total", g) for g in groups])


def add_timeliness(system, period, services, counts) -> None:
    """Per service: reviewed = within + late, within = sum of bands; council-wide process totals."""
    columns = BANDS + ["late"]
    for i, s in enumerate(services):
        for k, band in enumerate(columns):
            system.add(Cell(("timeliness", period, s, band), int(counts[i, k]), PEOPLE))
        within = int(counts[i, :4].sum())
        system.add(Cell(("timeliness", period, s, "within"), within, PEOPLE))
        system.equal(("timeliness", period, s, "within"), [("timeliness", period, s, b) for b in BANDS])
        system.add(Cell(("timeliness", period, s, "reviewed"), int(counts[i].sum()), PEOPLE))
        system.equal(("timeliness", period, s, "reviewed"),
                     [("timeliness", period, s, "within"), ("timeliness", period, s, "late")])
    for name in columns + ["within", "reviewed"]:
        parts = [("timeliness", period, s, name) for s in services]
        rule = PROCESS if name in ("within", "late", "reviewed") else PEOPLE
        system.add(Cell(("timeliness", period, "Total", name), sum(system.value(k) for k in parts), rule))
        system.equal(("timeliness", period, "Total", name), parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--services", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    start = time.perf_counter()
    system = build(args.years, args.services, args.seed)
    built = time.perf_counter()
    values = system.compiled().values
    people = system.compiled().people
    small = int((people & (values >= 1) & (values <= 5)).sum())
    print(f"{len(system)} cells, {len(system.equations)} identities, {small} people counts of 1 to 5"
          f" (built in {built - start:.1f}s)")
    protection = protect(system)
    protected = time.perf_counter()
    print(f"protect: {protected - built:.1f}s; hidden {len(protection.hidden)}"
          f" ({len(protection.primary)} primary, {len(protection.complementary)} complementary)")
    failures = check(system, protection.hidden)
    checked = time.perf_counter()
    print(f"check: {checked - protected:.1f}s; {len(failures)} failures")


if __name__ == "__main__":
    main()
