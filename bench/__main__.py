"""Entry point for `python -m bench`."""

from __future__ import annotations


def main() -> None:
    import importlib

    for name in ("bench_extract", "bench_scan", "bench_batch"):
        try:
            mod = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            continue
        mod.main()


if __name__ == "__main__":
    main()
