"""Where each platform's API lives. The public services by default; set a key to reach GovSlack
(`slack_api = "https://slack-gov.com/api/"`), to go through an egress proxy, or to point the whole bot at a local
fake in tests."""

from __future__ import annotations

from pydantic import field_validator

from config.base import Section

HTTP = ("http://", "https://")
WEBSOCKET = ("ws://", "wss://")


class Endpoints(Section):
    discord_api: str | None = None  # discord.py's default: https://discord.com/api/v10
    discord_gateway: str | None = None  # discord.py's default: wss://gateway.discord.gg
    slack_api: str | None = None  # slack-sdk's default: https://slack.com/api/

    @field_validator("discord_api", "slack_api")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(HTTP):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value

    @field_validator("discord_gateway")
    @classmethod
    def _websocket(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(WEBSOCKET):
            raise ValueError(f"expected a ws:// or wss:// URL, got {value!r}")
        return value

    @field_validator("slack_api")
    @classmethod
    def _trailing_slash(cls, value: str | None) -> str | None:
        """slack-sdk joins method names straight onto the base: "…/api/" + "chat.postMessage"."""
        return value if value is None or value.endswith("/") else value + "/"
