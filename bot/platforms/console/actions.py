"""Carrying out the core's actions in the simulated community, one small method per action."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import assert_never

from bot.actions import (
    Action,
    ActionResult,
    Answer,
    ClosePoll,
    CreateInvite,
    DeleteMessage,
    DirectMessage,
    EditMessage,
    FileAttachment,
    FindPost,
    GrantRole,
    OpenModal,
    Post,
    React,
    ReadPollVoters,
    ReplyInThread,
    RevokeRole,
    TimeoutMember,
    concrete,
)
from bot.platforms.console.community import BOT_NAME, SimulatedCommunity
from bot.platforms.console.render import shown_and_kept
from bot.platforms.console.screen import Screen


class ConsoleActions:
    def __init__(self, community: SimulatedCommunity, screen: Screen, files_dir: Path | None = None) -> None:
        self.community = community
        self.screen = screen
        self.words = screen.words
        self.files_dir = files_dir  # where files sent to members are written; None: a private temporary folder

    def write_files(self, files: tuple[FileAttachment, ...]) -> tuple[str, ...]:
        """Write each file where only the person running the console can read it (folder 0700, file 0600,
        whatever the umask) and return the paths the screen prints."""
        if not files:
            return ()
        if self.files_dir is None:
            self.files_dir = Path(tempfile.mkdtemp(prefix="cmbot-files-"))
        self.files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        paths = []
        for attached in files:
            path = self.files_dir / attached.filename
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                os.fchmod(out.fileno(), 0o600)  # an older file of that name keeps no wider mode
                out.write(attached.data)
            paths.append(str(path))
        return tuple(paths)

    def execute(self, action: Action) -> ActionResult:
        """One branch per action; `assert_never` makes an action with no branch a type error."""
        if type(action) is Post:  # the most frequent one (every scheduled post) goes straight to its branch
            return self.post(action)
        action = concrete(action)
        match action:
            case Post():
                return self.post(action)
            case ReplyInThread():
                return self.reply_in_thread(action)
            case DirectMessage():
                return self.direct_message(action)
            case DeleteMessage():
                return self.delete(action)
            case React():
                return self.react(action)
            case TimeoutMember():
                return self.timeout(action)
            case OpenModal():
                return self.open_modal(action)
            case Answer():
                return self.answer(action)
            case EditMessage():
                return self.edit(action)
            case FindPost():
                return self.find_post(action)
            case CreateInvite():
                return ActionResult.failed("the console has no invite links", permanent=True)
            case ClosePoll():
                return ActionResult.failed("the console has no native polls (its polls are buttons)", permanent=True)
            case ReadPollVoters():
                return ActionResult.failed("the console has no native polls (its polls are buttons)", permanent=True)
            case GrantRole():
                return self.role(action)
            case RevokeRole():
                return self.role(action)
            case _:
                assert_never(action)

    def post(self, action: Post) -> ActionResult:
        """The message kept and shown; its text rendered once for both (`shown_and_kept`)."""
        key = action.idempotency_key
        if key:
            already = self.community.posted_with(key)
            if already is not None:  # a retried send: the console, like Discord's nonce, posts it once
                return ActionResult.done(already.id, already.channel)
        content = action.content
        written: tuple[str, ...] = ()
        if content.files:
            try:
                written = self.write_files(content.files)
            except OSError as error:
                return _unwritten(error)
        shown, kept = shown_and_kept(content.text, self.community.name_of)
        message_id = self.community.add_message(action.channel_id, BOT_NAME, kept, content.buttons, key)
        self.screen.show(f"#{action.channel_id}", content, message_id, files=written, text=shown)
        return ActionResult(ok=True, message_id=message_id, channel_id=action.channel_id)

    def reply_in_thread(self, action: ReplyInThread) -> ActionResult:
        message_id = self.community.add_bot_message(action.channel_id, action.content)
        self.screen.show(f"#{action.channel_id} › {action.parent_message_id}", action.content, message_id)
        return ActionResult.done(message_id, action.channel_id)

    def direct_message(self, action: DirectMessage) -> ActionResult:
        if action.member_id in self.community.closed_dms:
            if action.fallback_channel_id is None:
                return ActionResult.failed("the member does not accept direct messages", permanent=True)
            return self.post(Post(channel_id=action.fallback_channel_id, content=action.content))
        try:
            written = self.write_files(action.content.files)
        except OSError as error:
            return _unwritten(error)
        message_id = self.community.add_bot_message(f"@{action.member_id}", action.content)
        self.screen.show(self.words("dm_to", member=self.community.name_of(action.member_id)), action.content,
                         message_id, files=written)
        return ActionResult.done(message_id, f"@{action.member_id}")

    def delete(self, action: DeleteMessage) -> ActionResult:
        message = self.community.messages.get(action.message_id)
        if message is None or message.deleted:
            return ActionResult.failed(f"unknown message {action.message_id}", permanent=True)
        message.deleted = True
        self.screen.print(f"[#{message.channel}] " + self.words("bot_deleted", bot=BOT_NAME, message=message.id))
        return ActionResult.done(message.id, message.channel)

    def react(self, action: React) -> ActionResult:
        said = self.words("bot_reacted", bot=BOT_NAME, emoji=action.emoji, message=action.message_id)
        self.screen.print(f"[#{action.channel_id}] {said}")
        return ActionResult.done(action.message_id, action.channel_id)

    def timeout(self, action: TimeoutMember) -> ActionResult:
        minutes = int(action.duration.total_seconds() // 60)
        self.screen.print(self.words("timed_out", member=self.community.name_of(action.member_id), minutes=minutes))
        return ActionResult.done()

    def role(self, action: GrantRole | RevokeRole) -> ActionResult:
        member = self.community.members.get(action.member_id)
        if member is None:
            return ActionResult.failed(f"unknown member {action.member_id}", permanent=True)
        granting = isinstance(action, GrantRole)
        roles = member.roles | {action.role_id} if granting else member.roles - {action.role_id}
        self.community.members[member.id] = replace(member, roles=frozenset(roles))
        self.community.changed_member(member.id)
        key = "role_granted" if granting else "role_revoked"
        self.screen.print(self.words(key, member=member.display_name, role=action.role_id))
        return ActionResult.done()

    def open_modal(self, action: OpenModal) -> ActionResult:
        pending = self.community.interactions.get(action.interaction.token)
        who = pending.member if pending else "?"
        fields = " ".join(f"{i.custom_id}={'|'.join(v for v, _ in i.choices) if i.choices else '…'}"
                          for i in action.inputs)
        if pending is not None:
            opened = self.community.open_modals.setdefault(pending.member, [])
            opened.append(action.custom_id)
            self.community.modal_channels[(pending.member, action.custom_id)] = pending.channel
        self.screen.print(self.words("modal", member=who, title=action.title, modal=action.custom_id, fields=fields))
        return ActionResult.done()

    def answer(self, action: Answer) -> ActionResult:
        pending = self.community.interactions.get(action.interaction.token)
        if pending is None:
            return ActionResult.failed("unknown interaction", permanent=True)
        try:
            written = self.write_files(action.content.files)
        except OSError as error:
            return _unwritten(error)
        if action.ephemeral:
            self.screen.show(self.words("only_sees", member=self.community.name_of(pending.member)), action.content,
                             files=written)
            return ActionResult.done()
        message_id = self.community.add_bot_message(pending.channel, action.content)
        self.screen.show(f"#{pending.channel}", action.content, message_id, files=written)
        return ActionResult.done(message_id, pending.channel)

    def edit(self, action: EditMessage) -> ActionResult:
        message = self.community.messages.get(action.message_id)
        if message is None or message.deleted:
            return ActionResult.failed(f"unknown message {action.message_id}", permanent=True)
        message.text = action.content.text.plain()
        message.buttons = action.content.buttons
        if message.channel.startswith("@"):  # a direct message (`direct_message` files them under @member)
            where = self.words("dm_edited", member=self.community.name_of(message.channel[1:]), message=message.id)
        else:
            where = self.words("edited_where", channel=message.channel, message=message.id)
        self.screen.show(where, action.content)
        return ActionResult.done(message.id, message.channel)

    def find_post(self, action: FindPost) -> ActionResult:
        message = self.community.posted_with(action.idempotency_key)
        if message is not None and message.channel == action.channel_id:
            return ActionResult.done(message.id, message.channel)
        return ActionResult.failed("not found", permanent=True)


def _unwritten(error: OSError) -> ActionResult:
    return ActionResult.failed(f"cannot write the file: {error.strerror or error}", permanent=True)
