"""Edits made in the admin go through the services: role and level agree, groups follow the
role, a unit moved to another street takes its members' scope with it."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.models import Member, StaffRole
from members.roles import ROLE_GROUPS
from members.selectors import members_visible_to
from tests.factories import DistrictFactory, MemberFactory, StaffUserFactory, StreetFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_a_promoted_clerk_changes_group_and_loses_the_old_rights():
    district = DistrictFactory()
    clerk = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=UnitFactory(parent=StreetFactory(parent=district)))
    street = StreetFactory(parent=district)
    services.staff_user_update(user=clerk, role=StaffRole.STREET, organisation=street)
    assert list(clerk.groups.values_list("name", flat=True)) == [ROLE_GROUPS[StaffRole.STREET]]
    assert not clerk.groups.filter(name=ROLE_GROUPS[StaffRole.GRASSROOTS]).exists()


def test_a_role_that_does_not_fit_the_organisation_is_refused():
    clerk = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=UnitFactory())
    with pytest.raises(ValidationError) as excinfo:
        services.staff_user_update(user=clerk, role=StaffRole.DISTRICT)
    assert excinfo.value.message_dict["organisation"] == ["区总工会工作人员必须属于区总工会。"]


def test_moving_a_unit_moves_its_members_scope():
    district = DistrictFactory()
    old, new = StreetFactory(parent=district), StreetFactory(parent=district)
    unit = UnitFactory(parent=old)
    member = MemberFactory(organisation=unit)
    services.organisation_update(organisation=unit, parent=new)
    member.refresh_from_db()
    assert (unit.street, member.street) == (new, new)
    new_staff = StaffUserFactory(role=StaffRole.STREET, organisation=new)
    old_staff = StaffUserFactory(role=StaffRole.STREET, organisation=old)
    assert list(members_visible_to(new_staff)) == [member]
    assert not members_visible_to(old_staff).exists()


def test_a_level_cannot_change():
    unit = UnitFactory()
    with pytest.raises(ValidationError, match="组织层级不能修改"):
        services.organisation_update(organisation=unit, level="street")


def test_the_admin_shows_a_bad_role_as_a_form_error(client):
    district = DistrictFactory()
    admin_user = StaffUserFactory(role=StaffRole.DISTRICT, organisation=district)
    clerk = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=UnitFactory(parent=StreetFactory(parent=district)))
    client.force_login(admin_user)
    url = reverse("admin:members_user_change", args=[clerk.pk])
    response = client.post(
        url,
        {
            "username": clerk.username,
            "first_name": "",
            "email": "",
            "role": "district",
            "organisation": clerk.organisation_id,
            "is_active": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 200
    assert "区总工会工作人员必须属于区总工会。" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.role == StaffRole.GRASSROOTS
    assert Group.objects.get(name=ROLE_GROUPS[StaffRole.GRASSROOTS]).user_set.filter(pk=clerk.pk).exists()
    assert Member.objects.count() == 0
