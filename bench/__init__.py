"""Takt benchmarks: each module runs as `python -m bench.NAME` and prints JSON lines."""
