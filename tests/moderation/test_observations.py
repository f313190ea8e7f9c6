"""Observations (flags of rules in shadow mode) kept out of the moderators' queue: a periodic digest by default,
one card each in a channel of their own when asked, never one card each in the moderation channel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.actions import ActionResult, EditMessage, FindPost, Post
from bot.events import PlatformName
from bot.text import Link
from config.loader import ConfigError, feature_check, parse_settings
from handlers.moderation import observations
from tests.moderation.conftest import BASE_TOML, CLAIRE, T0, Bot
from tests.recording import RecordingPlatform

SHADOW_CAPS = "caps = { shadow = true }"
MIDNIGHT_PARIS = T0.replace(hour=23)  # 2026-11-24 00:00 in Paris (the test community's timezone)


class RefusingPlatform(RecordingPlatform):
    """Records every action; refuses posts to `refused` channels while they are listed."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()
        self.refusals = 0

    async def execute(self, action):
        if isinstance(action, Post) and action.channel_id in self.refused:
            self.refusals += 1
            return ActionResult.failed("internal server error", permanent=False)
        return await super().execute(action)


def digests_in(platform: RecordingPlatform, channel: str = "modq") -> list[Post]:
    return [a for a in platform.of_type(Post) if a.channel_id == channel and a.content.title is not None
            and a.content.title.plain().startswith(("Observations", "Observations :"))]


def field_text(post: Post) -> dict[str, str]:
    return {f.name: f.value.plain() for f in post.content.fields}


async def test_observations_wait_for_one_daily_digest_with_counts_and_linked_examples(make_bot):
    bot = await make_bot(SHADOW_CAPS)
    wakeups = bot.app.services.wakeups
    for n in range(3):
        await bot.post(f"WHY DOES NOBODY EVER ANSWER HERE NUMBER {n}")
    await bot.post("this shit is so good")  # swearing at no one: the profanity rule, shadow by default
    await bot.post("ESPÈCE DE CONNARD, TU M'ENTENDS")  # a live flag (the caps rule joins it, in shadow)
    flags = bot.flags()
    assert [f["shadow"] for f in flags] == [1, 1, 1, 1, 0]  # every finding is written, before any announcement
    [card] = bot.platform.of_type(Post)
    assert card.channel_id == "modq" and "#5" in card.content.title.plain()  # only the live flag has a card

    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    [digest] = digests_in(bot.platform)
    assert digest.content.title.plain() == "Observations: 4 flags in shadow mode"
    fields = field_text(digest)
    assert fields["By rule or model"].splitlines() == ["capitals: 3 flags", "swearing: 1 flag"]
    examples = [f for f in digest.content.fields if f.name.startswith("Flag #")]
    assert len(examples) == 3  # the configured number of examples (3 by default), most severe first
    links = [span for f in examples for span in f.value.spans if isinstance(span, Link)]
    assert len(links) == 3 and all(link.url.startswith("console://general/") for link in links)
    assert [f.name.split(" — ")[0] for f in examples] == ["Flag #4", "Flag #3", "Flag #2"]  # equally low: newest
    assert examples[1].value.plain().startswith("“WHY DOES NOBODY EVER ANSWER HERE NUMBER 2”")
    assert "CONNARD" not in str(digest.content)  # the live flag is the queue's, not the digest's
    assert digest.content.buttons == ()

    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=5))  # hourly looks send nothing more
    assert len(digests_in(bot.platform)) == 1
    rows = observations.digests(bot.store.db, "demo")
    assert [r["status"] for r in rows] == ["empty", "posted"]  # the day before the first flag had none


async def test_a_digest_the_platform_refuses_is_sent_again_once(make_bot):
    platform = RefusingPlatform()
    bot = await make_bot(SHADOW_CAPS, platform=platform)
    wakeups = bot.app.services.wakeups
    await bot.post("WHY DOES NOBODY EVER ANSWER HERE")
    platform.refused.add("modq")
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    assert platform.refusals == 1 and digests_in(platform) == []
    # a server error may have posted it anyway: it stays `sending`, and the next look asks the platform first
    assert [r["status"] for r in observations.digests(bot.store.db, "demo")][-1] == "sending"
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=1, minutes=1))
    assert platform.refusals == 2  # not found there: tried again at the next hourly look
    assert len(platform.of_type(FindPost)) == 1
    platform.refused.clear()
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=2, minutes=1))
    [digest] = digests_in(platform)
    assert digest.content.title.plain() == "Observations: 1 flag in shadow mode"
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(days=1, hours=1))  # the next day had none: no post
    assert len(digests_in(platform)) == 1
    assert [r["status"] for r in observations.digests(bot.store.db, "demo")] == ["empty", "posted", "empty"]


class KilledAfterThePost(Exception):
    """Stands for the process dying between the platform's answer and the store's `posted`."""


@pytest.mark.parametrize("reached_the_platform", [True, False])
async def test_a_crash_around_the_digest_post_never_posts_it_twice_nor_loses_it(tmp_path, monkeypatch,
                                                                                 reached_the_platform):
    platform = RefusingPlatform()  # one platform across both runs: its history outlives the bot
    first = await Bot(tmp_path, SHADOW_CAPS, platform=platform).start()
    await first.post("WHY DOES NOBODY EVER ANSWER HERE")
    finish = observations.finish_period

    def killed(db, period, status, *args, **kwargs):
        if status == observations.POSTED:
            raise KilledAfterThePost
        return finish(db, period, status, *args, **kwargs)

    monkeypatch.setattr(observations, "finish_period", killed)
    if not reached_the_platform:
        platform.refused.add("modq")
    await first.app.services.wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    assert [r["status"] for r in observations.digests(first.store.db, "demo")][-1] == "sending"
    assert len(digests_in(platform)) == int(reached_the_platform)
    await first.stop()

    monkeypatch.setattr(observations, "finish_period", finish)
    platform.refused.clear()
    second = Bot(tmp_path, SHADOW_CAPS, platform=platform)
    second.clock.set(MIDNIGHT_PARIS + timedelta(minutes=30))
    await second.start()  # the start's catch-up settles the period left `sending`
    try:
        [digest] = digests_in(platform)  # exactly once, whether the crash came before or after the platform took it
        rows = observations.digests(second.store.db, "demo")
        assert [r["status"] for r in rows][-1] == "posted"
        assert rows[-1]["message_id"] == platform.answered(digest)
        assert digest.idempotency_key == "digest:demo:console:2026-11-23T23:00:00+00:00"
    finally:
        await second.stop()


async def test_examples_keep_to_the_retention_period_after_a_long_outage(make_bot):
    platform = RefusingPlatform()
    bot = await make_bot(f"retention_days = 1\n{SHADOW_CAPS}", platform=platform)
    wakeups = bot.app.services.wakeups
    await bot.post("WHY DOES NOBODY EVER ANSWER HERE")
    await bot.post("THIS IS THE SECOND SHOUTED MESSAGE")
    platform.refused.add("modq")
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(days=3, minutes=1))  # three days of refusals
    platform.refused.clear()
    await wakeups.advance_to(MIDNIGHT_PARIS + timedelta(days=3, hours=1, minutes=1))
    [digest] = digests_in(platform)  # the day with the flags, sent late; the empty days post nothing
    assert digest.content.title.plain() == "Observations: 2 flags in shadow mode"
    assert [f.name for f in digest.content.fields] == ["By rule or model"]  # their words are past retention
    assert "SHOUTED" not in str(digest.content)


async def test_the_digest_speaks_french_with_french_typography(make_bot):
    bot = await make_bot(SHADOW_CAPS, locale="fr")
    await bot.post("POURQUOI PERSONNE NE RÉPOND JAMAIS ICI")
    await bot.app.services.wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    [digest] = [p for p in bot.platform.of_type(Post) if p.content.title is not None]
    assert digest.content.title.plain() == "Observations\u00a0: 1 signalement en mode observation"
    fields = field_text(digest)
    assert fields["Par règle ou modèle"] == "majuscules\u00a0: 1 signalement"
    [example] = [name for name in fields if name.startswith("Signalement")]
    assert example.startswith("Signalement n°\u00a01 — faible") and "majuscules" in example
    assert fields[example].startswith("«\u00a0POURQUOI PERSONNE NE RÉPOND JAMAIS ICI\u00a0»")
    assert "vous" in digest.content.text.plain() or "votre" in digest.content.text.plain()


async def test_cards_go_to_the_observations_channel_and_a_live_rule_moves_the_flag_to_the_queue(make_bot):
    bot = await make_bot(f"{SHADOW_CAPS}\nobservations = {{ delivery = \"cards\" }}",
                         channels='moderation = "modq", observations = "obs"')
    await bot.post("WHY DOES NOBODY EVER ANSWER HERE", message_id="m100")
    [card] = bot.platform.of_type(Post)
    assert card.channel_id == "obs" and card.content.title.plain().startswith("[shadow]")
    assert card.content.buttons[0].custom_id == "mod:dismiss:1"  # decisions still measure the rule
    await bot.edit("m100", "YOU ARE A CONNARD AND EVERYONE KNOWS IT")  # a live rule joins the open flag
    queue_card = bot.platform.of_type(Post)[-1]
    assert queue_card.channel_id == "modq" and not queue_card.content.title.plain().startswith("[shadow]")
    await bot.click("mod:warn:1", CLAIRE)
    [edit] = bot.platform.of_type(EditMessage)
    assert edit.channel_id == "modq"
    await bot.post("ANOTHER SHOUTED MESSAGE FOR NOBODY")
    await bot.app.services.wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    assert digests_in(bot.platform, "modq") == digests_in(bot.platform, "obs") == []  # cards, so no digest


async def test_observations_can_be_kept_for_the_statistics_only(make_bot):
    bot = await make_bot(f"{SHADOW_CAPS}\nobservations = {{ delivery = \"none\" }}")
    await bot.post("WHY DOES NOBODY EVER ANSWER HERE")
    await bot.app.services.wakeups.advance_to(MIDNIGHT_PARIS + timedelta(hours=1))
    assert bot.platform.of_type(Post) == [] and len(bot.flags()) == 1
    assert observations.digests(bot.store.db, "demo") == []


async def test_a_digest_channel_of_its_own(make_bot):
    bot = await make_bot(SHADOW_CAPS, channels='moderation = "modq", observations = "obs"')
    await bot.post("WHY DOES NOBODY EVER ANSWER HERE")
    assert bot.platform.of_type(Post) == []
    await bot.app.services.wakeups.advance_to(MIDNIGHT_PARIS + timedelta(minutes=1))
    assert len(digests_in(bot.platform, "obs")) == 1 and digests_in(bot.platform, "modq") == []


@pytest.mark.parametrize("hours, now, end", [
    (24, T0, "2026-11-22T23:00:00+00:00"),
    (6, T0, "2026-11-23T05:00:00+00:00"),  # 10:00 in Paris: the 06:00 boundary
    (1, T0.replace(minute=59), "2026-11-23T09:00:00+00:00"),
])  # fmt: skip
def test_digest_periods_end_at_local_hours(hours, now, end):
    from zoneinfo import ZoneInfo

    assert observations.period_end(now, ZoneInfo("Europe/Paris"), hours).isoformat() == end


def _settings(tmp_path, moderation: str, channels: str = 'moderation = "modq"'):
    return parse_settings(BASE_TOML.format(db=tmp_path / "x.db", locale="en", moderation=moderation,
                                           channels=channels), "cmbot.toml")


def test_a_wrong_delivery_names_the_key_and_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    with pytest.raises(ConfigError) as raised:
        _settings(tmp_path, 'observations = { delivery = "weekly", digest_hours = 5 }')
    said = "\n".join(raised.value.problems)
    assert "cmbot.toml" in said and "communities[0].moderation.observations.delivery" in said
    assert "'digest', 'cards' or 'none'" in said or "digest" in said
    assert "communities[0].moderation.observations.digest_hours" in said


@pytest.mark.parametrize("lang, words", [("en_GB.UTF-8", "no observations channel"),
                                         ("fr_FR.UTF-8", "aucun salon d’observations")])
def test_cards_without_their_channel_are_named_at_check(tmp_path, monkeypatch, lang, words):
    monkeypatch.setenv("LANG", lang)
    settings = _settings(tmp_path, 'observations = { delivery = "cards" }')
    [problem] = [p for p in feature_check(settings, "cmbot.toml") if "observations" in p]
    assert problem.startswith("cmbot.toml") and "communities[0].console.channels.observations" in problem
    assert words in problem
    fixed = _settings(tmp_path, 'observations = { delivery = "cards" }', 'moderation = "modq", observations = "obs"')
    assert [p for p in feature_check(fixed, "cmbot.toml") if "observations" in p] == []


def test_routing_never_sends_an_observation_card_to_the_moderation_channel(tmp_path):
    for delivery in ("digest", "cards", "none"):
        for channels in ('moderation = "modq"', 'moderation = "modq", observations = "obs"'):
            community = _settings(tmp_path, f'observations = {{ delivery = "{delivery}" }}',
                                  channels).communities[0]
            card = observations.card_channel(community, PlatformName.CONSOLE)
            digest = observations.digest_channel(community, PlatformName.CONSOLE)
            assert card in (None, "obs")
            assert (card is None) or (digest is None)  # one way or the other, never both
            assert delivery != "none" or (card is None and digest is None)
