"""The demo content: written by the Curbside developers, fictional people, marked as such."""

from importlib import resources
from pathlib import Path

# Every demo thread and guide names this source; pages show a demo notice for it.
DEMO_SOURCE_NAME = "Curbside demo content (fictional)"


def demo_archive() -> Path:
    return Path(str(resources.files("curbside.demo") / "demo.jsonl"))
