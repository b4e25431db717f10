"""The realigner works by general rules: no seed file name, department, project or figure in
the library (issue 2/6). The names are read from the seeds themselves, so the check follows
them when the seeds change."""
import re

import pytest
from conftest import ROOT, SEEDS

LIBRARY = ROOT / "pipeline"


def library_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in LIBRARY.rglob("*.py"))


def seed_names() -> set[str]:
    """Seed file stems, and the departments and projects named in the seeds' form rows."""
    names = set()
    for path in SEEDS.glob("*.txt"):
        names |= {path.stem, path.stem.split("_")[-1]}
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip().strip("|").strip() for c in re.split(r"\t|\|", line) if c.strip().strip("|").strip()]
            if len(cells) >= 2 and re.fullmatch(r"(项目名称|部门名称|实施单位|主管部门|部门[:：]?)", cells[0]):
                names.add("".join(cells[1].split()))
            m = re.match(r"^部门(名称)?[:：]\s*(\S+)", line.strip())
            if m:
                names.add(m.group(2))
    return {n for n in names if len(n) >= 4}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not present")
def test_library_mentions_no_seed_name():
    names = seed_names()
    assert len(names) > 20, names
    text = library_text()
    assert not sorted(n for n in names if n in text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not present")
def test_library_holds_no_seed_figure():
    figures = set()
    for path in SEEDS.glob("*.txt"):
        figures |= set(re.findall(r"\d[\d,]*\.\d{2}", path.read_text(encoding="utf-8")))
    # round numbers, tolerances and fractions below 1 (thresholds, ratios) are arithmetic, not knowledge
    figures = {f for f in figures if float(f.replace(",", "")) >= 1 and float(f.replace(",", "")) % 1}
    text = library_text()
    assert not sorted(f for f in figures if re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])", text))
