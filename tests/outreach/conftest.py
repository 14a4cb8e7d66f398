from tests.projects.conftest import _member, member, staff, tree  # noqa: F401  (shared fixtures)
