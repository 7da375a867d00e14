"""The staff command line (`starter.py`), one module per group of commands."""
