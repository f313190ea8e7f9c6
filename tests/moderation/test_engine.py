"""The engine: exemptions, per-channel overrides, shadow mode, hostile input in bounded time, speed floor."""

from __future__ import annotations

import pytest

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.rules.base import MessageFacts
from tests.moderation.work import calls


def engine(**settings):
    return build_engine(ModerationSettings.model_validate(settings))


def rules_hit(verdict) -> set[str]:
    return {hit.rule for hit in verdict.hits}


def test_global_and_per_rule_exemptions():
    built = engine(
        exempt={"roles": ["staff"], "channels": ["trash-talk"], "members": ["bob"]},
        caps={"exempt": {"channels": ["announcements"]}},
    )
    rude = "TU ES UN CONNARD ET TOUT LE MONDE LE SAIT"
    assert rules_hit(built.check(MessageFacts(rude, member_id="alice", channel_id="general"))) == {"terms", "caps"}
    assert not built.check(MessageFacts(rude, member_id="alice", roles=frozenset({"staff"})))
    assert not built.check(MessageFacts(rude, member_id="alice", channel_id="trash-talk"))
    assert not built.check(MessageFacts(rude, member_id="bob"))
    assert rules_hit(built.check(MessageFacts(rude, member_id="alice", channel_id="announcements"))) == {"terms"}


def test_channel_overrides_disable_or_shadow_a_rule():
    built = engine(channels={"memes": {"disable": ["caps"], "shadow": ["terms"]}})
    verdict = built.check(MessageFacts("ESPÈCE DE CONNARD, TU ME SOULES", channel_id="memes"))
    assert rules_hit(verdict) == {"terms"} and verdict.shadow == {"terms"} and verdict.acting_severity is None
    verdict = built.check(MessageFacts("ESPÈCE DE CONNARD, TU ME SOULES", channel_id="general"))
    assert rules_hit(verdict) == {"terms", "caps"} and not verdict.shadow


def test_unknown_rule_names_in_overrides_are_refused():
    with pytest.raises(ValueError, match="unknown rule"):
        ModerationSettings.model_validate({"channels": {"x": {"disable": ["capitals"]}}})


def test_shadow_rules_hit_but_never_act():
    built = engine(links={"shadow": True})
    verdict = built.check(MessageFacts("join discord.gg/elsewhere"))
    assert verdict.all_shadow and verdict.acting_severity is None


def test_disabled_rules_do_not_run():
    built = engine(terms={"enabled": False})
    assert "terms" not in built.rule_names
    assert not built.check(MessageFacts("connard"))


def test_an_empty_table_gives_the_shipped_defaults():
    settings = ModerationSettings.model_validate({})
    assert settings.retention_days == 90 and settings.actions.critical == "delete" and settings.actions.high == "flag"
    assert build_engine(settings).rule_names == [
        "terms", "hate", "profanity", "spam", "links", "mentions", "caps", "emoji", "repeated", "flood",
        "crosspost", "newcomer",
    ]  # fmt: skip


def test_community_terms_and_allow_list():
    built = engine(
        terms={
            "custom": [
                {"term": "spoiler", "mode": "substring", "severity": "low"},
                {"term": "(a+)+$", "mode": "regex"},
                {"term": ".*", "mode": "regex"},
            ],
            "allow": ["con"],
        }
    )
    assert rules_hit(built.check(MessageFacts("gros SPOILERS ici"))) == {"terms"}
    assert not built.check(MessageFacts("café con leche"))
    assert "terms" not in rules_hit(built.check(MessageFacts("a" * 5000 + "!")))  # the risky regex never ran
    assert not built.check(MessageFacts("bonjour"))


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 100_000,
        "connard " * 12_500,
        "c.o.n " * 16_000,
        "\u0301" * 100_000,
        "\ud83d" * 50_000 + "\udca9" * 50_000,
        "https://" + "a." * 40_000 + "com",
        "@everyone " * 10_000,
        "😀" * 100_000,
        "<:x:1>" * 16_000,
        "AB" * 50_000,
        ".*" * 50_000,
    ],
)
def test_hostile_messages_finish_quickly(hostile: str) -> None:
    built = engine()
    assert calls(lambda: built.check(MessageFacts(hostile, member_id="m", channel_id="c"))) < 50_000


def test_work_grows_linearly_with_length() -> None:
    built = engine()
    unit = "Salut c.o.n.n.a.r.d regarde https://bit.ly/x 😀 b1tch aaaa "

    def cost(repeat: int) -> int:
        return calls(lambda: built.check(MessageFacts(unit * repeat)))

    small, large = cost(200), cost(2000)
    assert large < small * 10 * 1.5  # ten times the text: about ten times the work, never a hundred


def test_ordinary_chat_is_cheap() -> None:
    """A ceiling on the calls per ordinary message, so a regression shows whatever the machine's load."""
    built = engine()
    messages = ["Bonjour à tous, qui vient au concours demain ?", "gg well played!", "lol :)",
                "Le député a parlé du conseil municipal.", "check https://example.org/page"] * 40  # fmt: skip
    spent = calls(lambda: [built.check(MessageFacts(text)) for text in messages])
    assert spent / len(messages) < 250


ADVERSARIAL = ["a", "a ", "c.", "1a", "@", "é", "\u0301", "😀", ":x", "<!", "ab.", "x-", "A", "www.", "http://a."]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_every_rule_is_linear_in_the_message_length(unit: str) -> None:
    """Each rule alone, on ten times more of the same pattern, takes about ten times longer, never a hundred."""
    built = engine()

    def cost(size: int) -> dict[str, int]:
        text = unit * (size // len(unit))
        spent = {}
        for slot in built.slots:
            facts = MessageFacts(text, member_id="m", channel_id="c", space_id="s")
            spent[slot.rule.name] = calls(lambda f=facts, s=slot: s.rule.check(f))
        return spent

    small, large = cost(10_000), cost(100_000)
    for name, counted in large.items():
        assert counted <= max(small[name], 50) * 15, (name, unit, small[name], counted)
