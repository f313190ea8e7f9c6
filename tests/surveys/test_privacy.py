"""Answers, comments, DM records and survey opt-outs under export, forget-me, opt-out and retention; hostile
text in questions and comments stays inert."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.actions import DirectMessage
from bot.text import MentionUser, Plain
from handlers.surveys.messages import comment_modal_id, score_id

HOSTILE = "@everyone <@&123> <script>x</script> {member.__class__} **bold** \u202egnp.exe\x1b[31m"


async def _answered(world, member: str = "alice", score: int = 9, comment: str = "Great") -> None:
    await world.click(member, score_id(1, score))
    await world.submit(member, comment_modal_id(1), comment=comment)


async def test_export_holds_the_answer_comment_and_dm_record(make_world):
    world = await make_world()
    await world.say("alice")
    await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    await _answered(world)
    await world.command("alice", "survey opt-out")
    mark = len(world.platform.actions)
    await world.command("alice", "privacy export")
    [dm] = [a for a in world.platform.actions[mark:] if isinstance(a, DirectMessage)]
    [attached] = dm.content.files  # the export is one JSON file in the DM
    text = json.dumps(json.loads(attached.data))
    assert "survey_answers" in text and "Great" in text and "survey_recipients" in text and "survey_optouts" in text


async def test_forget_me_erases_answers_comments_dm_records_and_the_scores_follow(make_world):
    world = await make_world()
    await world.say("alice")
    await world.say("bob")
    await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    await _answered(world, "alice", 10, "Super")
    await _answered(world, "bob", 2, "Bof")
    await world.command("alice", "privacy forget-me confirm=yes")
    rows = world.db.execute("SELECT member_id, score, comment FROM survey_answers").fetchall()
    assert rows == [("bob", 2, "Bof")]
    assert world.db.execute("SELECT member_id FROM survey_recipients").fetchall() == [("bob",)]
    await world.command("sam", "survey results id=1", roles=("smm",))
    card = world.platform.actions[-1].content
    assert card.fields[0].value.plain().startswith(("NPS -100 ", "NPS −100 "))
    assert "Super" not in str(card) and "Bof" in str(card)


async def test_retention_erases_comments_then_answers_then_dm_records(make_world):
    world = await make_world(surveys="comment_days = 10\nanswer_days = 20\nrepeat_days = 5")
    await world.say("alice")
    await world.command("sam", "survey new kind=csat where=dm", roles=("smm",))
    await _answered(world, "alice", 4, "Nice")
    await world.advance(timedelta(days=6, hours=1))
    assert world.db.execute("SELECT comment FROM survey_answers").fetchall() == [("Nice",)]
    assert world.db.execute("SELECT count(*) FROM survey_recipients").fetchone() == (0,)  # past repeat_days
    await world.advance(timedelta(days=5))
    assert world.db.execute("SELECT score, comment FROM survey_answers").fetchall() == [(4, None)]
    await world.advance(timedelta(days=10))
    assert world.db.execute("SELECT count(*) FROM survey_answers").fetchone() == (0,)


async def test_a_member_who_opted_out_of_counting_is_not_asked(make_world):
    world = await make_world()
    await world.say("alice")
    await world.say("bob")
    await world.command("bob", "privacy opt-out")
    await world.command("sam", "survey new kind=nps where=dm", roles=("smm",))
    assert [dm.member_id for dm in world.dms()] == ["alice"]


async def test_hostile_question_and_comment_stay_inert(make_world):
    world = await make_world()
    await world.say("alice")
    await world.command("sam", f'survey new kind=nps question="{HOSTILE[:150]}" where=dm'.replace('"', "'"),
                        roles=("smm",))
    survey = world.db.execute("SELECT question FROM surveys").fetchone()[0]
    assert "\u202e" not in survey and "\x1b" not in survey and "{member.__class__}" in survey
    dm = world.dms()[0]
    spans = [s for s in dm.content.title.spans]  # type: ignore[union-attr]
    assert all(isinstance(s, Plain) for s in spans)  # never markup, never a mention
    assert dm.content.mentioned_user_ids() == ("alice",)  # only the greeting pings, and only alice
    await _answered(world, "alice", 7, HOSTILE)
    stored = world.db.execute("SELECT comment FROM survey_answers").fetchone()[0]
    assert stored.startswith("@everyone <@&123> <script>x</script> {member.__class__} **bold**")
    assert "\u202e" not in stored and "\x1b" not in stored
    await world.command("sam", "survey results id=1", roles=("smm",))
    card = world.platform.actions[-1].content
    comments = card.fields[-1].value
    assert not comments.mentioned_user_ids() and not any(isinstance(s, MentionUser) for s in comments.spans)
    assert "{member.__class__}" in comments.plain() and "alice" not in comments.plain().lower()
