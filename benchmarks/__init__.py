"""Benchmarks: the loader against DuckDB's floor on synthetic exports, side by side in one run.

    python -m benchmarks --scale 1e6

Speed is measured here, never asserted in tests: these machines are shared.
"""
