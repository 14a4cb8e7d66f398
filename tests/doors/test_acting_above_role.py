"""Finding 9.6: nobody changes the credentials or status of an account at or above their own
authority, and street staff change only their own street's offerings."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from members.models import User
from projects.models import Offering, QuotaPool
from projects.services.offerings import offering_create
from tests.factories import StaffUserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_PASSWORD = "Xy9#new-Passw0rd!"


@pytest.fixture
def targets(tree, staff, member, db):
    counsellor = StaffUserFactory(role="district", organisation=tree["district"])
    counsellor.groups.add(Group.objects.get_or_create(name="心理咨询师")[0])
    return {
        "superuser": User.objects.create_superuser("root", password="Root#Passw0rd-1"),
        "other district reviewer": staff["district2"],
        "counsellor": counsellor,
        "member": member.user,
    }


def _password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


@pytest.mark.parametrize("target", ["superuser", "other district reviewer", "counsellor", "member"])
def test_district_staff_cannot_reset_passwords_at_or_above_their_authority(client, staff, targets, target):
    user = targets[target]
    before = User.objects.get(pk=user.pk).password
    client.force_login(staff["district"])
    response = client.post(
        _password_url(user), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code in (403, 404)
    assert User.objects.get(pk=user.pk).password == before


@pytest.mark.parametrize("target", ["superuser", "other district reviewer", "counsellor"])
def test_district_staff_cannot_deactivate_or_demote_those_accounts(client, staff, targets, target):
    user = targets[target]
    client.force_login(staff["district"])
    client.post(
        reverse("admin:members_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": "",
            "email": "",
            "role": "grassroots",
            "organisation": staff["grassroots"].organisation_id,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    stored = User.objects.get(pk=user.pk)
    assert stored.is_active and stored.role == user.role


def test_district_staff_still_reset_a_street_clerks_password(client, staff):
    client.force_login(staff["district"])
    response = client.post(
        _password_url(staff["street"]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=staff["street"].pk).check_password(NEW_PASSWORD)


def test_district_staff_cannot_create_a_district_account(client, staff, tree):
    client.force_login(staff["district"])
    client.post(
        reverse("admin:members_user_add"),
        {
            "username": "puppet",
            "first_name": "傀儡",
            "role": "district",
            "organisation": tree["district"].pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    assert not User.objects.filter(username="puppet").exists()


@pytest.fixture
def far_offering(tree, staff):
    with time_machine.travel("2021-04-01 09:00 +0800", tick=False):
        return offering_create(
            user=staff["other_street"],
            rule_id="singles_event",
            policy_year=2021,
            title="外街镇交友",
            starts_at=datetime(2021, 5, 1, 14, tzinfo=SHANGHAI),
            capacity=30,
            organiser=tree["other_street"],
            facts={"event_date": "2021-05-01"},
        )


def test_street_staff_cannot_close_cut_or_inject_facts_into_another_streets_offering(client, staff, far_offering):
    client.force_login(staff["street"])
    url = reverse("admin:projects_offering_change", args=[far_offering.pk])
    assert client.get(url).status_code == 200  # offerings are public offerings: visible
    client.post(
        url,
        {
            "title": "已关闭",
            "starts_at_0": "2021-05-01",
            "starts_at_1": "14:00",
            "capacity": "1",
            "facts": '{"event_date": "2030-01-01"}',
            "is_open": "",
        },
    )
    stored = Offering.objects.get(pk=far_offering.pk)
    assert (stored.title, stored.is_open, stored.facts) == ("外街镇交友", True, {"event_date": "2021-05-01"})
    assert QuotaPool.objects.get(pk=stored.quota_id).capacity == 30


def test_street_staff_cannot_publish_a_offering_in_another_streets_name(staff, tree):
    from projects.services.errors import ApplicationError
    from projects.services.offerings import NOT_YOUR_OFFERING

    with (
        pytest.raises(ApplicationError, match=NOT_YOUR_OFFERING),
        time_machine.travel("2021-04-01 09:00 +0800", tick=False),
    ):
        offering_create(
            user=staff["street"],
            rule_id="singles_event",
            policy_year=2021,
            title="x",
            starts_at=datetime(2021, 5, 1, 14, tzinfo=SHANGHAI),
            capacity=3,
            organiser=tree["other_street"],
        )


def test_the_organisers_street_edits_its_own_offering_but_not_its_facts(client, staff, far_offering):
    client.force_login(staff["other_street"])
    url = reverse("admin:projects_offering_change", args=[far_offering.pk])
    response = client.post(
        url,
        {
            "title": "改名",
            "starts_at_0": "2021-05-01",
            "starts_at_1": "14:00",
            "capacity": "40",
            "facts": '{"event_date": "2030-01-01"}',
            "is_open": "on",
            "location": "",
            "notes": "",
            "ends_at_0": "",
            "ends_at_1": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Offering.objects.get(pk=far_offering.pk)
    assert (stored.title, stored.facts) == ("改名", {"event_date": "2021-05-01"})
    assert QuotaPool.objects.get(pk=stored.quota_id).capacity == 40
