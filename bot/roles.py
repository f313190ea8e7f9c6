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


def roles_of(member: Member, community: Community, platform: PlatformName) -> frozenset[Role]:
    """Our roles for `member`: a platform role id (or, on Slack, the member's own user id) listed in config."""
    space = community.space(platform)
    held = {Role.MEMBER}
    if space is None:
        return frozenset(held)
    markers = set(member.roles) | {member.id}
    for role in (Role.SMM, Role.CM, Role.ADMIN):
        if markers & set(getattr(space.roles, role.value)):
            held.add(role)
    return frozenset(held)


def may(held: frozenset[Role], allowed: frozenset[Role]) -> bool:
    """Admins may do everything; otherwise the member needs one of the allowed roles."""
    return Role.ADMIN in held or bool(held & allowed)
