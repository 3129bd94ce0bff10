"""The core must run without Django: a notebook, a worker or the benchmarks import it alone."""

import pkgutil
import subprocess
import sys

import curbside

ADAPTERS = ("curbside.web", "curbside.cli")


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(curbside.__path__, "curbside.")]
    return sorted(n for n in names if not n.startswith(ADAPTERS))


def test_core_has_modules():
    assert "curbside.ingest.archive" in core_modules()
    assert "curbside.records" in core_modules()
    # the safety layer (triage, routing, de-identification) is core too
    assert {"curbside.safety.rules", "curbside.safety.triage", "curbside.safety.triage_cli"} <= set(core_modules())
    # so is enrichment (sources, More Info, guides and their checks)
    assert {"curbside.enrich.sources", "curbside.enrich.more_info", "curbside.enrich.guides",
            "curbside.enrich.check"} <= set(core_modules())


def test_no_core_module_imports_django():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "    loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "    assert not loaded, f'{name} imports {loaded[0]}'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
