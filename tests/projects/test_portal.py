"""The member portal: own data only, proofs checked by content, bounded queries,
the entitlement scan equal to the rules engine."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Application, Attachment
from projects.selectors import entitlements, member_profile, member_rules
from projects.services.attachments import AttachmentUpload
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit, attachment_add
from tests.files import PNG
from tests.projects.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def legal_aid(member):
    with time_machine.travel("2019-06-01 09:00 +0800", tick=False):
        return application_submit(
            user=member.user, rule_id="legal_aid", policy_year=2019, facts={"claim_kind": "wages"}, member=member
        )


def signed_in(client, member):
    assert client.login(username=member.card_number, password=PASSWORD)
    return client


class TestOwnDataOnly:
    def test_another_members_application_is_a_404_everywhere(self, client, member, other_member):
        theirs = legal_aid(other_member)
        signed_in(client, member)
        for name in ("projects:my_application", "projects:my_application_edit"):
            assert client.get(reverse(name, args=[theirs.reference])).status_code == 404
        response = client.post(reverse("projects:my_application_action", args=[theirs.reference, "withdraw"]))
        assert response.status_code == 404
        assert Application.objects.get(pk=theirs.pk).status == "district_intake"

    def test_their_attachment_is_a_404(self, client, member, other_member):
        theirs = legal_aid(other_member)
        attachment = attachment_add(
            user=other_member.user,
            application=theirs,
            upload=AttachmentUpload("other", SimpleUploadedFile("x.pdf", PDF)),
        )
        signed_in(client, member)
        assert client.get(reverse("projects:attachment", args=[attachment.pk])).status_code == 404
        client.logout()
        signed_in(client, other_member)
        response = client.get(reverse("projects:attachment", args=[attachment.pk]))
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PDF

    def test_staff_outside_the_scope_cannot_download(self, client, member, staff):
        mine = legal_aid(member)
        attachment = attachment_add(
            user=member.user, application=mine, upload=AttachmentUpload("other", SimpleUploadedFile("x.pdf", PDF))
        )
        client.force_login(staff["other_street"])
        assert client.get(reverse("projects:attachment", args=[attachment.pk])).status_code == 404
        client.force_login(staff["street"])
        assert client.get(reverse("projects:attachment", args=[attachment.pk])).status_code == 200

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("projects:my_entitlements"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_staff_get_a_clear_refusal_on_member_pages(self, client, staff):
        client.force_login(staff["grassroots"])
        response = client.get(reverse("projects:my_applications"))
        assert response.status_code == 403


class TestAttachments:
    @pytest.mark.parametrize(
        "name, content",
        [
            ("proof.pdf", b"just text pretending"),
            ("photo.png", b"GIF89a" + b"0" * 40),
            ("run.exe", b"MZ\x90\x00" + b"0" * 60),
        ],
    )
    def test_type_is_checked_by_content_not_name(self, member, name, content):
        application = legal_aid(member)
        with pytest.raises(ApplicationError, match="不是可接受的文件类型"):
            attachment_add(
                user=member.user,
                application=application,
                upload=AttachmentUpload("other", SimpleUploadedFile(name, content)),
            )
        assert not Attachment.objects.exists()

    def test_size_limit(self, member, settings):
        settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
        application = legal_aid(member)
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
        with pytest.raises(ApplicationError, match="超过 1 MB"):
            attachment_add(user=member.user, application=application, upload=AttachmentUpload("other", big))

    def test_stored_under_a_random_name_outside_static(self, member, settings):
        application = legal_aid(member)
        stored = attachment_add(
            user=member.user,
            application=application,
            upload=AttachmentUpload("photo", SimpleUploadedFile("张伟 身份证.png", PNG)),
        )
        assert stored.original_name == "张伟 身份证.png"
        assert stored.content_type == "image/png" and stored.file.name.startswith("attachments/")
        assert "张伟" not in stored.file.name and stored.file.name.endswith(".png")
        assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT)

    def test_a_refused_submission_leaves_no_file_behind(self, member, settings, tmp_path):
        with time_machine.travel("2019-10-01 09:00 +0800", tick=False):  # outside every skill batch
            with pytest.raises(ApplicationError):
                application_submit(
                    user=member.user,
                    rule_id="skill_promotion_award",
                    policy_year=2019,
                    facts={
                        "level_reached": "technician",
                        "certificate_issued_on": "2018-01-01",
                        "certificate_issuer": "shanghai_hrss",
                        "certificate_number": "1931000000000009",
                    },
                    member=member,
                    uploads=[AttachmentUpload("certificate", SimpleUploadedFile("c.pdf", PDF))],
                )
        media = settings.MEDIA_ROOT
        assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


class TestPagesAndQueries:
    def _count(self, client, url) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    def test_my_applications_query_count_does_not_grow_with_applications(self, client, member):
        signed_in(client, member)
        legal_aid(member)
        one = self._count(client, reverse("projects:my_applications"))
        for _ in range(5):
            legal_aid(member)
        assert self._count(client, reverse("projects:my_applications")) == one

    def test_application_page_query_count_does_not_grow_with_its_timeline(self, client, member, staff):
        signed_in(client, member)
        application = legal_aid(member)
        url = reverse("projects:my_application", args=[application.reference])
        before = self._count(client, url)
        for _ in range(3):
            attachment_add(
                user=member.user,
                application=application,
                upload=AttachmentUpload("other", SimpleUploadedFile("x.pdf", PDF)),
            )
        from projects.services.transitions import application_transition

        application_transition(user=staff["district"], application=application, action="return", comment="补材料")
        assert self._count(client, url) == before

    @pytest.mark.parametrize("name", ["projects:my_entitlements", "projects:my_coverage", "projects:notifications"])
    def test_portal_pages_render_within_a_fixed_budget(self, client, member, name):
        signed_in(client, member)
        assert self._count(client, reverse(name)) <= 12

    def test_public_pages(self, client):
        for url in (
            reverse("projects:calculators"),
            reverse("projects:project", args=["member_card"]),
            reverse("projects:calculator", args=["legal_aid", 2019]),
        ):
            assert client.get(url).status_code == 200

    def test_calculator_shows_the_decision_with_clauses(self, client):
        url = reverse("projects:calculator", args=["parent_child_studio_grant", 2019])
        response = client.get(
            url, {"built_on": "2019-05-01", "site_kind": "enterprise", "class_type": "evening", "children": "20"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "120,000.00 元" in html and "《2019年嘉定工会实项目》" in html

    def test_calculator_names_a_bad_field(self, client):
        url = reverse("projects:calculator", args=["legal_aid", 2019])
        html = client.get(url, {"application_date": "2019-13-01"}).content.decode()
        assert "必须是日期" in html and "application_date）" not in html  # the field's label, never its code


class TestEntitlements:
    def test_scan_decides_each_rule_as_submission_would(self, member):
        """Each entitlement is the decision a submission would make on the same record facts
        (the member's profile and the project records: here, no basic coverage held)."""
        from projects.selectors import locked_facts, prefilled_facts
        from subsidies.selectors import decide

        with time_machine.travel("2021-01-10 09:00 +0800", tick=False):
            from django.utils import timezone

            today = timezone.localdate()
            rows = entitlements(member, today)
            profile = member_profile(member, today)
            expected = {
                (
                    r.rule_id,
                    decide(
                        rule_id=r.rule_id,
                        year=r.policy_year,
                        facts=prefilled_facts(r, profile),
                        locked=locked_facts(r, member=member, organisation=None, today=today),
                        partial=True,
                        strict=False,
                    ).decision.outcome,
                )
                for r in member_rules(today.year)
            }
        assert {(e.rule.rule_id, e.decision.outcome) for e in rows} == expected
        condolence = next(e for e in rows if e.rule.rule_id == "city_condolence_payment")
        assert condolence.decision.outcome.value == "ineligible"  # no basic coverage in the records
        assert all(e.rule.applicant == "member" for e in rows)

    def test_page_groups_by_state(self, client, member):
        signed_in(client, member)
        html = client.get(reverse("projects:my_entitlements")).content.decode()
        assert "我可以申请的项目" in html and "法律援助" in html


def test_legal_aid_application_links_to_its_case_and_the_apply_form_to_the_centres(client, member):
    application = legal_aid(member)
    signed_in(client, member)
    html = client.get(reverse("projects:my_application", args=[application.reference])).content.decode()
    assert reverse("legal:case", args=[application.reference]) in html
    assert reverse("legal:centres") in client.get(reverse("projects:apply", args=["legal_aid", 2019])).content.decode()


@pytest.mark.parametrize("code", ["sanatorium", "legal_aid", "outdoor_care", "health_points", "caravan", "counselling"])
def test_project_pages_link_to_their_apps_public_pages(client, code):
    from projects.procedures import PROJECT_LINKS

    html = client.get(reverse("projects:project", args=[code])).content.decode()
    for _, url_name in PROJECT_LINKS[code]:
        assert reverse(url_name) in html
        assert client.get(reverse(url_name)).status_code == 200


def test_a_notification_links_to_its_application_or_to_where_the_member_acts(client, member):
    """What happened, and one click to the page where the member follows it up."""
    from projects.models import Notification

    application = legal_aid(member)
    Notification.objects.create(recipient=member.user, application=application, title="申请已受理")
    Notification.objects.create(recipient=member.user, title="申请窗口即将截止", link="/reminders/7/")
    page = signed_in(client, member).get(reverse("projects:notifications")).content.decode()
    assert f'href="{reverse("projects:my_application", args=[application.reference])}"' in page
    assert 'href="/reminders/7/"' in page
    assert "/reminders/7/</p>" not in page  # the address is a link, not text


def test_the_navigation_names_a_members_pages_and_unread_messages_on_every_page(client, member, staff):
    """One statement on a page that has not read the member (the calculators); the badge counts only
    unread messages; a staff login sees no member pages."""
    from projects.models import Notification

    Notification.objects.create(recipient=member.user, title="申请已受理")
    Notification.objects.create(recipient=member.user, title="申请已通过")
    signed_in(client, member)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("projects:calculators")).content.decode()
    navigation = [q["sql"] for q in queries.captured_queries if "projects_notification" in q["sql"]]
    assert len(navigation) == 1 and "members_member" in navigation[0]
    assert reverse("projects:my_entitlements") in html and '<span class="badge">2</span>' in html
    client.post(reverse("projects:notifications_read"))
    html = client.get(reverse("projects:calculators")).content.decode()
    assert reverse("projects:my_entitlements") in html and 'class="badge"' not in html
    client.force_login(staff["grassroots"])
    html = client.get(reverse("projects:calculators")).content.decode()
    assert reverse("projects:my_entitlements") not in html and reverse("projects:notifications") in html
