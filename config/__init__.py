"""Settings schema (validated once, at start-up) and the shipped defaults: example config, locales, lists."""
