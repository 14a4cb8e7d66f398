"""Policy years district staff open themselves (issue 13): open, edit, compare, publish."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import StaffRole
from subsidies import services
from subsidies.models import PolicyOverride, PolicyYear, PolicyYearStatus
from subsidies.rules import registry
from subsidies.rules.data import load_policy_data
from subsidies.selectors import policy_data, policy_diff, shipped_data
from tests.factories import StaffUserFactory, StreetFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _amount_param(data):
    return "patent_award_amount"


def test_opening_copies_every_rule_and_value_and_leaves_the_source_untouched(maker):
    services.policy_override_set(
        user=maker, year=2021, kind="param", name="patent_award_amount", value="3000", reason="会议纪要"
    )
    before = policy_data(2021)
    year = services.policy_year_open(user=maker, year=2027, source_year=2021)
    assert year.status == PolicyYearStatus.DRAFT
    assert set(year.rule_ids) == set(registry.file_rule_ids(2021))
    opened = policy_data(2027)
    assert opened.value("patent_award_amount") == Decimal("3000.00")  # the source's correction comes along
    assert set(opened.params) == set(before.params) and set(opened.tables) == set(before.tables)
    for name, param in before.params.items():
        assert opened.params[name].value == param.value
    assert opened.param("patent_award_amount").clause.carried_from == 2019  # 2021 carried it: so does 2027
    assert opened.param("flexible_care_full_dues").clause.carried_from == 2021  # cited as 沿用2021年标准
    services.policy_year_edit(
        user=maker, year=2027, kind="param", name="patent_award_amount", value="3500", reason="2027年文件"
    )
    assert policy_data(2027).value("patent_award_amount") == Decimal("3500.00")
    assert policy_data(2021).value("patent_award_amount") == Decimal("3000.00")
    assert PolicyOverride.objects.filter(policy_year=2021).count() == 1


def test_opening_from_two_years_takes_the_projects_the_newer_one_does_not_cover(maker):
    services.policy_year_open(user=maker, year=2026, source_year=2021, also_from=(2019,))
    record = PolicyYear.objects.get(year=2026)
    assert record.base_years == [2021, 2019]
    assert "legal_aid" in record.rule_ids and "legal_checkup" in record.rule_ids
    data = shipped_data(2026)
    assert data.param("flexible_care_full_dues").value == load_policy_data(2021).value("flexible_care_full_dues")
    assert registry.rule_class("member_basic_coverage", 2026) is registry.get("member_basic_coverage", 2021).__class__


def test_a_draft_is_invisible_to_members(maker):
    services.policy_year_open(user=maker, year=2026, source_year=2021)
    registry.refresh()
    assert 2026 not in registry.years()
    with pytest.raises(registry.UnknownRule):
        registry.get("patent_award", 2026)
    assert registry.latest("patent_award", date(2026, 12, 2)).policy_year == 2021


def test_only_district_staff_open_and_edit(maker):
    street = StaffUserFactory(role=StaffRole.STREET, organisation=StreetFactory())
    with pytest.raises(PermissionDenied):
        services.policy_year_open(user=street, year=2027, source_year=2021)
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    with pytest.raises(PermissionDenied):
        services.policy_year_edit(
            user=street, year=2027, kind="param", name="patent_award_amount", value="1", reason="x"
        )


def test_an_edit_is_validated_like_the_files_and_names_the_value(maker):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    with pytest.raises(ValidationError) as error:
        services.policy_year_edit(
            user=maker, year=2027, kind="param", name="patent_award_amount", value="很多", reason="x"
        )
    assert "patent_award_amount" in str(error.value)
    with pytest.raises(ValidationError):
        services.policy_year_edit(
            user=maker, year=2027, kind="param", name="patent_award_amount", value="1", reason=" "
        )
    assert not PolicyOverride.objects.filter(policy_year=2027).exists()


def test_publishing_needs_a_second_district_user(maker, checker):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    with pytest.raises(PermissionDenied):
        services.policy_year_publish(user=maker, year=2027, effective_from=date(2027, 1, 1))
    services.policy_year_edit(
        user=checker, year=2027, kind="param", name="patent_award_amount", value="3500", reason="2027年文件"
    )
    with pytest.raises(PermissionDenied):  # the checker edited it too: now a third person must publish
        services.policy_year_publish(user=checker, year=2027, effective_from=date(2027, 1, 1))
    third = StaffUserFactory(role=StaffRole.DISTRICT, organisation=maker.organisation)
    record = services.policy_year_publish(user=third, year=2027, effective_from=date(2027, 1, 1))
    assert record.status == PolicyYearStatus.PUBLISHED and record.published_by == third
    with pytest.raises(ValidationError):  # read-only once published
        services.policy_year_edit(
            user=maker, year=2027, kind="param", name="patent_award_amount", value="1", reason="x"
        )
    # a correction of a published year goes through the recorded override, with its reason
    services.policy_override_set(
        user=maker, year=2027, kind="param", name="patent_award_amount", value="3600", reason="更正"
    )
    assert policy_data(2027).value("patent_award_amount") == Decimal("3600.00")


def test_publishing_needs_a_year_that_validates(maker, checker):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    PolicyOverride.objects.create(  # written around the service: the check refuses the year
        policy_year=2027, kind="param", name="patent_award_amount", value="很多", reason="x", updated_by=maker
    )
    PolicyOverride.history.filter(policy_year=2027).update(history_user=None)
    with pytest.raises(ValidationError):
        services.policy_year_publish(user=checker, year=2027, effective_from=date(2027, 1, 1))
    assert PolicyYear.objects.get(year=2027).status == PolicyYearStatus.DRAFT


def test_the_effective_date_switches_new_decisions_at_midnight_shanghai(maker, checker):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    services.policy_year_edit(
        user=maker, year=2027, kind="param", name="patent_award_amount", value="3500", reason="2027年文件"
    )
    services.policy_year_publish(user=checker, year=2027, effective_from=date(2027, 1, 1))
    from django.utils import timezone

    from projects.selectors import member_rules

    with time_machine.travel(datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI), tick=False):
        today = timezone.localdate()
        assert registry.latest("patent_award", today).policy_year == 2021
        assert {r.policy_year for r in member_rules(today) if r.rule_id == "patent_award"} == {2021}
    with time_machine.travel(datetime(2027, 1, 1, 0, 0, 0, tzinfo=SHANGHAI), tick=False):  # 2026-12-31 16:00 UTC
        today = timezone.localdate()
        assert registry.latest("patent_award", today).policy_year == 2027
        assert {r.policy_year for r in member_rules(today) if r.rule_id == "patent_award"} == {2027}


def test_the_2019_2021_diff_lists_the_known_changes_and_nothing_spurious():
    changes = policy_diff(2019, 2021)
    rows = {(c.kind, c.name, c.where): c for c in changes}
    # member-card classes: A/B in 2019, A/B/A+/B+ in 2021
    assert rows[("row", "member_card_plan_benefits", "A+")].new == "A+"
    assert rows[("row", "member_card_plan_benefits", "B+")].new == "B+"
    assert not any(c.name == "member_card_plan_benefits" and c.where in ("A", "B") for c in changes if c.kind == "row")
    # the flexible-worker fee of 2019 is not set by the 2021 document
    fee = rows[("param", "flexible_fee", "")]
    assert fee.project == "flexible_workers" and fee.new is None and fee.old_clause
    # the check-up plans: the 2019 table gives way to the 2021 one
    assert rows[("table", "sanatorium_checkup_plans_2019", "")].new is None
    assert rows[("table", "sanatorium_checkup_plans_2021", "")].old is None
    # rules added and dropped
    assert rows[("rule", "micro_wish", "")].old is None and rows[("rule", "legal_aid", "")].new is None
    # nothing spurious: each change is a real difference, each value change cites both years
    assert all(c.old != c.new for c in changes)
    assert all(c.old_clause and c.new_clause for c in changes if c.kind in ("cell", "row"))
    assert not any(c.kind == "param" and c.name == "patent_award_amount" for c in changes)  # carried, unchanged
    assert policy_diff(2021, 2021) == []


def test_the_diff_of_an_opened_year_is_its_edits(maker):
    services.policy_year_open(user=maker, year=2027, source_year=2021)
    assert policy_diff(2021, 2027) == []
    services.policy_year_edit(
        user=maker, year=2027, kind="param", name="patent_award_amount", value="3500", reason="2027年文件"
    )
    (change,) = policy_diff(2021, 2027)
    assert (change.name, change.old, change.new) == ("patent_award_amount", "2000.00", "3500.00")


def test_a_published_year_takes_no_application_before_its_effective_date(maker, checker):
    """Left out of the entitlements before it starts, and refused by its apply address too."""
    from django.utils import timezone

    from members.services import member_account_create
    from projects.services.errors import ApplicationError
    from projects.services.submission import application_submit
    from tests.factories import MemberFactory

    services.policy_year_open(user=maker, year=2027, source_year=2021, also_from=(2019,))
    services.policy_year_publish(user=checker, year=2027, effective_from=date(2027, 1, 1))
    member = MemberFactory()
    member_account_create(member=member, password="Zx9!long-enough")
    member.refresh_from_db()
    facts = {"claim_kind": "wages"}
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI), tick=False):
        assert timezone.localdate() == date(2026, 12, 31)
        with pytest.raises(ApplicationError, match="2027年度政策自2027年1月1日起施行"):
            application_submit(user=member.user, rule_id="legal_aid", policy_year=2027, facts=facts, member=member)
    with time_machine.travel(datetime(2027, 1, 1, 0, 0, 1, tzinfo=SHANGHAI), tick=False):
        application = application_submit(
            user=member.user, rule_id="legal_aid", policy_year=2027, facts=facts, member=member
        )
        assert application.policy_year == 2027


def test_a_benefit_the_year_lacks_is_refused_by_its_name_never_its_code(maker):
    from members.services import member_account_create
    from projects.services.errors import ApplicationError
    from projects.services.submission import application_submit
    from tests.factories import MemberFactory

    member = MemberFactory()
    member_account_create(member=member, password="Zx9!long-enough")
    member.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        application_submit(user=member.user, rule_id="legal_aid", policy_year=2021, facts={}, member=member)
    assert "2021年度政策没有“" in str(refused.value) and "legal_aid" not in str(refused.value)
    with pytest.raises(ApplicationError) as refused:
        application_submit(user=member.user, rule_id="no_such_rule", policy_year=2021, facts={}, member=member)
    assert "no_such_rule" not in str(refused.value)


def test_a_published_year_joins_the_project_pages_on_its_effective_date(client, maker, checker):
    """Before 1 January the 2027 year's rules are not offered on the project page, nor its micro-wish
    rule on the member's wish page: the page shows the year in force."""
    services.policy_year_open(user=maker, year=2027, source_year=2021, also_from=(2019,))
    services.policy_year_publish(user=checker, year=2027, effective_from=date(2027, 1, 1))
    from django.urls import reverse

    url = reverse("projects:project", args=["legal_aid"])
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI), tick=False):
        before = client.get(url).content.decode()
        assert registry.latest("micro_wish", date(2026, 12, 31)).policy_year != 2027
    with time_machine.travel(datetime(2027, 1, 1, 0, 1, tzinfo=SHANGHAI), tick=False):
        after = client.get(url).content.decode()
    assert "2027年度" not in before
    assert "2027年度" in after


@pytest.mark.parametrize(
    "url_name",
    [
        "legal:centres",
        "reading_rooms:list",
        "caravan:visits",
        "health_points:points",
        "outdoor_care:stations",
        "womens_care:mommy_rooms",
        "flower_expo:progress",
    ],
)
def test_the_project_apps_pages_name_the_year_in_force_too(client, maker, checker, url_name):
    services.policy_year_open(user=maker, year=2027, source_year=2021, also_from=(2019,))
    services.policy_year_publish(user=checker, year=2027, effective_from=date(2027, 1, 1))
    from django.urls import reverse

    with time_machine.travel(datetime(2027, 1, 1, 0, 1, tzinfo=SHANGHAI), tick=False):
        html = client.get(reverse(url_name)).content.decode()
    assert "2027年度政策（自2027年1月1日起施行）" in html
