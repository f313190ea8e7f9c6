"""Generated community histories, played both through the real bot (engagement log, write buffer, roll-ups,
retention job, privacy rights, report builder on real SQLite) and into the naive reference's `World`.

A history is a list of steps, each processed by the bot at its `time`: events (which may have happened earlier:
late or out-of-order delivery), calendar publications and schedules, moderation flags, privacy requests, and
the bot's own work (flushing the write buffer, the nightly upkeep, a bare roll-up while rows are still buffered,
a restart, a report). Times span five weeks around a daylight-saving change of Europe/Paris.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlite_utils
from hypothesis import strategies as st

from bot.clock import SimulatedClock
from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import (
    ButtonClicked,
    ChannelRef,
    InteractionRef,
    Member,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ModalSubmitted,
    PlatformName,
    ReactionAdded,
    ReactionRemoved,
)
from bot.features.ambassadors import feature as ambassadors_feature
from bot.features.engagement import feature as engagement_feature
from bot.features.feedback import feature as feedback_feature
from bot.features.moderation import feature as moderation_feature
from bot.features.privacy import feature as privacy_feature
from bot.features.surveys import feature as surveys_feature
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.store import Store
from bot.store.migrations import apply_all
from config.feedback import KINDS
from handlers.ambassadors import records as ambassador_records
from handlers.ambassadors.migrations import migrations as ambassador_migrations
from handlers.calendar.migrations import migrations as calendar_migrations
from handlers.engagement.log import BatchedWriter, EngagementLog
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.feedback.desk import Desk
from handlers.feedback.intake import Intake
from handlers.feedback.migrations import migrations as feedback_migrations
from handlers.feedback.show import Cards
from handlers.moderation.migrations import moderation as moderation_migrations
from handlers.polls import polls as poll_ledger
from handlers.polls.migrations import migrations as polls_migrations
from handlers.privacy.accounts import Account, accounts_of, link
from handlers.privacy.forget import KeepSanctions, forget
from handlers.privacy.migrations import migrations as privacy_migrations
from handlers.surveys import ledger as surveys_ledger
from handlers.surveys.answering import SurveyAnswers
from handlers.surveys.messages import score_id
from handlers.surveys.migrations import migrations as surveys_migrations
from schedules.engagement.upkeep import RetentionJob, roll_up_recent
from schedules.report.builder import WeeklyReport, build_report
from schedules.report.weeks import IsoWeek
from tests.report import reference as ref
from tests.report.dataset import acme_settings

CATALOGUE = Catalogue.shipped()
SPACES = {"discord": "G1", "slack": "T1"}
ACCOUNTS = {"discord": ("d1", "d2", "d3", "dcm"), "slack": ("s1", "s2", "UCM")}
ROLES = {("discord", "dcm"): frozenset({"role-cm"})}
STAFF = {("discord", "dcm"), ("slack", "UCM")}
CHANNELS = {"discord": ("general", "help-d", "fb-d", "announce"), "slack": ("general-s", "help-s", "announce-s")}
STARTS = (datetime(2026, 10, 5, tzinfo=ref.TZ), datetime(2027, 3, 8, tzinfo=ref.TZ))  # DST ends W43 / starts W12
SPAN = 5 * 7 * 86_400
SYSTEM = ("flush", "nightly", "rollup", "restart", "report")
SURVEYS = {("discord", "nps"): 1, ("discord", "csat"): 2, ("slack", "nps"): 3, ("slack", "csat"): 4}  # all open
SETTINGS_EXTRA = f"""
[communities.surveys]
report_min_answers = {ref.SURVEY_MIN_ANSWERS}
"""


@dataclass(frozen=True)
class Step:
    time: int  # when the bot processes it (epoch seconds)
    kind: str
    at: int = 0  # when it happened (events)
    platform: str = ""
    member: str = ""
    channel: str = ""
    message_id: str | None = None
    target: str | None = None
    emoji: str = ""
    other: tuple[str, str] | None = None  # link: the other account
    extra: tuple = ()  # flags: (status, auto, created, decided); posts: (post id, campaign, pillar, weekday);
    # survey answers: (kind, score)


@dataclass
class History:
    start: datetime
    steps: list[Step] = field(default_factory=list)
    final_week: IsoWeek = field(default_factory=lambda: IsoWeek(2026, 43))

    @property
    def end(self) -> int:
        return int(self.start.timestamp()) + SPAN


@st.composite
def histories(draw: st.DrawFn, max_steps: int = 40) -> History:
    start = draw(st.sampled_from(STARTS))
    base = int(start.timestamp())
    history = History(start)
    messages: list[tuple[str, str, str, int, str | None]] = []  # platform, channel, message id, at, author
    posts = polls = 0
    now = base
    for index in range(draw(st.integers(0, max_steps))):
        now += draw(st.one_of(st.integers(0, 3 * 3600), st.integers(0, 2 * 86_400)))
        if draw(st.booleans()) and draw(st.booleans()):  # land next to a local midnight: a day's boundary
            day = datetime.fromtimestamp(now, ref.TZ).date() + timedelta(days=1)
            now = max(now, ref.local_start(day) + draw(st.integers(-2, 2)))
        now = min(now, base + SPAN - 1)
        platform = draw(st.sampled_from(ref.PLATFORMS))
        member = draw(st.sampled_from(ACCOUNTS[platform]))
        delay = draw(st.one_of(st.just(0), st.just(0), st.integers(0, 3 * 86_400)))
        kind = draw(st.sampled_from(("join", "leave", "message", "message", "reply", "reaction", "unreact", "edit",
                                     "delete", "publish", "schedule", "flag", "opt_out", "opt_in", "forget", "link",
                                     "answer", "answer", "feedback", "fb_ack", "fb_done", "appoint", "appoint",
                                     "dismiss", "poll", *SYSTEM, "report")))
        common = {"time": now + delay, "at": now, "platform": platform, "member": member}
        if kind in ("join", "leave"):
            history.steps.append(Step(kind=kind, **common))
        elif kind == "message" or (kind in ("reply", "reaction", "unreact", "edit", "delete") and not messages):
            channel = draw(st.sampled_from(CHANNELS[platform]))
            messages.append((platform, channel, f"m{index}", now, member))
            history.steps.append(Step(kind="message", channel=channel, message_id=f"m{index}", **common))
        elif kind in ("reply", "reaction", "unreact", "edit", "delete"):
            target_platform, channel, target, _, author = draw(st.sampled_from(messages))
            common["platform"] = target_platform
            common["member"] = draw(st.sampled_from(ACCOUNTS[target_platform]))
            if kind == "reply":
                messages.append((target_platform, channel, f"m{index}", now, common["member"]))
            history.steps.append(Step(kind=kind, channel=channel, message_id=f"m{index}", target=target,
                                      emoji=draw(st.sampled_from(("👍", "📝"))), extra=(author,), **common))
        elif kind == "publish":
            posts += 1
            channel = CHANNELS[platform][-1]
            messages.append((platform, channel, f"p{posts}", now, None))
            campaign, pillar = draw(st.sampled_from(("", "launch", "tips"))), draw(st.sampled_from(("", "news")))
            history.steps.append(Step(kind=kind, time=now, at=now, platform=platform, channel=channel,
                                      message_id=f"p{posts}", extra=(posts, campaign, pillar, None)))
        elif kind == "schedule":
            posts += 1
            due = now + draw(st.integers(0, 10 * 86_400)) // 60 * 60  # a calendar time is to the minute
            due -= due % 60
            # a recurring post's next due time is one of its occurrences: weekly, on that day
            weekday = datetime.fromtimestamp(due, ref.TZ).weekday() if draw(st.booleans()) else None
            history.steps.append(Step(kind=kind, time=now, at=due, platform=platform, extra=(posts, "", "", weekday)))
        elif kind == "flag":
            status = draw(st.sampled_from(("open", "dismissed", "warned", "deleted", "timed_out")))
            created = now - draw(st.integers(0, 2 * 86_400))
            history.steps.append(Step(kind=kind, time=now, at=now, platform=platform, member=member,
                                      extra=(status, draw(st.sampled_from(("flag", "", "delete"))), created,
                                             None if status == "open" else now)))
        elif kind == "answer":
            survey_kind = draw(st.sampled_from(("nps", "csat")))
            score = draw(st.integers(0, 10) if survey_kind == "nps" else st.integers(1, 5))
            history.steps.append(Step(kind=kind, extra=(survey_kind, score), **common))
        elif kind == "feedback":  # a /feedback, its modal submitted at `at`
            history.steps.append(Step(kind=kind, extra=(draw(st.sampled_from(KINDS)),), **common))
        elif kind in ("fb_ack", "fb_done"):  # a CM's click on the card of the n-th feedback still in the inbox
            history.steps.append(Step(kind=kind, time=now, at=now, platform=platform, member=member,
                                      extra=(draw(st.integers(0, 50)),)))
        elif kind == "poll":  # a poll that ran on both platforms and ended now: its clicks, in order
            polls += 1
            answers = draw(st.integers(2, 4))
            clicks = tuple(draw(st.lists(st.tuples(st.sampled_from(ref.PLATFORMS), st.integers(0, 2),
                                                   st.integers(0, answers - 1)), max_size=8)))
            history.steps.append(Step(kind=kind, time=now, at=now, extra=(
                polls, draw(st.sampled_from(("", "launch"))), answers, draw(st.booleans()), clicks)))
        elif kind == "link":
            other_platform = draw(st.sampled_from(ref.PLATFORMS))
            other = (other_platform, draw(st.sampled_from(ACCOUNTS[other_platform])))
            if other != (platform, member):
                history.steps.append(Step(kind=kind, time=now, platform=platform, member=member, other=other))
        else:  # privacy requests and the bot's own work happen when they happen
            history.steps.append(Step(kind=kind, time=now, platform=platform, member=member))
    first_week = IsoWeek.containing(start, ref.TZ)
    history.final_week = first_week.shift(draw(st.integers(0, 4)))
    return history


def template_database() -> sqlite3.Connection:
    """Every table the report reads, migrated once; each example starts from a copy."""
    db = sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False))
    apply_all(db, [calendar_migrations, engagement_migrations, moderation_migrations, privacy_migrations,
                   surveys_migrations, feedback_migrations, ambassador_migrations,
                   polls_migrations])
    for (platform, kind), survey_id in SURVEYS.items():  # one open channel survey of each kind on each platform
        created = surveys_ledger.create(db, surveys_ledger.NewSurvey(
            community="acme", kind=kind, question="?", delivery="channel", platform=platform, channel_id="general",
            starts_at=0, closes_at=2**40, created_by="smm", created_at=0), "open")
        assert created.id == survey_id
    return db.conn


def _copy(template: sqlite3.Connection) -> Store:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    template.backup(conn)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    return Store(db)


def _iso(epoch: int, micro: bool = False) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="microseconds" if micro else "auto")


class Bot:
    """The production side: the real engagement log, buffer, privacy rights and report on a real database."""

    DECLARED = (*engagement_feature.personal_data, *moderation_feature.personal_data, *privacy_feature.personal_data,
                *surveys_feature.personal_data, *feedback_feature.personal_data,
                *ambassadors_feature.personal_data)

    def __init__(self, template: sqlite3.Connection, start: datetime) -> None:
        self.settings = acme_settings(SETTINGS_EXTRA)
        self.community = self.settings.communities[0]
        self.store = _copy(template)
        self.clock = SimulatedClock(start)
        self.dispatcher = Dispatcher(CommunityDirectory(self.settings), Outbox(), CATALOGUE)
        self.reports: list[tuple[int, IsoWeek, WeeklyReport]] = []
        self._boot()

    def _boot(self) -> None:
        self.optouts = OptOuts(self.store)
        self.optouts.load()
        self.writer = BatchedWriter(self.store, flush_events=3)  # small batches: every boundary is exercised
        self.log = EngagementLog(self.writer, self.optouts)
        self.dispatcher = Dispatcher(CommunityDirectory(self.settings), Outbox(), CATALOGUE)
        for event_type, handler in self.log.subscriptions():
            self.dispatcher.subscribe(event_type, handler)
        answers = SurveyAnswers(self.store, self.clock, CATALOGUE, self.optouts)
        self.dispatcher.subscribe(ButtonClicked, answers.on_click)
        cards = Cards(self.store, CATALOGUE)
        intake = Intake(self.store, CATALOGUE, self.optouts, cards)
        desk = Desk(self.store, CATALOGUE, self.clock, cards)
        self.dispatcher.subscribe(MessagePosted, intake.on_message)
        self.dispatcher.subscribe(ReactionAdded, intake.on_reaction)
        self.dispatcher.subscribe(ModalSubmitted, intake.on_modal)
        self.dispatcher.subscribe(ButtonClicked, desk.on_button)

    def _event(self, step: Step):
        platform = PlatformName(step.platform)
        member = Member(step.member, step.member, ROLES.get((step.platform, step.member), frozenset()))
        base = {"platform": platform, "space_id": SPACES[step.platform], "event_id": f"e{step.time}-{step.kind}",
                "at": datetime.fromtimestamp(step.at, UTC)}
        channel = ChannelRef(step.channel)
        match step.kind:
            case "join":
                return MemberJoined(**base, member=member)
            case "leave":
                return MemberLeft(**base, member=member)
            case "message":
                return MessagePosted(**base, channel=channel, member=member, message_id=step.message_id, text="…")
            case "reply":
                return MessagePosted(**base, channel=channel, member=member, message_id=step.message_id, text="…",
                                     reply_to_id=step.target)
            case "edit":
                return MessageEdited(**base, channel=channel, member=member, message_id=step.target, text="edited")
            case "delete":
                return MessageDeleted(**base, channel=channel, message_id=step.target)
            case "answer":
                kind, score = step.extra
                return ButtonClicked(**base, channel=channel, member=member,
                                     custom_id=score_id(SURVEYS[(step.platform, kind)], score), message_id="survey",
                                     interaction=InteractionRef(platform, f"i{step.time}"))
            case "reaction" | "unreact":
                kind = ReactionAdded if step.kind == "reaction" else ReactionRemoved
                return kind(**base, channel=channel, member=member, message_id=step.target, emoji=step.emoji,
                            message_author_id=step.extra[0] if step.extra else None)
            case "feedback":
                return ModalSubmitted(**base, channel=ChannelRef("general"), member=member, custom_id="fb:new",
                                      values={"kind": step.extra[0], "text": "…"},
                                      interaction=InteractionRef(platform, base["event_id"]))
        raise AssertionError(step.kind)

    async def play(self, step: Step) -> None:
        self.clock.set(datetime.fromtimestamp(max(step.time, int(self.clock.now().timestamp())), UTC))
        now = self.clock.now()
        db_run = self.store.run
        account = Account(step.platform, step.member)
        if step.kind in ("join", "leave", "message", "reply", "edit", "delete", "reaction", "unreact", "answer",
                         "feedback"):
            await self.dispatcher.dispatch(self._event(step))
        elif step.kind in ("fb_ack", "fb_done"):
            ids = [r[0] for r in await db_run(lambda db: db.execute(
                "SELECT id FROM feedback_items ORDER BY id").fetchall())]
            if ids:
                verb, target = step.kind.removeprefix("fb_"), ids[step.extra[0] % len(ids)]
                cm = Member("dcm", "dcm", ROLES[("discord", "dcm")])
                await self.dispatcher.dispatch(ButtonClicked(
                    platform=PlatformName.DISCORD, space_id=SPACES["discord"], event_id=f"e{step.time}-{step.kind}",
                    at=now, channel=ChannelRef("inbox"), member=cm, custom_id=f"fb:{verb}:{target}", message_id="",
                    interaction=InteractionRef(PlatformName.DISCORD, f"i{step.time}")))
        elif step.kind == "flush":
            await self.writer.flush()
        elif step.kind == "nightly":
            await RetentionJob(self.store, self.clock, [self.community], self.writer.flush).run()
        elif step.kind == "rollup":  # the roll-up alone, rows still buffered: what once lost a departure
            await db_run(lambda db: roll_up_recent(db, self.community, now))
        elif step.kind == "restart":
            await self.writer.stop()
            self._boot()
        elif step.kind == "report":
            week = IsoWeek.containing(now, ref.TZ).shift(-1)
            await self.writer.flush()
            report = await db_run(lambda db: build_report(db, self.community, week, now))
            self.reports.append((int(now.timestamp()), week, report))
        elif step.kind in ("opt_out", "opt_in"):
            accounts = await db_run(lambda db: accounts_of(db, "acme", account))
            for each in accounts:
                await self.optouts.set("acme", each.platform, each.member_id, step.kind == "opt_out")
        elif step.kind == "forget":
            await self.writer.flush()
            accounts = await db_run(lambda db: accounts_of(db, "acme", account))
            keep = KeepSanctions.for_days(self.community.privacy.keep_sanctions_days, now)
            await db_run(lambda db: forget(db, "acme", accounts, self.DECLARED, keep))
        elif step.kind == "link":
            await db_run(lambda db: link(db, "acme", account, Account(*step.other), now))
        elif step.kind == "flag":
            status, auto, created, decided = step.extra
            await db_run(lambda db: db["moderation_flags"].insert({
                "community": "acme", "platform": step.platform, "member_id": step.member, "excerpt": "…",
                "created_at": _iso(created), "status": status, "auto_action": auto,
                "decided_at": _iso(decided) if decided else None}) and db.conn.commit())
        elif step.kind in ("publish", "schedule"):
            await db_run(lambda db: self._post(db, step))
        elif step.kind in ("appoint", "dismiss"):  # a CM accepts a candidate, or removes an ambassador
            accounts = await db_run(lambda db: accounts_of(db, "acme", account))
            pairs = [(a.platform, a.member_id) for a in accounts]
            change = ambassador_records.appoint if step.kind == "appoint" else ambassador_records.remove
            await db_run(lambda db: change(db, "acme", pairs, ("discord", "dcm"), now))
        elif step.kind == "poll":
            await db_run(lambda db: self._poll(db, step))

    def _poll(self, db: sqlite_utils.Database, step: Step) -> None:
        """Through the polls' own functions: published on both platforms, clicked, closed at `at`."""
        poll_id, campaign, answers, multiple, clicks = step.extra
        at = datetime.fromtimestamp(step.at, UTC)
        created = poll_ledger.create_poll(db, community="acme", question=f"Poll {poll_id}?",
                                          answers=[f"A{i}" for i in range(answers)], multiple=multiple,
                                          duration=timedelta(hours=1), author_platform="discord", author_id="smm",
                                          campaign=campaign or None, now=at)
        for platform in ref.PLATFORMS:
            poll_ledger.record_message(db, created, platform, CHANNELS[platform][-1], f"poll{poll_id}", at)
        poll = poll_ledger.get_poll(db, created)
        messages = {m.platform: m for m in poll_ledger.messages_of(db, created)}
        assert poll is not None
        for platform, member, answer in clicks:
            poll_ledger.choose(db, poll, messages[platform], ACCOUNTS[platform][member], answer, at)
        poll_ledger.close_poll(db, created, at)

    def _post(self, db: sqlite_utils.Database, step: Step) -> None:
        post_id, campaign, pillar, weekday = step.extra
        due = datetime.fromtimestamp(step.at, ref.TZ)
        cron = None if weekday is None else f"{due.minute} {due.hour} * * {(weekday + 1) % 7}"
        db["calendar_posts"].insert({
            "id": post_id, "community": "acme", "status": "published" if step.kind == "publish" else "scheduled",
            "author_platform": step.platform, "author_id": "smm", "body": f"Post {post_id}", "timezone": "Europe/Paris",
            "campaign": campaign, "pillar": pillar, "cron": cron, "next_due_at": _iso(step.at, micro=True)})
        db["calendar_targets"].insert({"post_id": post_id, "platform": step.platform,
                                       "channel_id": CHANNELS[step.platform][-1]})
        if step.kind == "publish":
            db["calendar_deliveries"].insert({
                "post_id": post_id, "community": "acme", "due_at": _iso(step.at, micro=True),
                "platform": step.platform, "channel_id": step.channel, "idempotency_key": f"k{post_id}",
                "status": "published", "message_id": step.message_id, "finished_at": _iso(step.at, micro=True)})
        db.conn.commit()

    async def final_report(self, week: IsoWeek, at: int) -> WeeklyReport:
        self.clock.set(datetime.fromtimestamp(max(at, int(self.clock.now().timestamp())), UTC))
        now = self.clock.now()
        await self.writer.flush()
        return await self.store.run(lambda db: build_report(db, self.community, week, now))

    async def close(self) -> None:
        await self.writer.stop()
        self.store.close()


class Model:
    """The reference side: what the bot should have recorded, step by step, into a `ref.World`."""

    def __init__(self) -> None:
        self.world = ref.World(staff=set(STAFF))
        self.posts: dict[tuple[str, str, str], int] = {}  # (platform, channel, message id) -> post id

    def _record(self, step: Step, kind: str, target: str | None = None, message_id: str | None = None) -> None:
        account = (step.platform, step.member)
        if account in self.world.opted_out:
            return
        channel = step.channel if kind not in ("join", "leave") else ""
        post_id = self.posts.get((step.platform, channel, target)) if target else None
        self.world.log.append(ref.Row(step.platform, channel, step.member, kind, step.at, message_id, target, post_id))

    def _take(self, step: Step, member: str | None, kind: str, message: str | None) -> None:
        """A feedback enters the inbox, unless it is a message already there (marked twice, or marked where it
        was posted in a feedback channel)."""
        key = (step.platform, step.channel, message) if message is not None else None
        if key is not None and any(f.message == key for f in self.world.feedback):
            return
        self.world.feedback.append(ref.Feedback(step.platform, member, kind, step.at, key))

    def play(self, step: Step) -> None:
        world = self.world
        account = (step.platform, step.member)
        if step.kind in ("join", "leave"):
            self._record(step, step.kind)
        elif step.kind == "message":
            self._record(step, "message", message_id=step.message_id)
            if (step.platform, step.channel) in ref.FEEDBACK and account not in STAFF | world.opted_out:
                self._take(step, step.member, "unsorted", step.message_id)  # posted in a feedback channel
        elif step.kind == "reply":
            self._record(step, "reply", target=step.target, message_id=step.message_id)
        elif step.kind == "reaction":
            self._record(step, "reaction", target=step.target)
            author = step.extra[0] if step.extra else None
            if step.emoji == "📝" and account in STAFF and (step.platform, author) not in world.opted_out:
                self._take(step, author, "unsorted", step.target)  # a CM marks feedback
        elif step.kind == "answer":
            kind, score = step.extra
            if account not in world.opted_out:  # one answer per member and survey: the last click counts
                world.answers = [a for a in world.answers if (a.account, a.kind) != (account, kind)]
                world.answers.append(ref.SurveyAnswer(step.platform, step.member, kind, score, step.at))
        elif step.kind == "feedback":
            self._take(step, step.member, step.extra[0], None)
        elif step.kind in ("fb_ack", "fb_done"):
            if world.feedback:
                item = world.feedback[step.extra[0] % len(world.feedback)]
                if step.kind == "fb_ack" and item.acked is None:
                    item.acked = step.time
                elif step.kind == "fb_done" and item.closed is None:
                    item.closed, item.acked = step.time, item.acked if item.acked is not None else step.time
        elif step.kind in ("opt_out", "opt_in"):
            for each in world.group_of(account):
                (world.opted_out.add if step.kind == "opt_out" else world.opted_out.discard)(each)
        elif step.kind == "forget":
            group = world.group_of(account)
            world.log = [r for r in world.log if r.account not in group]
            world.answers = [a for a in world.answers if a.account not in group]
            world.ambassadors = {a: p for a, p in world.ambassadors.items() if a not in group}
            world.groups = [g for g in world.groups if not g & group]
            since = step.time - 365 * 86_400
            world.flags = [f for f in world.flags if (f.platform, f.member) not in group
                           or (f.status in ref.ACTED and f.created_at.timestamp() >= since)]
            world.feedback = [f for f in world.feedback if (f.platform, f.member) not in group]
        elif step.kind == "link":
            other = step.other
            merged = world.group_of(account) | world.group_of(other) | {account, other}
            world.groups = [g for g in world.groups if not g & merged] + [merged]
        elif step.kind == "flag":
            status, auto, created, decided = step.extra
            world.flags.append(ref.Flag(len(world.flags), step.platform, step.member,
                                        datetime.fromtimestamp(created, UTC), status, auto,
                                        datetime.fromtimestamp(decided, UTC) if decided else None))
        elif step.kind == "poll":  # the naive count of the clicks: one answer, or a set of them, per member
            poll_id, campaign, answers, multiple, clicks = step.extra
            chosen: dict[tuple[str, int], set[int]] = {}
            for platform, member, answer in clicks:
                picks = chosen.setdefault((platform, member), set())
                if answer in picks:
                    picks.discard(answer)
                else:
                    if not multiple:
                        picks.clear()
                    picks.add(answer)
            counts = {p: tuple(sum(a in picks for (pl, _), picks in chosen.items() if pl == p)
                               for a in range(answers)) for p in ref.PLATFORMS}
            voters = {p: sum(1 for (pl, _), picks in chosen.items() if pl == p and picks) for p in ref.PLATFORMS}
            world.polls.append(ref.PollRecord(poll_id, campaign, step.at, counts, voters))
        elif step.kind == "publish":
            post_id, campaign, pillar, _ = step.extra
            self.posts[(step.platform, step.channel, step.message_id)] = post_id
            world.deliveries.append(ref.Delivery(post_id, step.platform, step.channel, step.message_id, step.at,
                                                 campaign, pillar))
        elif step.kind == "appoint":
            for each in world.group_of(account):
                world.ambassadors[each] = (step.time, None)
        elif step.kind == "dismiss":
            for each in world.group_of(account):
                if each in world.ambassadors and world.ambassadors[each][1] is None:
                    world.ambassadors[each] = (world.ambassadors[each][0], step.time)
        elif step.kind == "schedule":
            post_id, _, _, weekday = step.extra
            world.scheduled.append(ref.Scheduled(post_id, step.platform, datetime.fromtimestamp(step.at, UTC),
                                                 weekday))


def ordered(history: History) -> list[Step]:
    """Steps in the order the bot processes them (by processing time, then as generated)."""
    return [step for _, step in sorted(enumerate(history.steps), key=lambda item: (item[1].time, item[0]))]


def monday(week: IsoWeek) -> date:
    return week.monday


def local(day: date, hour: int = 0) -> int:
    return int(datetime.combine(day, time(hour), tzinfo=ref.TZ).timestamp())
