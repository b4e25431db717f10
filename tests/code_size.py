"""Modules and functions too long to hold in one's head: modules of `pipeline/` over
MAX_MODULE_LINES lines, functions (methods, nested ones too) over MAX_FUNCTION_LINES.

    python tests/code_size.py [ROOT]     # lists them, exits 1 if there are any

Lines are counted as the file has them (docstrings and comments included: they are read too);
a function runs from its `def` (decorators excluded) to its last line."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"


def long_modules(root: Path = PACKAGE) -> list[tuple[str, int]]:
    sizes = ((path, len(path.read_text(encoding="utf-8").splitlines())) for path in sorted(root.rglob("*.py")))
    return [(str(path.relative_to(root.parent)), n) for path, n in sizes if n > MAX_MODULE_LINES]


def long_functions(root: Path = PACKAGE) -> list[tuple[str, str, int]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append((f"{path.relative_to(root.parent)}:{node.lineno}", node.name, lines))
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else PACKAGE
    modules, functions = long_modules(root), long_functions(root)
    for name, n in modules:
        print(f"module   {name}: {n} lines (over {MAX_MODULE_LINES})")
    for where, name, n in functions:
        print(f"function {where} {name}: {n} lines (over {MAX_FUNCTION_LINES})")
    return 1 if modules or functions else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
