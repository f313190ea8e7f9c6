"""The console's line syntax: one line, one thing happening in the simulated community.

    join NAME[roles]              a member joins (roles: comma-separated, e.g. alice[smm,cm])
    leave NAME                    a member leaves
    say NAME #CHANNEL TEXT        a member posts in a channel (the bot prints its id, e.g. m3)
    reply NAME MSG TEXT           a member replies in the thread of message MSG
    edit MSG TEXT                 the author edits message MSG
    delete MSG                    the author deletes message MSG
    react NAME MSG EMOJI          a member reacts to message MSG (unreact removes it)
    cmd NAME [#CHANNEL] /COMMAND [key=value ...]   a member invokes a slash command
    click NAME MSG BUTTON         a member clicks a button (its label or id) on bot message MSG
    submit NAME MODAL key=value   a member submits the modal the bot opened
    report NAME MSG               a member reports message MSG to the moderators
    dms NAME open|closed          a member opens or closes their direct messages
    clock +1h30m | clock ISO-TIME the simulated clock moves forward (scheduled work runs)
    help                          this help; `# ...` is a comment; `quit` ends the session

A member named for the first time gets the roles written in brackets; later lines may omit them.

The `help` line prints this syntax in the community's language (`console.help`), and a refused line says why
in it too (`console.error.*`, with each line's form from `console.usage.*`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from bot.platforms.console.words import Words

_MEMBER = re.compile(r"^(?P<name>[\w.\-]{1,40})(?:\[(?P<roles>[\w,\-]*)\])?$")
_DURATION = re.compile(r"^\+(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


class ScriptError(ValueError):
    """A line the console cannot read: a catalogue key (`console.error.*`, or any full key) and its values, so
    the refusal is said in the community's language; `usage` names the line whose form the sentence shows.
    `str()` is the English sentence (logs, tests)."""

    def __init__(self, key: str, *, usage: str | None = None, **values: str) -> None:
        self.key = key if "." in key else f"console.error.{key}"
        self.usage = usage
        self.values = values
        super().__init__(self.say(Words()))

    def say(self, words: Words) -> str:
        values = dict(self.values)
        if self.usage is not None:
            values["usage"] = words(f"usage.{self.usage}")
        return words.catalogue.string(words.locale, self.key, **values)


@dataclass(frozen=True)
class MemberSpec:
    name: str
    roles: frozenset[str] | None = None  # None: keep the roles given earlier


@dataclass(frozen=True)
class Line:
    verb: str
    member: MemberSpec | None = None
    channel: str | None = None
    message: str | None = None
    text: str = ""
    args: dict[str, str] = field(default_factory=dict)
    delta: timedelta | None = None


@lru_cache(maxsize=4096)  # scripts name the same members again and again
def parse_member(token: str) -> MemberSpec:
    match = _MEMBER.match(token)
    if not match:
        raise ScriptError("member_name", token=token)
    roles = match.group("roles")
    role_set = frozenset(r for r in roles.split(",") if r) if roles is not None else None
    return MemberSpec(match.group("name"), role_set)


def parse_channel(token: str) -> str:
    if not token.startswith("#") or len(token) < 2:
        raise ScriptError("channel", token=token)
    return token[1:]


def parse_duration(token: str) -> timedelta:
    match = _DURATION.match(token)
    if not match or not any(match.groupdict().values()):
        raise ScriptError("duration", token=token)
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(days=parts.get("d", 0), hours=parts.get("h", 0), minutes=parts.get("m", 0),
                     seconds=parts.get("s", 0))


def _split(rest: str, fields: int, verb: str, required: int | None = None) -> list[str]:
    """Cut `rest` into at most `fields` parts, the last keeping its spaces; fewer than `required` is an error
    showing how the `verb` line is written."""
    parts = rest.split(maxsplit=fields - 1)
    if len(parts) < (fields if required is None else required):
        raise ScriptError("usage", usage=verb)
    return parts


def parse_line(raw: str) -> Line | None:
    """Read one line; None for blank lines and comments. Raises ScriptError with the expected form."""
    line = raw.strip()
    if not line or line.startswith("#"):
        return None
    verb, _, rest = line.partition(" ")
    verb = verb.lower()
    rest = rest.strip()
    if verb in {"help", "quit", "exit"}:
        return Line(verb="quit" if verb == "exit" else verb)
    if verb in {"join", "leave"}:
        return Line(verb=verb, member=parse_member(_split(rest, 1, verb)[0]))
    if verb == "say":
        parts = _split(rest, 3, "say", required=2)
        member, channel = parse_member(parts[0]), parse_channel(parts[1])
        if len(parts) < 3:  # a platform never delivers an empty message: neither does the console
            raise ScriptError("empty_say", usage="say")
        return Line(verb=verb, member=member, channel=channel, text=parts[2])
    if verb == "reply":
        parts = _split(rest, 3, "reply")
        return Line(verb=verb, member=parse_member(parts[0]), message=parts[1], text=parts[2])
    if verb == "edit":
        parts = _split(rest, 2, "edit")
        return Line(verb=verb, message=parts[0], text=parts[1])
    if verb == "delete":
        return Line(verb=verb, message=_split(rest, 1, "delete")[0])
    if verb in {"react", "unreact"}:
        parts = _split(rest, 3, verb)
        return Line(verb=verb, member=parse_member(parts[0]), message=parts[1], text=parts[2])
    if verb == "cmd":
        parts = _split(rest, 2, "cmd")
        member, remainder = parse_member(parts[0]), " ".join(parts[1:])
        channel = "general"
        if remainder.startswith("#"):
            head, _, remainder = remainder.partition(" ")
            channel = parse_channel(head)
        if not remainder.startswith("/"):
            raise ScriptError("usage", usage="cmd")
        return Line(verb=verb, member=member, channel=channel, text=remainder[1:].strip())
    if verb == "click":
        parts = _split(rest, 3, "click")
        return Line(verb=verb, member=parse_member(parts[0]), message=parts[1], text=parts[2].strip())
    if verb == "submit":
        parts = _split(rest, 3, "submit", required=2)
        try:
            tokens = shlex.split(parts[2]) if len(parts) > 2 else []
        except ValueError:
            raise ScriptError("values") from None
        values = {}
        for token in tokens:
            key, sep, value = token.partition("=")
            if not sep:
                raise ScriptError("modal_value", token=token)
            values[key] = value
        return Line(verb=verb, member=parse_member(parts[0]), text=parts[1], args=values)
    if verb == "report":
        parts = _split(rest, 2, "report")
        return Line(verb=verb, member=parse_member(parts[0]), message=parts[1])
    if verb == "dms":
        parts = _split(rest, 2, "dms")
        if parts[1] not in {"open", "closed"}:
            raise ScriptError("usage", usage="dms")
        return Line(verb=verb, member=parse_member(parts[0]), text=parts[1])
    if verb == "clock":
        token = _split(rest, 1, "clock")[0]
        if token.startswith("+"):
            return Line(verb=verb, delta=parse_duration(token))
        return Line(verb=verb, text=token)
    if verb.startswith("/"):  # a newcomer's first try: a command is run in a member's name
        raise ScriptError("command_needs_member", command=verb)
    raise ScriptError("unknown_line", verb=verb)
