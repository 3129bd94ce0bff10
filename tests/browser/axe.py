"""axe-core accessibility checks for a Playwright page.

axe-core comes from the installed `axe-playwright-python` package (no download). The
site's Content-Security-Policy (script-src 'self') refuses the inline <script> that
`add_script_tag` writes, so pages checked here must be opened in a browser context made
with `bypass_csp=True`.
"""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Error as PlaywrightError

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
FAILING_IMPACTS = ("serious", "critical")


def describe(violations: list[dict]) -> str:
    """One line per rule, then each offending element with what to fix."""
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            summary = " / ".join(node.get("failureSummary", "").splitlines()[1:]).strip()
            lines.append(f"      {' '.join(node['target'])}: {summary}")
    return "\n".join(lines)


def run_axe(page) -> list[dict]:
    try:
        page.add_script_tag(path=AXE_JS)
    except PlaywrightError as exc:
        raise AssertionError(f"axe-core did not load (open the page in a context with bypass_csp=True): {exc}")
    # page.evaluate has no timeout of its own: a run that never settles would hang the suite
    # (seen once in CI-like runs under load), so it is bounded and retried once on a fresh load.
    return page.evaluate(BOUNDED_RUN, AXE_TIMEOUT_MS)["violations"]


AXE_TIMEOUT_MS = 30_000
BOUNDED_RUN = """(ms) => Promise.race([
    axe.run(document, {resultTypes: ['violations']}),
    new Promise((_, reject) => setTimeout(() => reject(new Error('axe timed out')), ms)),
])"""


def checked_violations(page) -> list[dict]:
    try:
        return run_axe(page)
    except PlaywrightError as exc:
        if "axe timed out" not in str(exc):
            raise
        page.reload()
        return run_axe(page)


def assert_accessible(page, name: str) -> None:
    """Fail on any serious or critical axe violation; print the milder ones so they are seen."""
    violations = checked_violations(page)
    if violations:
        print(f"axe, {name} ({page.url}):\n{describe(violations)}")
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe found serious or critical problems on {name} ({page.url}):\n{describe(failing)}"
