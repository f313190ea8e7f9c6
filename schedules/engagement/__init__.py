"""The engagement log's clock work: nightly roll-ups of days and weeks, and the retention purge."""
