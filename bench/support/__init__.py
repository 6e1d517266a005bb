"""Shared pieces of the benchmarks in bench/ (kept out of bench/*.py, which `make bench` runs one by one)."""
