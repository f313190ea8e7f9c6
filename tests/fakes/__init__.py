"""Local protocol fakes of Discord and Slack, for tests that run the real client libraries."""
