"""Shared pydantic base for every settings section: unknown keys are errors, ids may be written as numbers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config table. `extra="forbid"` turns a misspelt key into an error that names it."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
