"""Read and validate the TOML config once, turning every mistake into a message that names file and key."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from config.problems import describe, feature_problems, say
from config.settings import Settings

DEFAULT_CONFIG_NAME = "default.toml"
CONFIG_ENV = "CMBOT_CONFIG"


class ConfigError(Exception):
    """The config cannot be used. `problems` lists every mistake found, each naming the file and the key."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problems))

    def report(self) -> str:
        header = say("header", source=self.source, count=len(self.problems))
        return "\n".join([header, *(f"  - {problem}" for problem in self.problems)])


def _key_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _validate(data: dict, source: str) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            location = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problems.append(say("key", source=source, key=_key_path(location),
                                sentence=describe({**error, "loc": location}, Settings)))
        raise ConfigError(source, problems) from None


def parse_settings(text: str, source: str) -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [f"{source}: not valid TOML: {exc}"]) from None
    return _validate(data, source)


def default_config_text() -> str:
    """The embedded default: one demo community on the console platform."""
    return resources.files("config").joinpath(DEFAULT_CONFIG_NAME).read_text(encoding="utf-8")


def resolve_config_path(explicit: Path | None) -> Path | None:
    """The file to read: --config, else $CMBOT_CONFIG, else ./cmbot.toml if present, else none (default)."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    local = Path("cmbot.toml")
    return local if local.exists() else None


def feature_check(settings: Settings, source: str) -> list[str]:
    """What a valid file still gets wrong for a feature that is on (a flag nobody would see, a report nowhere)."""
    return [say("key", source=source, key=key, sentence=sentence) for key, sentence in feature_problems(settings)]


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return parse_settings(default_config_text(), f"(embedded {DEFAULT_CONFIG_NAME})")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), [f"{path}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"{path}: cannot be read: {exc}"]) from None
    return parse_settings(text, str(path))
