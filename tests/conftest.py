from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PUTUO = SHARED / "corpus/real/上海市普陀区财政局2024年度部门决算.pdf"
TEMPLATE = SHARED / "corpus/real/附件2：部门决算模板.pdf"
NATIONAL = SHARED / "corpus/national"
BUDGETS = sorted((SHARED / "corpus/budget").glob("*.pdf")) if (SHARED / "corpus/budget").is_dir() else []
SEEDS = SHARED / "seeds"
SAMPLES = ROOT / "samples"


def need(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present")


@pytest.fixture(scope="session")
def putuo_result():
    from pipeline.process import process_document

    if not PUTUO.exists():
        pytest.skip("corpus PDF not present")
    return process_document(PUTUO)


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server on loopback for the session (skipped where none is installed)."""
    from pg import PostgresServer

    server = PostgresServer()
    if not server.available:
        pytest.skip("PostgreSQL is not installed (.ci/run installs it)")
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def portal_site(tmp_path):
    """The fake disclosure portal on loopback and `tests/fixtures/portal.yaml` pointed at it."""
    from portal import Portal, fake_disclosure_site

    with Portal() as portal:
        fake_disclosure_site(portal)
        template = (Path(__file__).parent / "fixtures" / "portal.yaml").read_text(encoding="utf-8")
        sources = tmp_path / "portal.yaml"
        sources.write_text(template.replace("{base}", portal.url("").rstrip("/")), encoding="utf-8")
        yield portal, sources
