"""Audit runs: local, parallel and Dask; they return results and totals, never print."""
