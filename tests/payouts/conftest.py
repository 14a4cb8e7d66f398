from tests.projects.conftest import member, other_member, staff, tree  # noqa: F401
