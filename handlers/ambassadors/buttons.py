"""The candidate card's buttons (`amb:accept:<id>`, `amb:later:<id>`): only CMs (and admins) decide.

The answer is ephemeral, to the CM who clicked: what was given on each platform and whether the thank-you went.
The card itself follows the decision on every platform it was posted to (see `appointing`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import Action, Answer, Content
from bot.events import ButtonClicked
from bot.i18n import Catalogue
from bot.roles import Role, may, roles_of
from bot.text import join
from config.settings import Community
from handlers.ambassadors.appointing import Appointments

DECIDERS = frozenset({Role.CM})


class AmbassadorButtons:
    def __init__(self, appointments: Appointments, catalogue: Catalogue) -> None:
        self.appointments = appointments
        self.catalogue = catalogue

    async def on_click(self, event: ButtonClicked, community: Community) -> Sequence[Action]:
        parts = event.custom_id.split(":")
        if len(parts) != 3 or parts[0] != "amb" or parts[1] not in {"accept", "later"}:
            return []
        try:
            candidate_id = int(parts[2])
        except ValueError:
            return []
        if not may(roles_of(event.member, community, event.platform), DECIDERS):
            text = self.catalogue.text(community.locale, "ambassadors.answer.staff_only")
            return [Answer(interaction=event.interaction, content=Content(text=text))]
        by = (event.platform.value, event.member.id)
        if parts[1] == "accept":
            decision = await self.appointments.accept(candidate_id, by, event.member.display_name, community)
        else:
            decision = await self.appointments.decline(candidate_id, by, event.member.display_name, community)
        return [Answer(interaction=event.interaction, content=Content(text=join(decision.lines, "\n")))]
