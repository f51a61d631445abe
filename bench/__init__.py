"""Benchmarks (`make bench`): throughput as ratios to floors measured in the same run."""
