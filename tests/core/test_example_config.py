"""The shipped example config is valid and documents every key of the schema."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from config.loader import load_settings
from config.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "cmbot.example.toml"


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list, dict) or origin is not None:
        for argument in typing.get_args(annotation):
            found.extend(_models_in(argument))
    return found


def schema_keys(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    keys = set()
    for name, info in model.model_fields.items():
        keys.add(name)
        for sub in _models_in(info.annotation):
            keys |= schema_keys(sub, seen)
    return keys


def test_the_example_config_is_valid():
    settings = load_settings(EXAMPLE)
    assert settings.communities[0].discord is not None and settings.communities[0].slack is not None


def test_every_schema_key_is_documented_in_the_example():
    text = EXAMPLE.read_text(encoding="utf-8")
    written = set(re.findall(r"(?m)^#?\s*([a-z_][a-z0-9_]*)\s*=", text))
    written |= set(re.findall(r"[{,]\s*([a-z_][a-z0-9_]*)\s*=", text))
    written |= set(re.findall(r"(?m)^\[+[a-z_.]*?([a-z_]+)\]+", text))
    missing = sorted(schema_keys(Settings) - written)
    assert missing == [], f"document these keys in config/cmbot.example.toml: {missing}"
