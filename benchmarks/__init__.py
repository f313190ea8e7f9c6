"""cmbot's benchmark harness: `python -m benchmarks [NAME...] [--json PATH]`."""
