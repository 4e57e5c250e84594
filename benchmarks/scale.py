"""CLI for the synthetic extracts: python -m benchmarks.scale [10x 100x 10m 100m] (logic: dashboard/scale.py)."""

from dashboard.scale import main

if __name__ == "__main__":
    raise SystemExit(main())
