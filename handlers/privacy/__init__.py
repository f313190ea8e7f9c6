"""Privacy: forget-me, export, opt-out and account links, for members (slash commands) and admins (CLI)."""
