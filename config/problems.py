"""Config mistakes said as sentences a community manager understands, in French or English.

Two kinds: a value the schema refuses (pydantic's own wording, such as `String should match pattern
'^([01]\\d|2[0-3]):[0-5]\\d$'`, never reaches the user: each error type has a sentence, and an unknown key gets
the nearest known keys as « did you mean … ? »), and a feature left without what it needs (moderation on with no
moderation channel, a weekly report with no strategy channel): each names the key to set, or the switch that turns
the feature off. The language is the operator's (`LANG` starting with `fr`), English otherwise.
"""

from __future__ import annotations

import difflib
import os
import tomllib
import types
import typing
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from pydantic import BaseModel

SENTENCES_FILE = "config.toml"


@cache
def _sentences(lang: str) -> dict[str, Any]:
    text = resources.files("config").joinpath("locales", lang, SENTENCES_FILE).read_text(encoding="utf-8")
    return tomllib.loads(text)


def operator_language() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def say(message: str, lang: str | None = None, /, **values: object) -> str:
    """One sentence of `config/locales/<lang>/config.toml`, filled by name (values are our own words)."""
    lang = lang or operator_language()
    template = _sentences(lang)[message]
    if isinstance(template, dict):  # a plural table, chosen by `count` with the language's rule
        count = values.get("count", 0)
        if not isinstance(count, int | float):
            raise TypeError(f"{message}: a plural sentence needs a number as `count`, not {count!r}")
        template = template.get(Locale.parse(lang).plural_form(count), template["other"])
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def _inner(annotation: Any) -> Any:
    """The model under an annotation: `X | None`, `tuple[X, ...]`, `dict[str, X]` all lead to X."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _inner(arg)
    if origin in (tuple, list):
        return _inner(typing.get_args(annotation)[0])
    if origin is dict:
        return _inner(typing.get_args(annotation)[1])
    return annotation


def known_keys(model: type[BaseModel], location: tuple[int | str, ...]) -> list[str]:
    """The keys accepted at the table holding `location` (its last part is the unknown key itself)."""
    current: Any = model
    for index, part in enumerate(location[:-1]):
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        following = location[index + 1] if index + 1 < len(location) - 1 else None
        annotation = field.annotation
        if typing.get_origin(_strip_optional(annotation)) is dict and following is not None:
            current = _inner(annotation)
            continue
        current = _inner(annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def describe(error: dict[str, Any], model: type[BaseModel], lang: str | None = None) -> str:
    """A pydantic error as a sentence; the raw wording is the last resort for our own validators only."""
    kind, context = error["type"], error.get("ctx") or {}
    location = tuple(error["loc"])
    value = error.get("input")
    if kind == "extra_forbidden":
        name = str(location[-1]) if location else ""
        close = difflib.get_close_matches(name, known_keys(model, location), n=2, cutoff=0.6)
        if close:
            quoted = [say("quoted", lang, word=word) for word in close]
            return say("did_you_mean", lang, key=name, suggestions=say("or", lang).join(quoted))
        return say("unknown_key", lang, key=name)
    if kind == "missing":
        return say("missing", lang)
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        if "[0-5]" in pattern and ":" in pattern:
            return say("time_format", lang, value=value)
        return say("pattern", lang, value=value)
    simple = {
        "int_parsing": "whole_number", "int_type": "whole_number", "int_from_float": "whole_number",
        "float_parsing": "number", "float_type": "number", "bool_parsing": "boolean", "bool_type": "boolean",
        "string_type": "text", "dict_type": "table", "model_type": "table", "tuple_type": "list",
        "list_type": "list", "url_parsing": "url", "url_scheme": "url",
    }
    if kind in simple:
        return say(simple[kind], lang, value=value)
    bounds = {"greater_than_equal": ("at_least", "ge"), "greater_than": ("more_than", "gt"),
              "less_than_equal": ("at_most", "le"), "less_than": ("less_than", "lt"),
              "too_long": ("too_many", "max_length"), "too_short": ("too_few", "min_length"),
              "string_too_long": ("too_long", "max_length"), "string_too_short": ("too_short", "min_length")}
    if kind in bounds:
        key, bound = bounds[kind]
        return say(key, lang, value=value, limit=context.get(bound, "?"))
    if kind == "literal_error":
        return say("choice", lang, value=value, choices=context.get("expected", ""))
    if kind in {"value_error", "assertion_error"}:
        return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return say("invalid", lang, value=value)


def feature_problems(settings: Any, lang: str | None = None) -> Iterator[tuple[str, str]]:
    """(key, sentence) for each feature that is on but lacks what it needs to work."""
    for index, community in enumerate(settings.communities):
        prefix = f"communities[{index}]"
        spaces = [(name, community.space(name)) for name in ("discord", "slack", "console")]
        spaces = [(name, space) for name, space in spaces if space is not None]
        if community.moderation.enabled:
            for name, space in spaces:
                if not space.channels.moderation:
                    yield (f"{prefix}.{name}.channels.moderation",
                           say("no_moderation_channel", lang, platform=name, off=f"{prefix}.moderation.enabled"))
            if community.moderation.observations.delivery == "cards":
                for name, space in spaces:
                    if not space.channels.observations:
                        yield (f"{prefix}.{name}.channels.observations",
                               say("no_observations_channel", lang, platform=name,
                                   mode=f"{prefix}.moderation.observations.delivery"))
        if community.report.enabled and not any(space.channels.strategy for _, space in spaces):
            name = spaces[0][0] if spaces else "discord"
            yield (f"{prefix}.{name}.channels.strategy",
                   say("no_strategy_channel", lang, off=f"{prefix}.report.enabled"))
