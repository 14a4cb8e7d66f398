"""Findings 9.9 (the policy change page skipped the service's validation; a non-numeric value made
members' /my/ a 500) and 9.12 (the superuser could delete applications)."""

import pytest
from django.urls import reverse

from members.models import User
from projects.models import Application
from subsidies import services
from subsidies.models import PolicyOverride
from subsidies.selectors import policy_data
from tests.projects.conftest import submit_promotion

AMOUNT = "patent_award_amount"


@pytest.fixture
def override(staff):
    return services.policy_override_set(
        user=staff["district"], year=2019, kind="param", name=AMOUNT, value="2500", reason="市总补充通知"
    )


def test_the_generic_change_page_saves_nothing_and_opens_the_validated_editor(client, staff, override):
    client.force_login(staff["district"])
    url = reverse("admin:subsidies_policyoverride_change", args=[override.pk])
    response = client.post(
        url,
        {
            "policy_year": 2019,
            "kind": "param",
            "name": AMOUNT,
            "value": '"abc"',
            "reason": "x",
            "updated_by": staff["district2"].pk,
        },
    )
    assert response.status_code == 405
    stored = PolicyOverride.objects.get(pk=override.pk)
    assert (stored.value, stored.updated_by) == ("2500", staff["district"])
    assert client.get(url)["Location"] == reverse("admin:subsidies_policy_edit", args=[2019, "param", AMOUNT])


def test_the_validated_editor_refuses_a_non_numeric_amount_with_a_message(client, staff, override):
    client.force_login(staff["district"])
    response = client.post(
        reverse("admin:subsidies_policy_edit", args=[2019, "param", AMOUNT]), {"value": "两千五", "reason": "试一试"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert PolicyOverride.objects.get(pk=override.pk).value == "2500"


def test_a_row_written_around_the_service_never_takes_member_pages_down(client, member, override):
    PolicyOverride.objects.filter(pk=override.pk).update(value="abc")  # e.g. from a shell
    assert str(policy_data(2019).value(AMOUNT)) == "2000.00"  # the file's value stands
    client.force_login(member.user)
    assert client.get(reverse("projects:my_entitlements")).status_code == 200


def test_nobody_deletes_an_application_not_even_the_superuser(client, member, db):
    application = submit_promotion(member)
    root = User.objects.create_superuser("root", password="Root#Passw0rd-1")
    client.force_login(root)
    url = reverse("admin:projects_application_delete", args=[application.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:projects_application_changelist"),
        {"action": "delete_selected", "_selected_action": [application.pk], "post": "yes"},
    )
    assert Application.objects.filter(pk=application.pk).exists()
