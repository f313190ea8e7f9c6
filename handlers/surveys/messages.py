"""What a survey looks like: the question with one button per score, the comment modal, the results card.

Custom ids (`srv:<verb>:<survey id>[:<score>]`): `srv:s:12:9` answers 9 to survey 12, `srv:o:12` is "do not
ask me again", the modal `srv:c:12` holds the comment. The question and comments are members' or staff's text:
they are template values, so they become escaped `Plain` spans and are never read as markup or a template.
"""

from __future__ import annotations

from bot.actions import Button, ButtonStyle, Content, Field, ModalInput
from bot.i18n import Catalogue
from bot.text import MentionUser, Text, join
from handlers.surveys.ledger import Survey
from handlers.surveys.scores import CsatEstimate, NpsEstimate, csat, distribution, nps

PREFIX = "srv"


def score_id(survey_id: int, score: int) -> str:
    return f"{PREFIX}:s:{survey_id}:{score}"


def opt_out_id(survey_id: int) -> str:
    return f"{PREFIX}:o:{survey_id}"


def comment_modal_id(survey_id: int) -> str:
    return f"{PREFIX}:c:{survey_id}"


def question_content(catalogue: Catalogue, locale: str, survey: Survey, member_id: str | None = None) -> Content:
    """The survey itself. For a DM (`member_id` set) it greets the member and offers "do not ask me again"; the
    greeting's mention is what makes the fallback post in a channel reach them."""
    low, high = survey.scale
    buttons = [Button(score_id(survey.id, value), str(value), ButtonStyle.PRIMARY) for value in range(low, high + 1)]
    parts: list[Text] = []
    if member_id is not None:
        parts.append(catalogue.text(locale, "surveys.dm_greeting", member=MentionUser(member_id)))
        buttons.append(Button(opt_out_id(survey.id), catalogue.string(locale, "surveys.button.opt_out")))
    parts.append(catalogue.text(locale, f"surveys.scale.{survey.kind}"))
    parts.append(catalogue.text(locale, "surveys.private_note"))
    return Content(
        title=Text.of(survey.question),
        text=join(parts, "\n"),
        buttons=tuple(buttons),
        footer=catalogue.text(locale, "surveys.footer", id=survey.id),
    )


def closed_content(catalogue: Catalogue, locale: str, survey: Survey) -> Content:
    """The channel message once the survey is closed: the question stays, the buttons go."""
    return Content(title=Text.of(survey.question), text=catalogue.text(locale, "surveys.closed_note"),
                   footer=catalogue.text(locale, "surveys.footer", id=survey.id))


def comment_inputs(catalogue: Catalogue, locale: str, comment_max: int, current: str = "") -> tuple[ModalInput, ...]:
    return (ModalInput("comment", catalogue.string(locale, "surveys.modal.comment"), multiline=True, required=False,
                       default=current[:comment_max], max_length=comment_max),)


def score_line(catalogue: Catalogue, locale: str, survey: Survey, scores: list[int]) -> Text:
    """One line: the score with its margin and number of answers (or "no answer yet")."""
    if survey.kind == "nps":
        estimate = nps(scores)
        return nps_text(catalogue, locale, estimate) if estimate else catalogue.text(locale, "surveys.no_answers")
    found = csat(scores)
    return csat_text(catalogue, locale, found) if found else catalogue.text(locale, "surveys.no_answers")


def nps_text(catalogue: Catalogue, locale: str, estimate: NpsEstimate) -> Text:
    return catalogue.text(locale, "surveys.score.nps", score=round(estimate.score), margin=round(estimate.margin),
                          count=estimate.answers, promoters=estimate.promoters, passives=estimate.passives,
                          detractors=estimate.detractors)


def csat_text(catalogue: Catalogue, locale: str, estimate: CsatEstimate) -> Text:
    return catalogue.text(locale, "surveys.score.csat", share=round(100 * estimate.share),
                          low=round(100 * estimate.low), high=round(100 * estimate.high), count=estimate.answers)


def results_content(catalogue: Catalogue, locale: str, survey: Survey, scores: list[int],
                    comments: list[tuple[int, str]] | None = None, sent: int | None = None) -> Content:
    """The figures of one survey for the staff: score, margin, the distribution, and (for `/survey results`
    only, never in a channel) the comments with their score and no name."""
    spread = ", ".join(f"{value}: {count}" for value, count in distribution(scores, survey.scale))
    fields = [Field(catalogue.string(locale, "surveys.field.score"), score_line(catalogue, locale, survey, scores),
                    inline=False),
              Field(catalogue.string(locale, "surveys.field.distribution"), Text.of(spread), inline=False)]
    if sent is not None:
        fields.append(Field(catalogue.string(locale, "surveys.field.sent"), Text.of(str(sent))))
    if comments is not None:
        lines = [catalogue.text(locale, "surveys.comment_line", score=score, comment=text) for score, text in comments]
        fields.append(Field(catalogue.string(locale, "surveys.field.comments"),
                            join(lines) if lines else catalogue.text(locale, "surveys.no_comments"), inline=False))
    title = catalogue.text(locale, "surveys.results_title", id=survey.id, kind=survey.kind.upper(),
                           question=survey.question)
    return Content(title=title, fields=tuple(fields),
                   footer=catalogue.text(locale, f"surveys.status.{survey.status}"))
