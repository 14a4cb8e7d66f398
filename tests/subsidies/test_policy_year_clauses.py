"""Issue 13: a draft year's clause text and the document it comes from are edited like its values
(validated, audited, through subsidies.services), shown old → new in the compare view, and read-only
once the year is published — through every door."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from members.models import StaffRole
from subsidies import services
from subsidies.models import PolicyOverride, PolicyOverrideKind, PolicyYear
from subsidies.rules.data import load_policy_data
from subsidies.selectors import policy_data, policy_diff, policy_year_editors, year_in_force_for_members
from tests.factories import StaffUserFactory, StreetFactory

pytestmark = pytest.mark.django_db

OWN_DOCUMENT = "《2027年嘉定区总工会服务职工实事项目》"
NEW_SECTION = "三、职工技能提升 2"
NEW_QUOTE = "获得发明专利的职工，每项奖励三千元"


@pytest.fixture
def draft(maker):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    services.policy_year_document_set(user=maker, year=2027, title=OWN_DOCUMENT)
    return 2027


def _url(year, name="patent_award_amount"):
    return reverse("admin:subsidies_policy_edit", args=[year, "clause", name])


def _post(section=NEW_SECTION, quote=NEW_QUOTE, document=OWN_DOCUMENT, reason="2027年实事项目文件"):
    return {"document": document, "section": section, "quote": quote, "reason": reason}


def test_a_draft_clause_is_edited_and_the_compare_shows_old_and_new(client, maker, draft):
    old = policy_data(2021).clause("patent_award_amount")
    client.force_login(maker)
    page = client.get(_url(draft)).content.decode()
    assert "专利奖励金额" in page and f"本年度政策文件：{OWN_DOCUMENT}" in page and "patent_award_amount" not in page
    assert client.post(_url(draft), _post()).status_code == 302

    new = policy_data(draft).clause("patent_award_amount")
    assert (new.document, new.section, new.quote) == (OWN_DOCUMENT, NEW_SECTION, NEW_QUOTE)
    assert new.citation == f"{OWN_DOCUMENT} {NEW_SECTION}"
    assert policy_data(draft).value("patent_award_amount") == Decimal("2000.00")  # the value is untouched
    assert load_policy_data(2021).clause("patent_award_amount") == old  # nothing of the source changes
    # audited: the edit has its reason and editor in the history, and the editor may not publish
    override = PolicyOverride.objects.get(policy_year=draft, kind=PolicyOverrideKind.CLAUSE)
    assert override.history.filter(history_user=maker).exists() and maker.pk in policy_year_editors(
        PolicyYear.objects.get(year=draft)
    )

    changes = [c for c in policy_diff(2021, draft) if c.kind == "clause"]
    assert [c.name for c in changes] == ["patent_award_amount"]
    compare = client.get(reverse("admin:subsidies_policy_compare") + f"?year_a=2021&year_b={draft}").content.decode()
    assert "专利奖励金额" in compare and "patent_award_amount" not in compare
    assert old.section in compare and NEW_SECTION in compare and NEW_QUOTE in compare and OWN_DOCUMENT in compare
    out = StringIO()
    call_command("rules", "diff", "2021", str(draft), stdout=out)  # the scripting door says it too
    assert f"{old.section}" in out.getvalue() and f"{OWN_DOCUMENT} {NEW_SECTION}" in out.getvalue()
    manage = client.get(reverse("admin:subsidies_policy_year_manage", args=[draft])).content.decode()
    assert "本年度修改的条款" in manage and NEW_SECTION in manage


def test_a_condition_clause_is_labelled_by_its_rule_and_editable(client, maker, draft):
    data = policy_data(draft)
    condition = next(n for n in data.names() if n not in data.params and n not in data.tables)
    client.force_login(maker)
    year_page = client.get(reverse("admin:subsidies_policy_year", args=[draft])).content.decode()
    assert "条件的条款" in year_page and _url(draft, condition) in year_page
    page = client.get(_url(draft, condition)).content.decode()
    assert "条件：" in page and f">{condition}<" not in page
    assert client.post(_url(draft, condition), _post(section="二、适用对象")).status_code == 302
    assert policy_data(draft).clause(condition).section == "二、适用对象"


@pytest.mark.parametrize(
    "post, message",
    [
        (_post(section="  "), services.CLAUSE_SECTION_REQUIRED),
        (
            _post(section="节" * 121),
            services.CLAUSE_TOO_LONG.format(field="条款（章节）", limit=services.CLAUSE_SECTION_MAX, n=121),
        ),
        (
            _post(quote="字" * 501),
            services.CLAUSE_TOO_LONG.format(field="条款原文", limit=services.CLAUSE_QUOTE_MAX, n=501),
        ),
        (_post(document="《随便一份文件》"), services.CLAUSE_DOCUMENT_UNKNOWN),
        (_post(reason=""), "修改依据"),
    ],
)
def test_a_bad_clause_is_named_in_chinese_and_nothing_is_saved(client, maker, draft, post, message):
    before = policy_data(draft).clause("patent_award_amount")
    client.force_login(maker)
    response = client.post(_url(draft), post)
    text = response.content.decode()
    assert response.status_code == 200 and message in text, text[-2000:]
    assert policy_data(draft).clause("patent_award_amount") == before
    assert not PolicyOverride.objects.filter(policy_year=draft, kind=PolicyOverrideKind.CLAUSE).exists()


def test_a_published_year_clause_is_read_only_through_every_door(client, maker, checker, draft):
    from django.utils import timezone

    services.policy_year_clause_set(
        user=maker, year=draft, name="patent_award_amount", document=OWN_DOCUMENT, section=NEW_SECTION, reason="x"
    )
    services.policy_year_publish(user=checker, year=draft, effective_from=timezone.localdate())
    before = policy_data(draft).clause("patent_award_amount")
    refused = services.CLAUSE_DRAFT_ONLY.format(year=draft)

    # the edit page: shown read-only, the same POST refused with the reason next to it
    client.force_login(checker)
    page = client.get(_url(draft)).content.decode()
    assert "条款不能再修改" in page and 'name="section"' not in page
    response = client.post(_url(draft), _post(section="改一改"))
    assert response.status_code == 200 and refused in response.content.decode()
    # a file year's clauses are not editable either
    response = client.post(_url(2021), _post(section="改一改", document="2021"))
    assert response.status_code == 200 and services.CLAUSE_DRAFT_ONLY.format(year=2021) in response.content.decode()
    # the generic admin change view of the clause's override row takes no POST
    override = PolicyOverride.objects.get(policy_year=draft, kind=PolicyOverrideKind.CLAUSE)
    change = reverse("admin:subsidies_policyoverride_change", args=[override.pk])
    assert client.post(change, {"value": '{"document": "x", "section": "y"}', "reason": "z"}).status_code == 405
    # every service door
    value = {"document": OWN_DOCUMENT, "section": "改一改", "quote": ""}
    for call in (
        lambda: services.policy_year_clause_set(
            user=checker, year=draft, name="patent_award_amount", document=OWN_DOCUMENT, section="改一改", reason="x"
        ),
        lambda: services.policy_year_edit(
            user=checker, year=draft, kind="clause", name="patent_award_amount", value=value, reason="x"
        ),
        lambda: services.policy_override_set(
            user=checker, year=draft, kind="clause", name="patent_award_amount", value=value, reason="x"
        ),
        lambda: services.policy_override_set(
            user=checker, year=2021, kind="clause", name="patent_award_amount", value=value, reason="x"
        ),
    ):
        with pytest.raises(ValidationError):
            call()
    assert policy_data(draft).clause("patent_award_amount") == before
    assert policy_data(2021).clause("patent_award_amount") == load_policy_data(2021).clause("patent_award_amount")
    # a published year's values are still corrected with a reason, as before
    services.policy_override_set(
        user=checker, year=draft, kind="param", name="patent_award_amount", value="2500", reason="更正"
    )
    assert policy_data(draft).clause("patent_award_amount") == before
    # members never see a clause edit as a change for them
    shown = year_in_force_for_members(project="skill_awards")
    assert shown is not None and shown["year"] == draft
    assert [c["label"] for c in shown["changes"]] == ["专利奖励金额"]  # the amount, not its clause


def test_a_non_district_role_cannot_edit_a_clause(client, district, draft):
    street = StaffUserFactory(role=StaffRole.STREET, organisation=StreetFactory(parent=district))
    grassroots = StaffUserFactory(role=StaffRole.GRASSROOTS, organisation=district)
    for user in (street, grassroots):
        client.force_login(user)
        assert client.get(_url(draft)).status_code == 403
        assert client.post(_url(draft), _post()).status_code == 403
        with pytest.raises(PermissionDenied):
            services.policy_year_clause_set(
                user=user, year=draft, name="patent_award_amount", document=OWN_DOCUMENT, section="x", reason="x"
            )
    assert not PolicyOverride.objects.filter(policy_year=draft, kind=PolicyOverrideKind.CLAUSE).exists()


def test_renaming_the_years_document_moves_the_clauses_that_cite_it(maker, draft):
    services.policy_year_clause_set(
        user=maker, year=draft, name="patent_award_amount", document=OWN_DOCUMENT, section=NEW_SECTION, reason="x"
    )
    services.policy_year_document_set(user=maker, year=draft, title="《2027年嘉定区总工会服务职工群众实事》")
    assert (
        policy_data(draft).clause("patent_award_amount").citation
        == f"《2027年嘉定区总工会服务职工群众实事》 {NEW_SECTION}"
    )
