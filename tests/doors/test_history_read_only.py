"""Finding 9.1: history pages never write. POSTing an older version to a history page used to
revert the object (an application's status, a member's ID number, a quota's capacity, …)."""

import pytest
from django.urls import reverse

from members.models import Member
from projects.models import Application, QuotaPool
from projects.services.transitions import application_transition
from tests.projects.conftest import submit_promotion


def _version_url(obj, record):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


@pytest.mark.parametrize("body", [{}, {"status": "grassroots_review"}])
def test_posting_an_older_application_version_changes_nothing(client, member, staff, body):
    application = submit_promotion(member)
    application_transition(user=staff["grassroots"], application=application, action="approve")
    oldest = application.history.order_by("history_id").first()
    client.force_login(staff["grassroots"])
    response = client.post(_version_url(application, oldest), body)
    assert response.status_code == 405
    assert Application.objects.get(pk=application.pk).status == "district_review"


def test_posting_an_older_member_version_keeps_the_id_number(client, member, staff):
    from members.services import member_update

    original = member.id_number
    member_update(member=member, name="改名")
    oldest = member.history.order_by("history_id").first()
    client.force_login(staff["district"])
    response = client.post(_version_url(member, oldest), {"id_number": "110101199003070000", "name": "x"})
    assert response.status_code == 405
    stored = Member.objects.get(pk=member.pk)
    assert (stored.name, stored.id_number) == ("改名", original)


def test_a_version_page_is_read_only_with_labels_for_a_view_only_role(client, member, staff):
    application = submit_promotion(member)
    record = application.history.order_by("history_id").last()
    client.force_login(staff["street"])
    response = client.get(_version_url(application, record))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<form" not in text.split('id="content-main"')[1]
    assert "待基层工会初审" in text


def test_the_version_page_of_another_scope_is_a_404(client, member, staff):
    application = submit_promotion(member)
    record = application.history.order_by("history_id").last()
    client.force_login(staff["other_street"])
    assert client.get(_version_url(application, record)).status_code == 404


@pytest.mark.parametrize("who, full", [("grassroots", False), ("street", False), ("district", True)])
def test_member_history_masks_id_numbers_for_grassroots_and_street_staff(client, member, staff, who, full):
    from members.services import member_update
    from tests.factories import make_id_number

    old = member.id_number
    new = make_id_number(member.birth_date, 77, sex=member.sex)
    member_update(member=member, id_number=new)
    client.force_login(staff[who])
    listing = client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()
    version = client.get(_version_url(member, member.history.order_by("history_id").first())).content.decode()
    assert (old in listing, new in listing, old in version) == (full, full, full)
    assert old[-4:] in version  # the masked form keeps the last four


def test_quota_capacity_cannot_be_reverted_through_history(client, staff, db):
    pool = QuotaPool.objects.create(key="k", project="reading_rooms", policy_year=2019, label="示范点", capacity=10)
    pool.capacity = 12
    pool.save()
    oldest = pool.history.order_by("history_id").first()
    client.force_login(staff["district"])
    assert client.post(_version_url(pool, oldest), {"capacity": "100000"}).status_code == 405
    assert QuotaPool.objects.get(pk=pool.pk).capacity == 12
