"""Moderation's clock work: the nightly purge of excerpts past the retention period."""
