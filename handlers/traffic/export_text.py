"""An export that cannot be imported, said in the community's language.

`ExportError` and `RowProblem` carry a code and values only; this module turns them into words through the
catalogue (`traffic.export.*`), including the columns each tool's export is expected to have, so a French
community reads « colonnes non reconnues » and the expected column names, as the tool writes them, in one list.
"""

from __future__ import annotations

from bot.i18n import Catalogue
from handlers.traffic.exports import LAYOUTS, MAX_ERRORS_SHOWN, ExportError, Layout, RowProblem


def _alternatives(layout: Layout, names: tuple[str, ...], say: Catalogue, lang: str) -> str:
    return say.string(lang, "traffic.export.or").join(layout.shown(name) for name in names)


def expected_columns(layout: Layout, lang: str, catalogue: Catalogue | None = None) -> str:
    """« GA4 : Date, Session source / medium ou … » : the columns one tool's export must (or may) have."""
    say = catalogue or Catalogue.shipped()

    def names(found: tuple[str, ...]) -> str:
        return _alternatives(layout, found, say, lang)

    def optional(text: str) -> str:
        return say.string(lang, "traffic.export.optional", column=text)

    parts = [names(layout.date)]
    if layout.source_medium:
        parts.append(say.string(lang, "traffic.export.combined", combined=names(layout.source_medium),
                                source=names(layout.source[:1]), medium=names(layout.medium[:1])))
    else:
        parts += [names(layout.source), optional(names(layout.medium))]
    parts += [names(layout.campaign), names(layout.visits)]
    conversions = names(layout.conversions)
    parts.append(conversions if layout.conversions_required else optional(conversions))
    return say.string(lang, "traffic.export.layout", label=layout.label, columns=", ".join(parts))


def problem_text(problem: RowProblem, lang: str, catalogue: Catalogue | None = None) -> str:
    say = catalogue or Catalogue.shipped()
    values = dict(problem.values)
    if "what" in values:
        values["what"] = say.string(lang, f"traffic.export.what.{values['what']}")
    return say.string(lang, f"traffic.export.{problem.code}", **values)


def describe(error: ExportError, lang: str, catalogue: Catalogue | None = None) -> str:
    """The whole reason, on several lines when there is a list (expected layouts, bad lines)."""
    say = catalogue or Catalogue.shipped()
    values = dict(error.values)
    if error.code == "unrecognised":
        values["columns"] = (", ".join(say.string(lang, "traffic.export.quoted", name=name) for name in error.columns)
                             or say.string(lang, "traffic.export.no_columns"))
        lines = [say.string(lang, "traffic.export.unrecognised", **values)]
        lines += [expected_columns(layout, lang, say) for layout in LAYOUTS]
        return "\n  ".join(lines)
    if error.code == "bad_lines":
        shown = error.problems[:MAX_ERRORS_SHOWN]
        lines = [say.string(lang, "traffic.export.bad_lines", **values)]
        lines += [say.string(lang, "traffic.export.line", line=item.line,
                             problem=problem_text(item.problem, lang, say)) for item in shown]
        if len(error.problems) > len(shown):
            lines.append(say.string(lang, "traffic.export.more", count=len(error.problems) - len(shown)))
        return "\n  ".join(lines)
    return say.string(lang, f"traffic.export.{error.code}", **values)
