"""Rules and model agreeing: the abuse model's hit is high when an abuse rule acting on the message also hit.

The abuse model knows that a message is rude, not whom it is aimed at, and alone it is wrong more often than the
rules: its hit alone is low (`classifier.model_severity`). A listed term or a hate pattern is other evidence,
found another way: when both say abuse, the flag is far more often right (measured on every public set,
docs/moderation.md), so the model's hit is then high and says so. The engine asks after the rules ran.
"""

from __future__ import annotations

from handlers.moderation.rules.base import Hit, Severity

MODEL = "classifier"  # the classifier rule's name
# The rules whose hits claim abuse (a listed insult, slur or threat; a hate pattern): the abuse model agrees
# with them, not with a capitals or spam flag, nor with swearing at no one.
ABUSE_RULES = frozenset({"terms", "hate"})
AGREES = ", agrees with the rules"


def agreement(hits: list[Hit], shadow: frozenset[str]) -> list[Hit]:
    """`hits` with the abuse model's hit raised to high when an abuse rule acting on the message (not in shadow
    mode) also hit: rules and model agree. Called by the engine when the model hit beside other rules."""
    model = hits[-1]
    if model.rule != MODEL or not model.detail.startswith("abuse model"):
        return hits
    if not any(hit.rule in ABUSE_RULES and hit.rule not in shadow for hit in hits):
        return hits
    return [*hits[:-1], Hit(model.rule, Severity.HIGH, model.detail + AGREES)]
