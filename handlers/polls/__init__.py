"""Polls: members vote on a question the team asks; results are posted when the poll ends."""
