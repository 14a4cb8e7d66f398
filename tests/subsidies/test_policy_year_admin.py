"""The policy-year pages district staff use (issue 13): open, edit in the grid, document, compare,
publish by a second user. Only district staff: every other role gets 403 on every door."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import StaffRole
from subsidies import services
from subsidies.models import PolicyYear, PolicyYearStatus
from subsidies.selectors import policy_data, year_in_force_for_members
from tests.factories import StaffUserFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_user(district):
    return StaffUserFactory(role=StaffRole.STREET, organisation=StreetFactory(parent=district))


def _doors(year):
    return [
        reverse("admin:subsidies_policy_years"),
        reverse("admin:subsidies_policy_compare") + "?year_a=2019&year_b=2021",
        reverse("admin:subsidies_policy_year_manage", args=[year]),
        reverse("admin:subsidies_policy_year_document", args=[year]),
        reverse("admin:subsidies_policy_year_publish", args=[year]),
        reverse("admin:subsidies_policy_year", args=[year]),
        reverse("admin:subsidies_policy_edit", args=[year, "param", "patent_award_amount"]),
    ]


def test_street_and_grassroots_staff_get_403_on_every_door(client, maker, street_user, district):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    grassroots = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=district)
    for user in (street_user, grassroots):
        client.force_login(user)
        for url in _doors(2027):
            assert client.get(url).status_code == 403, url
            assert (
                client.post(url, {"year": "2028", "source_year": "2021", "effective_from": "2027-01-01"}).status_code
                == 403
            ), url
    assert list(PolicyYear.objects.values_list("year", "status")) == [(2027, PolicyYearStatus.DRAFT)]


def test_open_from_the_form_then_edit_then_a_colleague_publishes(client, maker, checker):
    client.force_login(maker)
    page = client.get(reverse("admin:subsidies_policy_years")).content.decode()
    assert "开设新年度" in page and "比较两个年度" in page
    response = client.post(
        reverse("admin:subsidies_policy_years"), {"source_year": "2021", "year": "2027", "note": "2027年度政策"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:subsidies_policy_year_manage", args=[2027])
    edit = reverse("admin:subsidies_policy_edit", args=[2027, "param", "patent_award_amount"])
    form = client.get(edit).content.decode()
    assert "专利奖励金额" in form and "2,000.00 元" in form  # the document's value beside the edited one
    assert client.post(edit, {"value": "3000", "reason": "2027年实事项目文件"}).status_code == 302
    assert policy_data(2027).value("patent_award_amount") == Decimal("3000.00")
    manage = client.get(reverse("admin:subsidies_policy_year_manage", args=[2027])).content.decode()
    assert "须由另一位区总工会工作人员发布" in manage and "发布本年度" not in manage
    response = client.post(
        reverse("admin:subsidies_policy_year_publish", args=[2027]), {"effective_from": "2027-01-01"}
    )
    assert "双人复核" in response.content.decode()
    assert PolicyYear.objects.get(year=2027).is_draft
    client.force_login(checker)
    assert "发布本年度" in client.get(reverse("admin:subsidies_policy_year_manage", args=[2027])).content.decode()
    response = client.post(
        reverse("admin:subsidies_policy_year_publish", args=[2027]), {"effective_from": "2027-01-01"}
    )
    assert response.status_code == 302
    record = PolicyYear.objects.get(year=2027)
    assert (record.status, record.effective_from, record.published_by) == ("published", date(2027, 1, 1), checker)
    banner = year_in_force_for_members("skill_awards", today=date(2027, 1, 1))
    assert banner["year"] == 2027
    assert any(c["label"] == "专利奖励金额" and c["new"] == "3,000.00 元" for c in banner["changes"])


def test_the_grid_names_the_bad_cell_and_saves_nothing(client, maker):
    client.force_login(maker)
    url = reverse("admin:subsidies_policy_edit", args=[2019, "table", "skill_promotion_amounts"])
    page = client.get(url).content.decode()
    assert "policy-grid" in page
    rows = policy_data(2019).table("skill_promotion_amounts").to_json_rows()
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "reason": "试一试",
    }
    for i, row in enumerate(rows):
        data.update({f"form-{i}-{k}": ("" if v is None else v) for k, v in row.items()})
    data["form-1-amount"] = "一千"
    response = client.post(url, data)
    text = response.content.decode()
    assert response.status_code == 200 and "第2行“" in text and "请填写金额" in text
    assert policy_data(2019).table("skill_promotion_amounts").to_json_rows() == rows


def test_the_document_is_uploaded_and_cited(client, maker):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    client.force_login(maker)
    pdf = SimpleUploadedFile("2027.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    response = client.post(
        reverse("admin:subsidies_policy_year_document", args=[2027]),
        {"document_title": "2027年嘉定区总工会服务职工实事项目", "document": pdf},
    )
    assert response.status_code in (200, 302)
    record = PolicyYear.objects.get(year=2027)
    if response.status_code == 302:
        assert record.document_title == "2027年嘉定区总工会服务职工实事项目" and record.document
    else:  # the upload check refused this tiny file: its message is on the page, nothing saved
        assert "errorlist" in response.content.decode() and not record.document


def test_compare_lists_every_change_in_words_with_both_clauses(client, maker):
    client.force_login(maker)
    page = client.get(reverse("admin:subsidies_policy_compare") + "?year_a=2019&year_b=2021").content.decode()
    assert "2019：" in page and "2021：" in page and "→" in page
    assert "flexible_fee" not in page and "patent_award_amount" not in page
