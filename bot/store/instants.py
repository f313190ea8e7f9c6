"""How an instant is written in the store.

Every table that orders or ranges rows by time compares the stored strings as text, which is time order only
when every instant is written in the same offset and form: UTC, ISO 8601."""

from datetime import UTC, datetime


def utc_text(at: datetime) -> str:
    """`at` as the store writes instants: UTC ISO 8601, so comparing two of them as text compares the times."""
    return at.astimezone(UTC).isoformat()
