"""Issue 12, staff side: the review queue shows what a reviewer decides on, in words, at a constant
number of queries; a grassroots union's menu holds only what it works with."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Attachment
from tests.projects.conftest import _member, submit_promotion

QUEUE = reverse("admin:projects_application_changelist") + "?queue=mine"


def _with_proofs(application, n, user):
    for i in range(n):
        Attachment.objects.create(
            application=application,
            kind="certificate",
            file=f"attachments/test/{application.pk}-{i}.pdf",
            original_name=f"证书{i}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_by=user,
        )
    return application


def test_the_queue_shows_benefit_applicant_unit_amount_days_and_proofs(client, tree, member, staff):
    application = _with_proofs(submit_promotion(member), 2, member.user)
    client.force_login(staff["grassroots"])
    html = client.get(QUEUE).content.decode()
    for header in ("申请编号", "申请事项", "申请人", "所属单位", "金额", "等待天数", "材料"):
        assert f">{header}<" in html or f">{header}</a>" in html, header
    row = re.search(rf"<tr>.*?{application.reference}.*?</tr>", html, re.S).group(0)
    assert "技能" in row  # the benefit's Chinese title, not skill_promotion_award
    assert "skill_promotion_award" not in row
    assert member.name in row and tree["unit"].name in row
    assert re.search(r"\d{1,3}(,\d{3})*\.\d{2} 元", row)
    assert re.search(r"\d+ 天", row)
    assert "2 份材料" in row


def test_the_queue_costs_the_same_queries_for_one_row_or_many(client, tree, staff):
    """Built afresh or kept (jiading_union.kept_lists), the same queries for one row or seven."""
    from django.core.cache import caches

    def count(kept: bool):
        if not kept:
            caches["kept"].clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    first = _member(tree["unit"])
    _with_proofs(submit_promotion(first), 1, first.user)
    client.force_login(staff["grassroots"])
    client.get(QUEUE)  # warm the per-process caches (content types, the policy data)
    one = count(kept=False), count(kept=True)
    for n in range(6):
        m = _member(tree["unit"])
        _with_proofs(submit_promotion(m), n, m.user)
    assert (count(kept=False), count(kept=True)) == one
    assert one[1] < one[0]


def test_the_queue_fits_a_phone_by_hiding_secondary_columns():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/admin_theme/staff.css").read_text(encoding="utf-8")
    phone = css[css.index("@media (max-width: 767px)") :]
    hidden = " ".join(rule.split("{")[0] for rule in phone.split("}") if "display: none" in rule)
    for column in ("unit",):
        assert f".field-{column}" in hidden
    for kept in ("reference", "benefit", "applicant", "amount_yuan", "waiting", "proofs"):
        assert f".field-{kept}" not in hidden


GRASSROOTS_MODULES = {
    "members": {"Member", "DuesRecord", "Organisation"},
    "projects": {"Application"},
    "member_card": {"UnitCoverageClass"},
    "flower_expo": {"ExpoTrip"},
    "caravan": {"CaravanVisit"},
    "legal": {"LegalCheckupRecord"},
    "sanitation": {"SanitationRoster"},
    "counselling": {"LectureSchedule"},
    "subsidies": {"ReferenceValue", "PolicyOverride"},
}


def test_a_grassroots_union_sees_only_the_modules_it_works_with(client, staff):
    client.force_login(staff["grassroots"])
    apps = client.get(reverse("admin:index")).context["app_list"]
    seen = {app["app_label"]: {m["object_name"] for m in app["models"]} for app in apps}
    assert seen == GRASSROOTS_MODULES
    for gone in ("womens_care", "reading_rooms", "flexible_workers"):
        assert client.get(f"/admin/{gone}/").status_code in (403, 404)


def test_each_row_links_to_its_review_with_the_queue_kept_and_can_be_selected(client, tree, member, staff):
    """The rows are written without the admin's per-row widget and URL resolve: the same links,
    checkbox and status words as the admin's own."""
    application = submit_promotion(member)
    client.force_login(staff["grassroots"])
    html = client.get(QUEUE + "&project=skill_awards").content.decode()
    row = re.search(rf"<tr>.*?{application.reference}.*?</tr>", html, re.S).group(0)
    change = reverse("admin:projects_application_change", args=[application.pk])
    assert f'href="{change}?_changelist_filters=queue%3Dmine%26project%3Dskill_awards"' in row
    assert f'<input type="checkbox" name="_selected_action" value="{application.pk}" class="action-select"' in row
    assert "待基层工会初审" in row and "grassroots_review</span>" not in row
    plain = client.get(reverse("admin:projects_application_changelist")).content.decode()
    assert f'href="{change}"' in plain


def _references(client, url=QUEUE):
    html = client.get(url).content.decode()
    return set(re.findall(r">(JD\d+)</a></th>", html))


def test_each_scope_queue_lists_only_its_own_rows(client, tree, staff):
    """The rows written in Python (projects.templatetags.review_queue) are still the scope's rows."""
    mine = submit_promotion(_member(tree["unit"])).reference
    neighbour = submit_promotion(_member(tree["other_unit"])).reference
    far = submit_promotion(_member(tree["far_unit"])).reference
    client.force_login(staff["grassroots"])
    assert _references(client) == {mine}
    client.force_login(staff["other_grassroots"])
    assert _references(client) == {neighbour}
    client.force_login(staff["street"])
    everything = reverse("admin:projects_application_changelist")
    assert _references(client, everything) == {mine, neighbour}
    assert _references(client) == set()  # nothing has reached the street's level yet
    client.force_login(staff["other_street"])
    assert _references(client, everything) == {far}
    client.force_login(staff["district"])
    assert _references(client, everything) == {mine, neighbour, far}


def test_the_queue_costs_the_same_queries_for_one_row_or_more_than_a_page(client, tree, staff, settings):
    from django.core.cache import caches

    from projects.admin import ApplicationAdmin

    def count():
        caches["kept"].clear()  # the page built afresh (a kept one costs fewer: test_the_queue_costs_the_same…)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    submit_promotion(_member(tree["unit"]))
    client.force_login(staff["grassroots"])
    client.get(QUEUE)
    one = count()
    for _ in range(ApplicationAdmin.list_per_page + 2):
        submit_promotion(_member(tree["unit"]))
    assert count() == one
    html = client.get(QUEUE).content.decode()
    assert len(re.findall(r'class="action-select"', html)) == ApplicationAdmin.list_per_page


def test_the_queue_offers_no_facet_counts(client, tree, staff):
    submit_promotion(_member(tree["unit"]))
    client.force_login(staff["grassroots"])
    html = client.get(QUEUE).content.decode()
    assert "_facets" not in html
    from django.core.cache import caches

    caches["kept"].clear()
    with CaptureQueriesContext(connection) as plain:
        client.get(QUEUE)
    with CaptureQueriesContext(connection) as asked:
        client.get(QUEUE + "&_facets=True")
    assert len(asked) == len(plain)


def test_the_filter_column_is_cached_per_scope_not_shared_between_scopes(client, tree, staff):
    """The cached filter column (templates/admin/projects/application/change_list.html) is keyed on
    the user's scope: the district's street choices never reach a street union's page."""
    submit_promotion(_member(tree["unit"]))
    client.force_login(staff["district"])
    district = client.get(QUEUE).content.decode()
    assert tree["other_street"].name in district.split('id="changelist-filter"')[1]
    client.force_login(staff["street"])
    street = client.get(QUEUE).content.decode().split('id="changelist-filter"')[1]
    assert tree["other_street"].name not in street
    client.force_login(staff["grassroots"])
    grassroots = client.get(QUEUE).content.decode().split('id="changelist-filter"')[1]
    assert tree["street"].name not in grassroots and tree["other_street"].name not in grassroots


def test_the_queue_has_no_module_sidebar_and_other_lists_keep_it(client, tree, staff):
    client.force_login(staff["grassroots"])
    assert 'id="nav-sidebar"' not in client.get(QUEUE).content.decode()
    members = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert 'id="nav-sidebar"' in members


def test_the_capped_count_does_not_compute_the_proofs_column(client, tree, staff):
    submit_promotion(_member(tree["unit"]))
    client.force_login(staff["grassroots"])
    with CaptureQueriesContext(connection) as queries:
        client.get(QUEUE)
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and all("projects_attachment" not in sql for sql in counts)
