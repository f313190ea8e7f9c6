"""When a recurring survey comes back: the same local wall-clock time, one month or one quarter later.

Months are counted on the calendar (`dateutil.relativedelta`: a survey of the 31st comes back on the last day of
a shorter month), and the wall-clock time is placed in the community's timezone as the calendar places its posts
(`handlers.calendar.recurrence.place`), so a survey started at 10:00 comes back at 10:00 across summer time.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from handlers.calendar.recurrence import place

MONTHS = {"month": 1, "quarter": 3}


def next_start(series_start: int, every: str, tz: ZoneInfo, after: int) -> int:
    """The first start of the series begun at `series_start` later than `after` (epoch seconds): the next
    period's, or a later one when the bot was stopped for longer than a period (the missed ones are not made up
    for). Counted from the series' first start, so the 31st comes back on the 31st after a shorter month."""
    local = datetime.fromtimestamp(series_start, tz).replace(tzinfo=None)
    step = 1
    while True:
        moment = local + relativedelta(months=MONTHS[every] * step)
        start = int(place(moment.date(), moment.time(), tz).timestamp())
        if start > after:
            return start
        step += 1
