"""The traffic feature's wiring: its tables, its personal data, its CLI group."""

from __future__ import annotations

from bot.feature import Feature, PersonalData
from handlers.traffic.cli import traffic_cli
from handlers.traffic.migrations import INVITES, JOINS, migrations

feature = Feature(
    name="traffic",
    migrations=migrations,
    personal_data=(
        PersonalData(JOINS, "member_id"),
        PersonalData(INVITES, "created_by", anonymise=True, export_columns=("campaign", "source", "created_at")),
    ),
    cli=traffic_cli,
)
