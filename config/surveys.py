"""Settings of satisfaction surveys (`[communities.surveys]`): NPS and CSAT questions asked in a channel or by
direct message, how often a member may be asked, how fast the bot sends, and how long answers are kept.

Every key has a default, so `/survey new` works in a community that says nothing: direct messages go to the
members active in the last 4 weeks, at most 20 a minute, never twice to the same member within 30 days, and a
survey stays open 7 days. Comments are erased after 90 days, answers after 400 (a year of week-over-week
comparison and a little more).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from config.base import Section


class SurveySettings(Section):
    enabled: bool = True
    active_weeks: int = Field(default=4, ge=1, le=52,
                              description="a DM survey goes to members active in the last this many weeks")
    repeat_days: int = Field(default=30, ge=1, le=365,
                             description="a member is sent at most one survey in this many days")
    dms_per_minute: int = Field(default=20, ge=1, le=600, description="direct messages sent at most this fast")
    max_recipients: int = Field(default=500, ge=1, le=100_000, description="at most this many DMs for one survey")
    open_days: int = Field(default=7, ge=1, le=60, description="a survey closes this many days after it starts")
    comment_max: int = Field(default=1000, ge=1, le=4000, description="the longest comment kept, in characters")
    report_min_answers: int = Field(
        default=5, ge=1, le=100,
        description="fewer answers than this in a week: the report gives the count but no score",
    )
    comment_days: int = Field(default=90, ge=1, le=3650, description="comments are erased after this many days")
    answer_days: int = Field(default=400, ge=7, le=3650, description="answers are erased after this many days")

    @model_validator(mode="after")
    def _comments_go_first(self) -> SurveySettings:
        if self.comment_days > self.answer_days:
            raise ValueError("comment_days cannot be longer than answer_days (a comment belongs to its answer)")
        return self
