"""Curbside's exceptions.

    CurbsideError             base class; the CLI prints its message and exits non-zero
    ├── ConfigError           an environment variable has a bad value
    └── InputError            input data is wrong: carries FILE:LINE for the reader
"""

from __future__ import annotations


class CurbsideError(Exception):
    """Base class of every error Curbside raises on purpose."""


class ConfigError(CurbsideError):
    """A configuration value is missing or malformed."""


class InputError(CurbsideError):
    """Input that cannot be imported. ``str()`` gives ``FILE:LINE: what is wrong``."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
