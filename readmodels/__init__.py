"""Typed read models both faces (CLI, web) show: built from the database and Temporal, rendered
by neither."""
