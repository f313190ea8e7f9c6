"""A deliberately naive reference of every weekly-report figure: plain Python over the list of what happened.

No roll-ups, no SQL, no buffer: `World` is the history as the community lived it (what the bot recorded, in
the order it arrived; links; opt-outs; flags; posts), and each figure is computed by walking lists, following
`docs/metrics.md` word for word. The property tests compare the production report with this, figure by figure.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Paris")
DAY = 86_400
WEEK = 7 * DAY
PLATFORMS = ("discord", "slack")
HELP = {("discord", "help-d"), ("slack", "help-s")}
FEEDBACK = {("discord", "fb-d")}
ACTED = ("deleted", "warned", "timed_out")
PASSIVE = ("", "flag")
TOP = 5
SILENCE_WEEKS = 2
REGULAR_WEEKS = 3
Account = tuple[str, str]


@dataclass(frozen=True)
class Row:
    """One recorded act: what the engagement log should hold."""

    platform: str
    channel: str
    member: str
    kind: str  # message reply reaction join leave feedback_mark
    at: int
    message_id: str | None = None
    target: str | None = None
    post_id: int | None = None

    @property
    def account(self) -> Account:
        return (self.platform, self.member)


@dataclass(frozen=True)
class Flag:
    id: int
    platform: str
    member: str
    created_at: datetime
    status: str
    auto_action: str
    decided_at: datetime | None


@dataclass
class Feedback:
    """One feedback in the inbox: where from, whose, its kind, when it arrived (epoch seconds), the message it
    is (platform, channel, id) when it is one, and when the team first acted on it and closed it."""

    platform: str
    member: str | None
    kind: str
    created: int
    message: tuple[str, str, str] | None = None
    acked: int | None = None
    closed: int | None = None


@dataclass(frozen=True)
class Delivery:
    post_id: int
    platform: str
    channel: str
    message_id: str
    at: int  # published
    campaign: str
    pillar: str


@dataclass(frozen=True)
class Scheduled:
    post_id: int
    platform: str
    next_due: datetime
    weekday: int | None  # a weekly recurring post at `next_due`'s local time, or None for a one-shot post


@dataclass(frozen=True)
class SurveyAnswer:
    """A member's answer to the one survey of its kind on a platform: the last click counts, at its time."""

    platform: str
    member: str
    kind: str  # nps | csat
    score: int
    at: int

    @property
    def account(self) -> Account:
        return (self.platform, self.member)


@dataclass(frozen=True)
class PollRecord:
    """A poll that ended: per platform, its votes per answer and how many members voted."""

    id: int
    campaign: str
    closed_at: int
    counts: dict[str, tuple[int, ...]]
    voters: dict[str, int]


@dataclass
class World:
    log: list[Row] = field(default_factory=list)
    groups: list[set[Account]] = field(default_factory=list)  # linked accounts
    opted_out: set[Account] = field(default_factory=set)
    staff: set[Account] = field(default_factory=set)  # accounts holding a staff role (fixed)
    flags: list[Flag] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    scheduled: list[Scheduled] = field(default_factory=list)
    answers: list[SurveyAnswer] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)  # the inbox, in arrival order
    ambassadors: dict[Account, tuple[int, int | None]] = field(default_factory=dict)  # appointed, removed
    polls: list[PollRecord] = field(default_factory=list)

    def group_of(self, account: Account) -> set[Account]:
        return next((g for g in self.groups if account in g), {account})


# ---------------------------------------------------------------------------------------------- weeks and scopes
def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_start(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=TZ).timestamp())


def week_bounds(monday: date) -> tuple[int, int]:
    return local_start(monday), local_start(monday + timedelta(days=7))


@dataclass(frozen=True)
class Scope:
    world: World
    monday: date
    platform: str | None
    now: int

    @property
    def bounds(self) -> tuple[int, int]:
        return week_bounds(self.monday)

    def rows(self) -> list[Row]:
        return [r for r in self.world.log if self.platform in (None, r.platform)]

    def who(self, account: Account) -> str:
        if self.platform is not None:
            return f"{account[0]}:{account[1]}"
        return min(f"{p}:{m}" for p, m in self.world.group_of(account))

    def shifted(self, weeks: int) -> Scope:
        return Scope(self.world, self.monday + timedelta(weeks=weeks), self.platform, self.now)


def share(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole


# ---------------------------------------------------------------------------------------------- members
def present(scope: Scope, instant: int, horizon: int | None = None) -> set[str]:
    """Members at `instant`: the last join or leave before it decides; an account with none before it was there
    before the bot if, before `horizon`, it is active or leaves before the log sees it join."""
    horizon = instant if horizon is None else horizon
    changes = sorted((r for r in scope.rows() if r.kind in ("join", "leave") and r.at < horizon),
                     key=lambda r: (r.at, r.kind))
    last: dict[Account, str] = {}
    for r in changes:
        if r.at < instant:
            last[r.account] = r.kind
    members = {scope.who(a) for a, kind in last.items() if kind == "join"}
    accounts = {r.account for r in scope.rows() if r.at < horizon and r.kind in ("message", "reply", "reaction")}
    accounts |= {r.account for r in changes}
    for account in accounts - set(last):
        later = [r.kind for r in changes if r.account == account and r.at >= instant]
        active = any(r.account == account and r.at < horizon and r.kind in ("message", "reply", "reaction")
                     for r in scope.rows())
        if later[:1] == ["leave"] or (active and later[:1] != ["join"]):
            members.add(scope.who(account))
    return members


def in_week(scope: Scope, kinds: tuple[str, ...], start: int | None = None, end: int | None = None) -> list[Row]:
    lo, hi = scope.bounds
    lo, hi = (lo if start is None else start), (hi if end is None else end)
    return [r for r in scope.rows() if r.kind in kinds and lo <= r.at < hi]


def figures(scope: Scope) -> tuple[dict, dict]:
    start, end = scope.bounds
    who = scope.who
    at_start, at_end = present(scope, start, horizon=end), present(scope, end)
    joined = {who(r.account) for r in in_week(scope, ("join",))}
    left = {who(r.account) for r in in_week(scope, ("leave",))}
    active = {who(r.account) for r in in_week(scope, ("message", "reply", "reaction"))}
    posted = {who(r.account) for r in in_week(scope, ("message", "reply"))}
    population = at_start | joined | active
    n: dict = {
        "joined": len(joined), "left": len(left), "net_growth": len(joined) - len(left),
        "members_at_start": len(at_start), "members": len(at_end),
        "growth_rate": share(len(joined) - len(left), len(at_start)),
        "active_members": len(active), "active_share": share(len(active), len(population)),
        "messages": len(in_week(scope, ("message",))), "replies": len(in_week(scope, ("reply",))),
        "reactions": len(in_week(scope, ("reaction",))),
    }
    earlier = week_bounds(scope.monday - timedelta(weeks=4))[0]
    recent = {who(r.account) for r in in_week(scope, ("join",), earlier, start)}
    n |= {
        "newcomers": len(joined), "newcomers_activated": len(joined & posted),
        "newcomer_activation": share(len(joined & posted), len(joined)),
        "recent_newcomers": len(recent), "newcomers_retained": len(recent & active),
        "newcomer_retention": share(len(recent & active), len(recent)),
    }
    n |= first_response(scope)
    n |= feedback(scope)
    n |= moderation(scope)
    n |= satisfaction(scope)
    n |= appointed(scope)
    slipping_count, slipping = slipping_away(scope)
    n["slipping_away"] = slipping_count
    post_numbers, post_lists = posts(scope)
    n |= post_numbers
    poll_numbers, poll_lists = polls(scope)
    n |= poll_numbers
    lists = {"top_channels": top_channels(scope), "top_contributors": ambassadors(scope), "slipping": slipping,
             **post_lists, **poll_lists}
    return n, lists


# ---------------------------------------------------------------------------------------------- satisfaction
SURVEY_MIN_ANSWERS = 2  # the history's `surveys.report_min_answers`
Z95 = 1.959963984540054


def naive_wilson(successes: int, n: int) -> tuple[float, float]:
    """The p the score test accepts, |p̂ − p| ≤ z √(p(1−p)/n), found by bisection (no closed formula)."""
    p_hat = successes / n

    def accepted(p: float) -> bool:
        return abs(p_hat - p) <= Z95 * math.sqrt(p * (1 - p) / n) + 1e-15

    def edge(inside: float, outside: float) -> float:
        for _ in range(80):
            middle = (inside + outside) / 2
            inside, outside = (middle, outside) if accepted(middle) else (inside, middle)
        return inside

    return (0.0 if accepted(0.0) else edge(p_hat, 0.0)), (1.0 if accepted(1.0) else edge(p_hat, 1.0))


def satisfaction(scope: Scope) -> dict:
    """The answers given (last changed) in the week, per kind: NPS as 100 × the mean of +1/0/−1 with 1.96
    standard errors; CSAT as the share of 4–5 with the Wilson interval; nothing below the minimum."""
    lo, hi = scope.bounds
    n: dict = {}
    for kind in ("nps", "csat"):
        scores = [a.score for a in scope.world.answers
                  if a.kind == kind and scope.platform in (None, a.platform) and lo <= a.at < hi]
        n[f"{kind}_answers"] = len(scores)
        enough = len(scores) >= SURVEY_MIN_ANSWERS
        if kind == "nps":
            signs = [1 if s >= 9 else (-1 if s <= 6 else 0) for s in scores]
            n["nps"] = 100 * statistics.fmean(signs) if enough else None
            n["nps_margin"] = 100 * Z95 * math.sqrt(statistics.pvariance(signs) / len(signs)) if enough else None
        else:
            satisfied = sum(1 for s in scores if s >= 4)
            low, high = naive_wilson(satisfied, len(scores)) if enough else (None, None)
            n |= {"csat": satisfied / len(scores) if enough else None, "csat_low": low, "csat_high": high}
    return n


# ---------------------------------------------------------------------------------------------- help channels
def first_response(scope: Scope) -> dict:
    questions = [r for r in in_week(scope, ("message",)) if (r.platform, r.channel) in HELP]
    delays, old, unanswered = [], 0, 0
    for q in questions:
        answers = [r.at for r in scope.rows() if r.kind == "reply" and (r.platform, r.channel) in HELP
                   and (r.platform, r.channel, r.target) == (q.platform, q.channel, q.message_id)
                   and r.member != q.member and q.at <= r.at <= scope.now and r.at >= scope.bounds[0]]
        first = min(answers) if answers else None
        if first is not None:
            delays.append(first - q.at)
        if q.at + DAY <= scope.now:
            old += 1
            unanswered += first is None or first - q.at > DAY
    ordered = sorted(delays)
    p90 = float(ordered[max(1, -(-len(ordered) * 9 // 10)) - 1]) if ordered else None
    return {"help_questions": len(questions),
            "first_response_median_s": float(statistics.median(delays)) if delays else None,
            "first_response_p90_s": p90, "unanswered_24h_share": share(unanswered, old)}


# ---------------------------------------------------------------------------------------------- ambassadors
AMBASSADOR_SILENCE_DAYS = 21


def appointed(scope: Scope) -> dict:
    """Ambassadors at the week's end; the share of the week's first responses given by a member who was an
    ambassador when answering; the ambassadors at the end with no activity in the 21 days before it."""
    start, end = scope.bounds
    periods = {a: p for a, p in scope.world.ambassadors.items() if scope.platform in (None, a[0])}

    def serving(account: Account, instant: int) -> bool:
        period = periods.get(account)
        return period is not None and period[0] <= instant and (period[1] is None or period[1] > instant)

    at_end = {scope.who(a) for a in periods if serving(a, end - 1)}
    rows = scope.rows()
    firsts = []
    for q in in_week(scope, ("message",)):
        if (q.platform, q.channel) not in HELP:
            continue
        answers = [(r.at, index, r) for index, r in enumerate(rows) if r.kind == "reply"
                   and (r.platform, r.channel, r.target) == (q.platform, q.channel, q.message_id)
                   and r.member != q.member and q.at <= r.at <= scope.now and r.at >= start]
        if answers:
            firsts.append(min(answers, key=lambda a: (a[0], a[1])))
    given = sum(1 for at, _, r in firsts
                if any(serving(a, at) for a in periods if scope.who(a) == scope.who(r.account)))
    silence = end - AMBASSADOR_SILENCE_DAYS * DAY
    active = {scope.who(r.account) for r in rows if r.kind in ("message", "reply", "reaction")
              and silence <= r.at < end}
    return {"ambassadors": len(at_end), "ambassador_first_response_share": share(given, len(firsts)),
            "ambassadors_slipping": len(at_end - active)}


# ---------------------------------------------------------------------------------------------- polls
def polls(scope: Scope) -> tuple[dict, dict]:
    """The polls that ended in the week, with their final counts on the scope's platforms."""
    start, end = scope.bounds
    ended = sorted((p for p in scope.world.polls if start <= p.closed_at < end), key=lambda p: (p.closed_at, p.id))
    here = [p for p in ended if scope.platform is None or scope.platform in p.counts]
    platforms = [scope.platform] if scope.platform else list(PLATFORMS)
    votes = {p.id: sum(sum(p.counts.get(pl, ())) for pl in platforms) for p in here}
    voters = sum(p.voters.get(pl, 0) for p in here for pl in platforms)
    campaigns: Counter[str] = Counter()
    for p in here:
        campaigns[p.campaign or "-"] += votes[p.id]
    label = scope.platform or ""
    by_campaign = sorted(campaigns.items(), key=lambda c: (-c[1], c[0]))
    return ({"polls_closed": len(here), "poll_votes": sum(votes.values()), "poll_voters": voters},
            {"polls": [(label, str(p.id), votes[p.id]) for p in here],
             "poll_campaigns": [(label, name, n) for name, n in by_campaign]})


# ---------------------------------------------------------------------------------------------- feedback
def feedback(scope: Scope) -> dict:
    start, end = scope.bounds
    inbox = [f for f in scope.world.feedback if scope.platform in (None, f.platform)]
    week = [f for f in inbox if start <= f.created < end]
    acked = [f.acked - f.created for f in week if f.acked is not None and f.acked <= scope.now]
    closed = [f.closed - f.created for f in week if f.closed is not None and f.closed <= scope.now]
    moment = min(end, scope.now)
    still_open = [f.created for f in inbox if f.created < moment and (f.closed is None or f.closed > moment)]
    n = {"feedback": len(week)}
    for kind in ("idea", "bug", "praise", "complaint", "unsorted"):
        n[f"feedback_{kind}"] = sum(1 for f in week if f.kind == kind)
    return n | {"feedback_acknowledged_share": share(len(acked), len(week)),
                "feedback_ack_median_s": float(statistics.median(acked)) if acked else None,
                "feedback_close_median_s": float(statistics.median(closed)) if closed else None,
                "feedback_oldest_open_s": float(moment - min(still_open)) if still_open else None}


# ---------------------------------------------------------------------------------------------- moderation
def moderation(scope: Scope) -> dict:
    start, end = scope.bounds
    flags = [f for f in scope.world.flags if scope.platform in (None, f.platform)]
    raised = [f for f in flags if start <= f.created_at.timestamp() < end]
    automatic = sum(1 for f in raised if f.auto_action not in PASSIVE)
    decided = [f for f in flags if f.decided_at is not None and start <= f.decided_at.timestamp() < end]
    delays = [(f.decided_at - f.created_at).total_seconds() for f in decided if f.decided_at]
    return {"flags_raised": len(raised), "flags_decided": len(decided),
            "decision_median_s": float(statistics.median(delays)) if delays else None,
            "moderation_actions": sum(1 for f in decided if f.status in ACTED) + automatic,
            "moderation_available": 1}


# ---------------------------------------------------------------------------------------------- lists
def hidden(scope: Scope) -> set[str]:
    return {scope.who(a) for a in scope.world.opted_out}


def top_channels(scope: Scope) -> list[tuple[str, str, int]]:
    counts = Counter((r.platform, r.channel) for r in in_week(scope, ("message", "reply")))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))[:TOP]
    return [(p, c, n) for (p, c), n in ranked]


def slipping_away(scope: Scope) -> tuple[int, list[tuple[str, str, int]]]:
    quiet = [scope.shifted(-i) for i in range(SILENCE_WEEKS)]
    before = [scope.shifted(-SILENCE_WEEKS - i) for i in range(6)]
    weeks: dict[str, set[date]] = {}
    accounts: dict[str, set[Account]] = {}
    for week in (*quiet, *before):
        for r in in_week(week, ("message", "reply", "reaction")):
            weeks.setdefault(scope.who(r.account), set()).add(week.monday)
            accounts.setdefault(scope.who(r.account), set()).add(r.account)
    quiet_mondays = {w.monday for w in quiet}
    slipping = sorted(((len(w), i) for i, w in weeks.items() if len(w) >= REGULAR_WEEKS and not w & quiet_mondays),
                      key=lambda item: (-item[0], item[1]))
    named = [(n, i) for n, i in slipping if i not in hidden(scope)][:TOP]
    return len(slipping), [(*min(accounts[i]), n) for n, i in named]


def ambassadors(scope: Scope) -> list[tuple[str, str, int]]:
    start, end = scope.bounds
    score: Counter[str] = Counter()
    account_of: dict[str, Account] = {}

    def credit(account: Account, points: int) -> None:
        score[scope.who(account)] += points
        account_of[scope.who(account)] = min(account_of.get(scope.who(account), account), account)

    questions = [r for r in in_week(scope, ("message",)) if (r.platform, r.channel) in HELP]
    replies = [r for r in in_week(scope, ("reply",)) if (r.platform, r.channel) in HELP]
    for r in replies:
        credit(r.account, 3)
    for q in questions:
        answers = [r for r in replies if (r.platform, r.channel, r.target) == (q.platform, q.channel, q.message_id)
                   and r.member != q.member]
        if answers:
            first = min(answers, key=lambda r: (r.at, scope.world.log.index(r)))
            credit(first.account, 5)
    authors = {(r.platform, r.message_id): r.member
               for r in in_week(scope, ("message", "reply"), start - WEEK, end)}
    for r in in_week(scope, ("reaction",)):
        author = authors.get((r.platform, r.target))
        if author is not None and scope.who((r.platform, author)) != scope.who(r.account):
            credit((r.platform, author), 1)
    staff = {scope.who(r.account) for r in scope.world.log
             if r.account in scope.world.staff and r.kind in ("message", "reply", "reaction", "join")}
    sanctioned = {scope.who((f.platform, f.member)) for f in scope.world.flags
                  if (start <= f.created_at.timestamp() < end
                      or (f.decided_at is not None and start <= f.decided_at.timestamp() < end))
                  and (f.status in ACTED or f.auto_action not in PASSIVE)}
    excluded = hidden(scope) | staff | sanctioned
    ranked = sorted(((p, i) for i, p in score.items() if p > 0 and i not in excluded),
                    key=lambda item: (-item[0], item[1]))[:TOP]
    return [(*account_of[i], p) for p, i in ranked]


# ---------------------------------------------------------------------------------------------- posts
def posts(scope: Scope) -> tuple[dict, dict]:
    start, end = scope.bounds
    n = {"posts_published": 0, "posts_scheduled_next_week": scheduled(scope)}
    for window in ("24h", "7d"):
        n |= {f"post_reactions_{window}": 0, f"post_replies_{window}": 0, f"post_members_{window}": 0}
    campaigns: Counter[str] = Counter()
    pillars: Counter[str] = Counter()
    best: tuple[int, int, str] | None = None
    published = sorted((d for d in scope.world.deliveries if scope.platform in (None, d.platform)
                        and start <= d.at < end), key=lambda d: d.at)
    for d in published:
        n["posts_published"] += 1
        for window, seconds in (("24h", DAY), ("7d", WEEK)):
            about = [r for r in scope.world.log if r.post_id == d.post_id and r.platform == d.platform
                     and r.kind in ("reaction", "reply") and d.at <= r.at < d.at + seconds]
            n[f"post_reactions_{window}"] += sum(r.kind == "reaction" for r in about)
            n[f"post_replies_{window}"] += sum(r.kind == "reply" for r in about)
            n[f"post_members_{window}"] += len({r.member for r in about})
        total = len(about)
        campaigns[d.campaign or "-"] += total
        pillars[d.pillar or "-"] += total
        if total > 0 and (best is None or total > best[0]):
            best = (total, d.post_id, d.platform)
    lists = {"best_post": [(best[2], str(best[1]), best[0])] if best else [],
             "by_campaign": [("", k, v) for k, v in sorted(campaigns.items(), key=lambda i: (-i[1], i[0]))],
             "by_pillar": [("", k, v) for k, v in sorted(pillars.items(), key=lambda i: (-i[1], i[0]))]}
    return n, lists


def scheduled(scope: Scope) -> int | None:
    now = datetime.fromtimestamp(scope.now, TZ)
    this_monday = monday_of(now.date())
    if scope.monday not in (this_monday, this_monday - timedelta(weeks=1)):
        return None
    lo, hi = scope.now, scope.now + WEEK
    count = 0
    for post in scope.world.scheduled:
        if scope.platform not in (None, post.platform):
            continue
        if post.weekday is None:
            count += lo <= post.next_due.timestamp() < hi
            continue
        wall = post.next_due.astimezone(TZ).time()
        day = post.next_due.astimezone(TZ).date()
        while local_start(day) < hi:
            instant = datetime.combine(day, wall, tzinfo=TZ).timestamp()
            if day.weekday() == post.weekday and instant >= post.next_due.timestamp() and lo <= instant < hi:
                count += 1
            day += timedelta(days=1)
    return count


# ---------------------------------------------------------------------------------------------- the report
@dataclass
class Report:
    scopes: list[tuple[str | None, dict, dict, dict]]  # platform, numbers, previous, lists
    daily: list[tuple[date, int, int]]
    advice: str


def daily(world: World, monday: date) -> list[tuple[date, int, int]]:
    days = [monday - timedelta(weeks=7) + timedelta(days=i) for i in range(56)]
    out = []
    for day in days:
        lo, hi = local_start(day), local_start(day + timedelta(days=1))
        rows = [r for r in world.log if lo <= r.at < hi]
        active = sum(len({r.member for r in rows if r.platform == p and r.kind in ("message", "reply", "reaction")})
                     for p in PLATFORMS)
        out.append((day, active, sum(r.kind in ("message", "reply") for r in rows)))
    return out


def advice(numbers: dict) -> str:
    newcomers, activation, rate = numbers["newcomers"], numbers["newcomer_activation"], numbers["growth_rate"]
    stagnant = rate is not None and rate < 0.01
    if newcomers >= 5 and activation is not None:
        if activation < 0.25:
            return "community_management"
        if activation >= 0.5 and stagnant:
            return "reach"
        return "steady"
    return "reach" if stagnant else "too_few"


def report(world: World, monday: date, now: int) -> Report:
    scopes = []
    for platform in (None, *PLATFORMS):
        scope = Scope(world, monday, platform, now)
        numbers, lists = figures(scope)
        previous, _ = figures(scope.shifted(-1))
        scopes.append((platform, numbers, previous, lists))
    return Report(scopes, daily(world, monday), advice(scopes[0][1]))
