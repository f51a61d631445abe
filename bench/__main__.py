"""Entry point for `python -m bench [--text-dir DIR]` (DIR: real directive text for bench_scan)."""

from __future__ import annotations

import argparse


def main() -> None:
    import importlib

    ap = argparse.ArgumentParser(prog="bench")
    ap.add_argument("--text-dir", default=None, help="bench_scan: also time real *.txt under this directory")
    args = ap.parse_args()
    for name in ("bench_extract", "bench_scan", "bench_batch"):
        try:
            mod = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            continue
        if name == "bench_scan":
            mod.main([], text_dir=args.text_dir)
        else:
            mod.main()


if __name__ == "__main__":
    main()
