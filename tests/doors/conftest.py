from tests.projects.conftest import in_first_skill_batch, member, other_member, staff, tree  # noqa: F401
