"""Gradient Notes benchmarks: browser latency, figure payload, core kernels and load.

`python -m bench` runs them and writes bench/RESULTS.md; see `python -m bench --help`.
"""
