"""Clock work of surveys: starting, sending DMs at the configured rate, closing, retention."""
