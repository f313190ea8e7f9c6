"""Settings of the moderation feature (`[communities.moderation]`).

Every key has a default, so an empty table (or none at all) gives the shipped behaviour: all rules on, flags
only (scam links are deleted and flagged), excerpts kept 90 days. Each rule has its own table with `enabled`,
`shadow` (observe only: its flags are marked, nothing is done automatically) and `exempt`; `channels` holds
per-channel overrides keyed by channel id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from config.base import Section

SeverityName = Literal["low", "medium", "high", "critical"]
AutoAction = Literal["flag", "delete", "delete_and_timeout"]
TermMode = Literal["word", "prefix", "substring", "regex", "accented"]
RULE_NAMES = ("terms", "profanity", "hate", "spam", "links", "mentions", "caps", "emoji", "repeated", "flood",
              "crosspost", "newcomer", "classifier")  # fmt: skip


class Exemptions(Section):
    """Who and where a rule does not apply: role ids, channel ids, member ids."""

    roles: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


class RuleSettings(Section):
    enabled: bool = True
    shadow: bool = False
    exempt: Exemptions = Exemptions()


class CustomTerm(Section):
    """A community's own term. `regex` terms are checked for safety at start and refused when risky."""

    term: str = Field(min_length=1, max_length=200)
    mode: TermMode = "word"
    severity: SeverityName = "medium"
    category: str = "custom"


class TermsRule(RuleSettings):
    lists: tuple[Literal["fr", "en"], ...] = ("fr", "en")
    custom: tuple[CustomTerm, ...] = ()
    allow: tuple[str, ...] = Field(default=(), description="words never flagged (e.g. 'con' for a Spanish server)")


class ProfanityRule(RuleSettings):
    """Swearing aimed at no one ("merde, j'ai raté mon bus"): observed only unless a community says otherwise."""

    shadow: bool = True


class SpamRule(RuleSettings):
    newcomer_minutes: float = Field(default=60, gt=0, description="a link to a never-seen domain within this time")
    seen_domains_days: int = Field(default=180, ge=1, description="a domain not linked for this long is new again")


class LinksRule(RuleSettings):
    allow_domains: tuple[str, ...] = ()
    deny_domains: tuple[str, ...] = ()
    block_invites: bool = True
    scam_list: str | None = Field(default=None, description="path of a domain-per-line scam list")
    scam_list_url: str | None = Field(default=None, description="where `moderation update-lists` fetches it")
    lookalikes: bool = True
    shorteners: bool = True
    domain_model: bool = Field(default=True, description="score unknown domains with the shipped domain model")


class MentionsRule(RuleSettings):
    max_mentions: int = Field(default=5, ge=1)


class CapsRule(RuleSettings):
    min_letters: int = Field(default=16, ge=4)
    ratio: float = Field(default=0.8, gt=0, le=1)


class EmojiRule(RuleSettings):
    max_emoji: int = Field(default=12, ge=2)


class RepeatedRule(RuleSettings):
    max_run: int = Field(default=12, ge=4)


class FloodRule(RuleSettings):
    max_messages: int = Field(default=6, ge=2)
    window_seconds: float = Field(default=10, gt=0)


class CrosspostRule(RuleSettings):
    channels: int = Field(default=3, ge=2, description="same text in this many channels")
    window_seconds: float = Field(default=120, gt=0)
    min_length: int = Field(default=12, ge=1)


class NewcomerRule(RuleSettings):
    minutes: float = Field(default=30, gt=0)


class ClassifierRule(RuleSettings):
    """Linear text models beside the rules: the shipped abuse and spam models, or the community's own.

    In shadow mode by default: on public sets they never saw, the shipped models add more false positives than
    their threshold promised (docs/moderation.md); moderators' decisions measure them (`moderation stats`)
    before a community lets them act."""

    enabled: bool = True
    shadow: bool = True
    model_path: Path | None = Field(
        default=None, description="the community's own model (from `moderation train`); default: the shipped ones"
    )
    threshold: float | None = Field(
        default=None, gt=0, lt=1, description="score that flags; default: the one chosen when the model was trained"
    )


class ChannelOverride(Section):
    """Per-channel tuning: rules switched off or put in shadow mode in this channel only."""

    disable: tuple[str, ...] = ()
    shadow: tuple[str, ...] = ()

    @field_validator("disable", "shadow")
    @classmethod
    def _known(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [n for n in names if n not in RULE_NAMES]
        if unknown:
            raise ValueError(f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(RULE_NAMES)}")
        return names


class SeverityActions(Section):
    """What happens automatically, by the worst severity of a flag (a flag is always raised)."""

    low: AutoAction = "flag"
    medium: AutoAction = "flag"
    high: AutoAction = "flag"
    critical: AutoAction = "delete"


class AlertSettings(Section):
    joins: int = Field(default=10, ge=2, description="joins within join_window_seconds that make a raid alert")
    join_window_seconds: float = Field(default=60, gt=0)
    flags: int = Field(default=8, ge=2)
    flag_window_seconds: float = Field(default=300, gt=0)
    quiet_minutes: float = Field(default=30, ge=0, description="no second alert of a kind within this time")


class ObservationSettings(Section):
    """Where observations go: flags raised only by rules or models in shadow mode, which act on nothing.

    One card each in the moderation channel would drown the flags moderators must act on, so by default they are
    gathered into a periodic `digest` (counts by rule and model, a few examples with links) posted in the
    platform's `channels.observations`, else its moderation channel. `cards` posts one card each, with its
    buttons (so decisions measure the rule), in `channels.observations` only; `none` keeps them for
    `moderation stats` alone.
    """

    delivery: Literal["digest", "cards", "none"] = "digest"
    digest_hours: Literal[1, 2, 3, 4, 6, 8, 12, 24] = Field(
        default=24, description="a digest every this many hours, at local hours that are multiples of it")
    examples: int = Field(default=3, ge=0, le=10, description="examples shown in a digest, most severe first")


class ModerationSettings(Section):
    enabled: bool = True
    retention_days: int = Field(default=90, ge=1)
    timeout_minutes: int = Field(default=10, ge=1, le=40320)
    actions: SeverityActions = SeverityActions()
    exempt: Exemptions = Exemptions()
    channels: dict[str, ChannelOverride] = Field(default_factory=dict)
    alerts: AlertSettings = AlertSettings()
    terms: TermsRule = TermsRule()
    profanity: ProfanityRule = ProfanityRule()
    hate: RuleSettings = RuleSettings()
    spam: SpamRule = SpamRule()
    links: LinksRule = LinksRule()
    mentions: MentionsRule = MentionsRule()
    caps: CapsRule = CapsRule()
    emoji: EmojiRule = EmojiRule()
    repeated: RepeatedRule = RepeatedRule()
    flood: FloodRule = FloodRule()
    crosspost: CrosspostRule = CrosspostRule()
    newcomer: NewcomerRule = NewcomerRule()
    classifier: ClassifierRule = ClassifierRule()
    observations: ObservationSettings = ObservationSettings()
