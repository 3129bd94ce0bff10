"""docs/archive-format.md states the importer's limits: the numbers there are the code's."""

from pathlib import Path

from curbside import limits
from curbside.ingest import jsonl

DOC = Path(__file__).resolve().parents[2] / "docs" / "archive-format.md"


def test_the_archive_format_states_the_limits_the_importer_enforces():
    doc = " ".join(DOC.read_text(encoding="utf-8").split())
    for phrase in (
        f"nest at most {jsonl.MAX_NESTING} levels deep",
        f"an integer has at most {jsonl.MAX_INTEGER_DIGITS} digits",
        f"a thread's `title` at most {limits.TITLE_MAX:,} characters",
        f"the asker's `alias` {limits.ALIAS_MAX:,}",
        f"the `reply`'s `body` {limits.BODY_MAX:,}",
        f"the question's `body` {limits.QUESTION_BODY_MAX:,}",
        f"the form's {limits.BODY_MAX:,}",
        f"a passage's `question_type` {limits.QUESTION_TYPE_MAX:,}",
    ):
        assert phrase in doc, phrase
