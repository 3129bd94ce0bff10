import pytest

from curbside.cli import main
from curbside.demo import demo_archive
from curbside.web.qa import models as m

ALL_MODELS = [m.Generated, m.GuideSection, m.Guide, m.ThreadTopic, m.Reply, m.Thread, m.Passage, m.Topic,
              m.Doctor, m.Specialty]


def snapshot() -> dict[str, list]:
    """Every row of every model, to prove an operation changed nothing."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in ALL_MODELS}


def empty_database() -> None:
    for model in ALL_MODELS:
        model.objects.all().delete()


@pytest.fixture
def run_cli(capsys):
    """Run `curbside ARGS` in this process against the test database; (status, stdout, stderr)."""

    def run(*args):
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def seeded(db, run_cli, seed_page, seed_guide):
    status, _, err = run_cli("import", seed_page, seed_guide)
    assert status == 0, err
    return m.Thread.objects.get(title="Facial spasms")


@pytest.fixture
def demo(db, run_cli):
    status, _, err = run_cli("import", demo_archive())
    assert status == 0, err


@pytest.fixture(autouse=True)
def own_search_index(settings, tmp_path):
    """Each test gets its own index folder; the embedding cache (content-addressed) is shared."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


@pytest.fixture
def indexed(db, run_cli, seed_page, seed_guide):
    """Demo content and the seed page, imported and indexed."""
    from curbside.web.qa import indexing

    status, _, err = run_cli("import", demo_archive(), seed_page, seed_guide)
    assert status == 0, err
    indexing.process_jobs()
    return m.Thread.objects.get(title="Facial spasms")
