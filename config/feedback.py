"""Settings of the feedback inbox (`[communities.feedback]`).

The inbox keeps what a member chose to send the brand (`/feedback`) only as long as the team needs it to answer:
the words go after `text_days`, the row (kind, dates, who decided) after `keep_days`. A message marked as
feedback or posted in a feedback channel is never copied: the inbox keeps a link to it.
"""

from __future__ import annotations

from pydantic import Field

from config.base import Section

KINDS = ("idea", "bug", "praise", "complaint")
"""What a member may say their feedback is. Messages taken from a feedback channel or marked by a CM have no kind
of their own: they are `unsorted`."""


class FeedbackSettings(Section):
    """The feedback inbox: `/feedback`, the CMs' cards, and how long the words are kept."""

    enabled: bool = True
    text_days: int = Field(
        default=90, ge=1, le=3650, description="a feedback's text and the team's answer are erased after this"
    )
    keep_days: int = Field(
        default=396, ge=7, le=3650, description="a feedback's row (kind, dates, decisions) is deleted after this"
    )
    max_length: int = Field(default=2000, ge=100, le=4000, description="the longest feedback text accepted")
