"""The moderation rules: each a small class with one job, `check(message) -> Hit | None`."""
