"""Batch scanning: input discovery, the process-pool runner, the SQLite store, Dask, statistics."""
