"""What a poll looks like: the native poll (Discord), the button card with its live count (Slack, console), the
closed card, the results, and a poll's line in a list.

Question and answers are the team's words but are treated as members' words: they only ever travel as `Plain`
spans or template values (escaped by every adapter, so `@everyone` or `<!channel>` stays inert) or as a native
poll's plain text; never as markup and never through `str.format`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Button, ButtonStyle, Content, PollSpec
from bot.i18n import Catalogue, precise_percent
from bot.text import Plain, Strong, Text, join
from config.settings import Community
from handlers.calendar.dates import moment
from handlers.polls.polls import CLOSED, WITHDRAWN, Poll, Tally

VOTE_PREFIX = "poll:vote:"
BUTTON_LABEL_LIMIT = 75  # within Discord's 80 and Slack's 75 characters


def vote_id(poll_id: int, answer: int) -> str:
    return f"{VOTE_PREFIX}{poll_id}:{answer}"


def read_vote_id(custom_id: str) -> tuple[int, int] | None:
    """(poll id, answer index) from a vote button's id; None for any other id."""
    if not custom_id.startswith(VOTE_PREFIX):
        return None
    poll, _, answer = custom_id.removeprefix(VOTE_PREFIX).partition(":")
    return (int(poll), int(answer)) if poll.isdigit() and answer.isdigit() else None


def when(instant: datetime, community: Community) -> str:
    return moment(instant.astimezone(ZoneInfo(community.timezone)), community.locale)


def share_text(tally: Tally, index: int, community: Community, catalogue: Catalogue) -> str:
    value = tally.share(index)
    return catalogue.string(community.locale, "polls.card.no_share") if value is None \
        else precise_percent(value, community.locale)


def answer_lines(poll: Poll, tally: Tally, community: Community, catalogue: Catalogue) -> list[Text]:
    lines = []
    leaders = set(tally.leaders()) if poll.status == CLOSED else set()
    for index, answer in enumerate(poll.answers):
        shown: Plain | Strong = Strong(answer) if index in leaders else Plain(answer)
        lines.append(catalogue.text(community.locale, "polls.card.line", answer=shown, count=tally.counts[index],
                                    share=share_text(tally, index, community, catalogue)))
    lines.append(catalogue.text(community.locale, "polls.card.voters", count=tally.voters))
    return lines


def native_content(poll: Poll, community: Community, catalogue: Catalogue, ends: datetime) -> Content:
    """The message of a native poll: a line naming the poll and its end, the poll itself below."""
    text = catalogue.text(community.locale, "polls.card.native_intro", id=str(poll.id), when=when(ends, community))
    return Content(text=text, poll=PollSpec(poll.question, poll.answers, poll.duration, poll.multiple))


def button_content(poll: Poll, tally: Tally, community: Community, catalogue: Catalogue, ends: datetime) -> Content:
    """The card members vote on with buttons; its count is redrawn after every vote. Closed: no buttons."""
    locale = community.locale
    title = catalogue.text(locale, "polls.card.title", id=str(poll.id), question=poll.question)
    if poll.status == CLOSED:
        footer = catalogue.text(locale, "polls.card.closed", when=when(poll.closed_at or ends, community))
        buttons: tuple[Button, ...] = ()
    else:
        key = "polls.card.multiple" if poll.multiple else "polls.card.single"
        footer = catalogue.text(locale, key, when=when(ends, community))
        buttons = tuple(Button(vote_id(poll.id, i), _label(answer), ButtonStyle.PRIMARY)
                        for i, answer in enumerate(poll.answers))
    return Content(title=title, text=join(answer_lines(poll, tally, community, catalogue)), footer=footer,
                   buttons=buttons)


def _label(answer: str) -> str:
    return answer if len(answer) <= BUTTON_LABEL_LIMIT else answer[: BUTTON_LABEL_LIMIT - 1] + "…"


def results_content(poll: Poll, tally: Tally, community: Community, catalogue: Catalogue) -> Content:
    """The results posted where the poll ran, once it ended."""
    locale = community.locale
    leaders = tally.leaders()
    if not leaders:
        verdict = catalogue.text(locale, "polls.results.nobody")
    elif len(leaders) == 1:
        verdict = catalogue.text(locale, "polls.results.winner", answer=poll.answers[leaders[0]])
    else:
        verdict = catalogue.text(locale, "polls.results.tie",
                                 answers=join([Text.of(poll.answers[i]) for i in leaders], " · "))
    title = catalogue.text(locale, "polls.results.title", id=str(poll.id))
    body = join([Text.of(Strong(poll.question)), *answer_lines(poll, tally, community, catalogue), verdict])
    return Content(title=title, text=body)


def list_line(poll: Poll, tally: Tally, community: Community, catalogue: Catalogue) -> Text:
    locale = community.locale
    status = catalogue.text(locale, f"polls.status.{poll.status}")
    if poll.status == CLOSED and poll.closed_at:
        moment_text = catalogue.text(locale, "polls.list.closed_at", when=when(poll.closed_at, community))
    elif poll.status == WITHDRAWN:
        moment_text = catalogue.text(locale, f"polls.withdrawn.{poll.withdrawn_reason or 'cancelled'}",
                                     post=str(poll.calendar_post_id or "—"),
                                     when=when(poll.withdrawn_at, community) if poll.withdrawn_at else "—")
    elif poll.ends_at:
        moment_text = catalogue.text(locale, "polls.list.ends_at", when=when(poll.ends_at, community))
    else:
        moment_text = catalogue.text(locale, "polls.list.post", post=str(poll.calendar_post_id or "—"))
    question = poll.question if len(poll.question) <= 60 else poll.question[:59] + "…"
    return catalogue.text(locale, "polls.list.line", id=str(poll.id), status=status, question=question,
                          moment=moment_text, count=tally.voters)


def summary(question: str, answers: tuple[str, ...], multiple: bool, duration: timedelta, locale: str,
            catalogue: Catalogue) -> str:
    """The calendar's plain-text description of a poll (its previews and lists show it, never as markup)."""
    head = catalogue.string(locale, "polls.card.summary", question=question, duration=duration,
                            choice=catalogue.string(locale, "polls.card.choice_multiple" if multiple
                                                    else "polls.card.choice_single"))
    return "\n".join([head, *(f"• {answer}" for answer in answers)])
