"""The one scope selector, for every role: own data visible, everybody else's not."""

import pytest

from members.models import StaffRole
from members.selectors import members_visible_to, organisations_visible_to, scope_for
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    district = DistrictFactory()
    street_a, street_b = StreetFactory(parent=district), StreetFactory(parent=district)
    unit_a1, unit_a2, unit_b1 = UnitFactory(parent=street_a), UnitFactory(parent=street_a), UnitFactory(parent=street_b)
    members = {
        "a1": MemberFactory(organisation=unit_a1),
        "a2": MemberFactory(organisation=unit_a2),
        "b1": MemberFactory(organisation=unit_b1),
        # A flexible worker belongs to the street union directly.
        "a_flex": MemberFactory(
            organisation=street_a, employment_type="flexible_worker", flexible_industry="express_logistics"
        ),
    }
    return locals()


def visible(user):
    return set(members_visible_to(user).values_list("name", flat=True))


def names(tree, *keys):
    return {tree["members"][k].name for k in keys}


def test_grassroots_staff_see_only_their_unit(tree):
    user = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=tree["unit_a1"])
    assert visible(user) == names(tree, "a1")
    assert set(organisations_visible_to(user)) == {tree["unit_a1"]}


def test_street_staff_see_their_street_including_its_flexible_workers(tree):
    user = StaffUserFactory(role=StaffRole.STREET, organisation=tree["street_a"])
    assert visible(user) == names(tree, "a1", "a2", "a_flex")
    assert set(organisations_visible_to(user)) == {tree["street_a"], tree["unit_a1"], tree["unit_a2"]}


def test_district_staff_see_everything(tree):
    user = StaffUserFactory(role=StaffRole.DISTRICT, organisation=tree["district"])
    assert visible(user) == names(tree, "a1", "a2", "b1", "a_flex")


def test_superuser_sees_everything(tree):
    user = StaffUserFactory(is_superuser=True, role=StaffRole.MEMBER, organisation=None)
    assert visible(user) == names(tree, "a1", "a2", "b1", "a_flex")


@pytest.mark.parametrize(
    "setup",
    ["member_role", "not_staff", "inactive", "role_level_mismatch", "anonymous", "inactive_organisation"],
)
def test_everyone_else_sees_nothing(tree, setup):
    from django.contrib.auth.models import AnonymousUser

    if setup == "anonymous":
        user = AnonymousUser()
    elif setup == "member_role":
        user = StaffUserFactory(role=StaffRole.MEMBER, organisation=None)
    elif setup == "not_staff":
        user = StaffUserFactory(role=StaffRole.STREET, organisation=tree["street_a"], is_staff=False)
    elif setup == "inactive":
        user = StaffUserFactory(role=StaffRole.STREET, organisation=tree["street_a"], is_active=False)
    elif setup == "inactive_organisation":
        tree["street_a"].is_active = False
        tree["street_a"].save()
        user = StaffUserFactory(role=StaffRole.STREET, organisation=tree["street_a"])
    else:
        # A "street" role pinned to a grassroots unit is a data error: deny, don't guess.
        user = StaffUserFactory(role=StaffRole.STREET, organisation=tree["unit_a1"])
    assert scope_for(user).is_none
    assert visible(user) == set()
    assert not organisations_visible_to(user).exists()
