"""Thin Prefect flows over the `pipeline` library: they orchestrate, the library does the work."""
