"""The parts of the benchmark (scripts/bench.py) and of its pages (scripts/benchpages.py)."""
