import sys

from tests.projects.conftest import in_first_skill_batch, member, other_member, staff, tree  # noqa: F401


def pytest_terminal_summary(terminalreporter):
    """One line after the run: how many door-matrix cells were tried and how many were wrong."""
    matrix = sys.modules.get("tests.doors.test_matrix")
    cells = getattr(matrix, "CELLS", None)
    if cells:
        tried, wrong = sum(c for c, _ in cells.values()), sum(w for _, w in cells.values())
        terminalreporter.write_line(f"door matrix: {tried} cells tried ({len(cells)} models and pages), {wrong} wrong")
