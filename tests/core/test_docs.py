"""The README stays true: every setting documented, the quick start is what CI runs."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sources = "".join(p.read_text(encoding="utf-8") for p in (REPO / "curbside").rglob("*.py"))
    sources += "".join(p.read_text(encoding="utf-8") for p in (REPO / "scripts").glob("*.sh"))
    names = set(re.findall(r"\b(CURBSIDE_[A-Z_]+|DATABASE_URL)\b", sources)) - {"CURBSIDE_SECRET_KEY_FILE"}
    assert names, "no variables found"
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert not missing, f"README.md does not document {missing}"


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
