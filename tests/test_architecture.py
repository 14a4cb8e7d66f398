"""The arrows between packages (docs/architecture.md): the rules are pure; members knows nothing of
the projects; projects know nothing of payouts; the policy app knows nothing of projects or payouts.
Read from the source (every import, function-level ones included), so a hidden cycle fails here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP = ("django", "members", "projects", "payouts", "subsidies", "jiading_union")

# package -> top-level names it may not import
FORBIDDEN = {
    "subsidies/rules": {"django", "members", "projects", "payouts", "subsidies", "jiading_union"},
    "members": {"projects", "payouts"},
    "projects": {"payouts"},
    "subsidies": {"projects", "payouts"},
}


def imports_of(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module, node.lineno))
    return found


def violations(package: str, forbidden: set[str]) -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or (package == "subsidies" and relative.startswith("subsidies/rules/")):
            continue
        for module, line in imports_of(path):
            top = module.split(".")[0]
            if package == "subsidies/rules" and module.startswith("subsidies.rules"):
                continue
            if top in forbidden:
                bad.append(f"{relative}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_arrow(package):
    assert violations(package, FORBIDDEN[package]) == []


def test_the_checker_sees_function_level_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from payouts.services import x\n")
    assert ("payouts.services", 2) in imports_of(sample)
