"""Which of our roles (SMM, CM, admin) a member holds in a community, from the configured role model.

Role checks always run here, server-side: Discord's `default_permissions` and Slack's app settings are only
hints that a server admin can change.
"""

from __future__ import annotations

from enum import StrEnum

from bot.events import Member, PlatformName
from config.settings import Community


class Role(StrEnum):
    MEMBER = "member"
    CM = "cm"
    SMM = "smm"
    ADMIN = "admin"


# Our roles other than MEMBER, each with the field of the role model that lists who holds it.
_LISTED = ((Role.SMM, "smm"), (Role.CM, "cm"), (Role.ADMIN, "admin"))
_MEMBER_ONLY = frozenset({Role.MEMBER})


def roles_of(member: Member, community: Community, platform: PlatformName) -> frozenset[Role]:
    """Our roles for `member`: a platform role id (or, on Slack, the member's own user id) listed in config.

    Asked on many events (feedback channels, staff marks, commands): each list is read as configured, with no
    set built from it and no enum property read."""
    space = community.space(platform)
    if space is None:
        return _MEMBER_ONLY
    model, ids, member_id = space.roles, member.roles, member.id
    held = [Role.MEMBER]
    for role, field in _LISTED:
        listed = getattr(model, field)
        if listed and (member_id in listed or not ids.isdisjoint(listed)):
            held.append(role)
    return frozenset(held) if len(held) > 1 else _MEMBER_ONLY


def listed_ids(community: Community, platform: PlatformName | str, roles: frozenset[Role]) -> frozenset[str]:
    """Every id the role model lists for one of `roles` (platform role ids; on Slack, members' own ids too): a
    member holds one of them exactly when its own id or one of its role ids is in this set (as `roles_of`
    reads the lists). For a check made on every event, built once per community and platform."""
    space = community.space(platform)
    if space is None:
        return frozenset()
    model = space.roles
    return frozenset(ident for role, field in _LISTED if role in roles for ident in getattr(model, field) or ())


def may(held: frozenset[Role], allowed: frozenset[Role]) -> bool:
    """Admins may do everything; otherwise the member needs one of the allowed roles."""
    return Role.ADMIN in held or bool(held & allowed)
