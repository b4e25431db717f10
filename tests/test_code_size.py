"""No module of the library over 400 lines, no function over 60 (tests/code_size.py lists them)."""
from __future__ import annotations

from pathlib import Path

from code_size import MAX_FUNCTION_LINES, MAX_MODULE_LINES, long_functions, long_modules


def test_no_module_is_too_long():
    assert long_modules() == [], f"modules over {MAX_MODULE_LINES} lines"


def test_no_function_is_too_long():
    assert long_functions() == [], f"functions over {MAX_FUNCTION_LINES} lines"


def test_the_counter_finds_a_long_function_and_a_long_module(tmp_path: Path):
    package = tmp_path / "pipeline"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    (package / "long.py").write_text(f"def short():\n    return 1\n\n\nasync def long():\n{body}\n"
                                     + "\n" * 400, encoding="utf-8")
    assert long_functions(package) == [("pipeline/long.py:5", "long", 62)]
    assert long_modules(package) == [("pipeline/long.py", 466)]
