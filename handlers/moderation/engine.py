"""The rule engine: one community's enabled rules, their exemptions and channel overrides, run on a message.

Built once per community from its settings; `check` is the hot path (every post and every edit), so the
per-rule exemption test is a precomputed set look-up and rules are plain method calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from config.moderation import ChannelOverride, ModerationSettings, RuleSettings
from handlers.moderation.agreement import agreement
from handlers.moderation.domain_model import load_checked, shipped_path
from handlers.moderation.model import LinearModel
from handlers.moderation.overlap import OneHit
from handlers.moderation.rules.activity import CrossPost, Flood, Newcomer
from handlers.moderation.rules.base import Hit, MessageFacts, Rule, Severity
from handlers.moderation.rules.hate import GroupHate, HateFinder
from handlers.moderation.rules.links import Links
from handlers.moderation.rules.mentions import MentionSpam
from handlers.moderation.rules.spam import Spam
from handlers.moderation.rules.style import Capitals, EmojiSpam, RepeatedCharacters
from handlers.moderation.rules.terms import BannedTerms, Gate, Insults, Profanity, Swearing
from handlers.moderation.seen_domains import SeenDomains
from handlers.moderation.terms import PROFANITY, LanguageTerms, Term, load_list
from handlers.moderation.triage import Triage
from handlers.moderation.urls import ScamList

log = logging.getLogger(__name__)
Check = Callable[[MessageFacts], Hit | None]
Merge = Callable[[list[Hit], MessageFacts, frozenset[str]], list[Hit]]
MODEL_RULE = "classifier"


class Verdict:
    """What the engine found. `shadow` names the rules that hit in observe-only mode."""

    __slots__ = ("hits", "shadow")

    def __init__(self, hits: tuple[Hit, ...] = (), shadow: frozenset[str] = frozenset()) -> None:
        self.hits = hits
        self.shadow = shadow

    @property
    def severity(self) -> Severity:
        return max(hit.severity for hit in self.hits)

    @property
    def all_shadow(self) -> bool:
        return all(hit.rule in self.shadow for hit in self.hits)

    @property
    def acting_severity(self) -> Severity | None:
        """The worst severity among rules not in shadow mode: what automatic actions may follow."""
        live = [hit.severity for hit in self.hits if hit.rule not in self.shadow]
        return max(live) if live else None

    @property
    def source(self) -> str:
        """ "rules", "model" or "both": which kind of check raised the flag (models are the classifier rule's)."""
        model = any(hit.rule == MODEL_RULE for hit in self.hits)
        rules = any(hit.rule != MODEL_RULE for hit in self.hits)
        return "both" if model and rules else "model" if model else "rules" if rules else ""

    @property
    def acting(self) -> bool:
        """At least one hit outside shadow mode: a flag moderators are asked to act on."""
        return any(hit.rule not in self.shadow for hit in self.hits)

    def __bool__(self) -> bool:
        return bool(self.hits)

    def __repr__(self) -> str:
        return f"Verdict({self.hits!r}, shadow={set(self.shadow)!r})"


CLEAN = Verdict()


@dataclass(frozen=True, slots=True)
class _Slot:
    rule: Rule
    shadow: bool
    roles: frozenset[str]
    channels: frozenset[str]
    members: frozenset[str]

    @property
    def has_exemptions(self) -> bool:
        return bool(self.roles or self.channels or self.members)

    def exempts(self, message: MessageFacts) -> bool:
        return (
            message.channel_id in self.channels
            or message.member_id in self.members
            or (bool(self.roles) and not self.roles.isdisjoint(message.roles))
        )


class Engine:
    """`gated` (the default) runs a rule only when the triage says it may hit (`triage.py`): the verdicts are the
    same as with `gated=False`, which runs every rule on every message (kept as the reference)."""

    def __init__(
        self, settings: ModerationSettings, rules: list[tuple[Rule, RuleSettings]], gated: bool = True,
        merge: Merge | None = None,
    ) -> None:
        """`merge` turns the hits of a message two of whose rules hit into the hits reported (one hit for one
        abuse, `overlap.OneHit`)."""
        self.settings = settings
        self.merge = merge
        exempt = settings.exempt
        self.slots = [
            _Slot(
                rule,
                own.shadow,
                frozenset(exempt.roles) | frozenset(own.exempt.roles),
                frozenset(exempt.channels) | frozenset(own.exempt.channels),
                frozenset(exempt.members) | frozenset(own.exempt.members),
            )
            for rule, own in rules
            if own.enabled
        ]
        # The hot loop reads plain tuples: (check, name, slot or None when the rule has no exemptions, shadow).
        self._plan = [(s.rule.check, s.rule.name, s if s.has_exemptions else None, s.shadow) for s in self.slots]
        # With no exemptions and no channel overrides at all, the loop is only the rules' checks.
        self._plain = None if any(s.has_exemptions for s in self.slots) else [s.rule.check for s in self.slots]
        self.overrides = settings.channels
        self.triage = Triage([s.rule for s in self.slots]) if gated and self.slots else None
        self._by_mask: dict[int, list[Check]] = {}  # the plain loop per triage answer
        self.newcomer = next((r for r, _ in rules if isinstance(r, Newcomer)), None)
        self._shadow = frozenset(name for _, name, _, shadow in self._plan if shadow)

    @property
    def rule_names(self) -> list[str]:
        return [slot.rule.name for slot in self.slots]

    def check(self, message: MessageFacts) -> Verdict:
        override = self.overrides.get(message.channel_id) if self.overrides else None
        hits: list[Hit] = []
        mask = self.triage.mask(message) if self.triage is not None else -1
        if override is None and self._plain:
            checks = self._plain if mask == -1 else self._by_mask.get(mask) or self._plain_for(mask)
            for check in checks:
                hit = check(message)
                if hit is not None:
                    hits.append(hit)
            return self._verdict(hits, None, message)
        for index, (check, name, exemptions, _shadow) in enumerate(self._plan):
            if not mask >> index & 1:
                continue
            if exemptions is not None and exemptions.exempts(message):
                continue
            if override is not None and name in override.disable:
                continue
            hit = check(message)
            if hit is not None:
                hits.append(hit)
        return self._verdict(hits, override, message)

    def _plain_for(self, mask: int) -> list[Check]:
        """The checks of the rules in `mask`, in order; kept per mask (at most a few dozen occur)."""
        assert self._plain is not None
        checks: list[Check] = [check for index, check in enumerate(self._plain) if mask >> index & 1]
        if len(self._by_mask) < 4096:
            self._by_mask[mask] = checks
        return checks

    def _verdict(self, hits: list[Hit], override: ChannelOverride | None, message: MessageFacts) -> Verdict:
        if not hits:
            return CLEAN
        shadow = self._shadow if override is None else self._shadow.union(override.shadow)
        if len(hits) > 1:
            if self.merge is not None:
                hits = self.merge(hits, message, shadow)
            if hits[-1].rule == MODEL_RULE:  # the model runs last: does it agree with the rules?
                hits = agreement(hits, shadow)
        return Verdict(tuple(hits), shadow.intersection([hit.rule for hit in hits]) if shadow else frozenset())

    def check_text(self, text: str) -> Verdict:
        """Content rules only, for evaluation: a message with no author history, mentions or channel."""
        return self.check(MessageFacts(text))


def build_terms(settings: ModerationSettings) -> tuple[LanguageTerms, LanguageTerms]:
    """(insults, slurs, threats...; profanity): the shipped lists the community chose, plus its own terms, minus
    its allowed words. A community's own terms apply whatever the message's language."""
    own = settings.terms
    terms: list[Term] = []
    for language in own.lists:
        terms.extend(load_list(language))
    for custom in own.custom:
        terms.append(Term(custom.term, custom.category, Severity.parse(custom.severity), custom.mode))
    swearing = [t for t in terms if t.category == PROFANITY]
    return LanguageTerms([t for t in terms if t.category != PROFANITY], own.allow), LanguageTerms(swearing, own.allow)


@cache
def shipped_domain_model() -> LinearModel | None:
    """The shipped scam-domain model (`config/models/domains.npz`), loaded once per process if its digest matches
    (`domain_model.load_checked`); without it the links rule runs on the list and the shapes alone."""
    try:
        return load_checked(shipped_path())
    except (OSError, ValueError) as error:
        log.warning("the scam-domain model could not be loaded: %s", error)
        return None


def build_engine(settings: ModerationSettings, base_dir: Path | None = None, classifier: Rule | None = None,
                 seen_domains: SeenDomains | None = None, gated: bool = True, shortcuts: bool = True) -> Engine:
    """Every rule of `settings`, in the order a moderator reads a flag: content first, then behaviour.
    `seen_domains` is the community's memory of linked domains (kept in the store by the feature).
    `shortcuts=False` makes every rule take its full path (no anchored patterns, each word list looked up by
    its own matcher): with `gated=False`, the reference the fast engine's verdicts are tested against."""
    links = settings.links
    scam_path = Path(links.scam_list) if links.scam_list else None
    if scam_path is not None and not scam_path.is_absolute() and base_dir is not None:
        scam_path = base_dir / scam_path
    scams = ScamList.read(scam_path)
    if scam_path is not None and not len(scams):
        log.warning("the scam list %s is missing or empty: run `cmbot moderation update-lists`", scam_path)
    insults, profanity = build_terms(settings)
    # one look for candidates of either list, and one look-up of both lists, per message; the reference engine
    # (`shortcuts=False`) looks each list up by its own matcher
    gate = Gate([insults, profanity]) if shortcuts else None
    swearing, found_insults = Swearing(profanity, gate), Insults(insults, gate)
    hate = HateFinder(anchored=shortcuts)  # the message's hate finding, read again to merge hits (`overlap.py`)
    rules: list[tuple[Rule, RuleSettings]] = [
        (BannedTerms(found_insults, swearing), settings.terms),
        (GroupHate(anchored=shortcuts, finder=hate), settings.hate),
        (Profanity(swearing, found_insults), settings.profanity),
        (Spam(settings.spam.newcomer_minutes, seen_domains), settings.spam),
        (
            Links(
                scams,
                frozenset(links.allow_domains),
                frozenset(links.deny_domains),
                links.block_invites,
                links.lookalikes,
                links.shorteners,
                domain_model=shipped_domain_model() if links.domain_model else None,
            ),
            links,
        ),
        (MentionSpam(settings.mentions.max_mentions), settings.mentions),
        (Capitals(settings.caps.min_letters, settings.caps.ratio), settings.caps),
        (EmojiSpam(settings.emoji.max_emoji), settings.emoji),
        (RepeatedCharacters(settings.repeated.max_run, sampled=shortcuts), settings.repeated),
        (Flood(settings.flood.max_messages, settings.flood.window_seconds), settings.flood),
        (
            CrossPost(settings.crosspost.channels, settings.crosspost.window_seconds, settings.crosspost.min_length),
            settings.crosspost,
        ),
        (Newcomer(settings.newcomer.minutes), settings.newcomer),
    ]
    if classifier is not None:  # the caller loaded a model: it runs, with the configured shadow and exemptions
        rules.append((classifier, settings.classifier.model_copy(update={"enabled": True})))
    return Engine(settings, rules, gated, OneHit(hate, found_insults, swearing).merge)
