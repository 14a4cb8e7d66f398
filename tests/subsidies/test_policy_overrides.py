"""District staff correct a policy table: validated, audited, used by new decisions only."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.models import StaffRole
from subsidies import services
from subsidies.models import PolicyOverride
from subsidies.rules.data import load_policy_data
from subsidies.selectors import decide, policy_data
from tests.factories import DistrictFactory, StaffUserFactory, StreetFactory

pytestmark = pytest.mark.django_db

AMOUNTS = [
    {"level": "technician", "label": "技师（国家职业资格二级）", "amount": "1200"},
    {"level": "senior_technician", "label": "高级技师（国家职业资格一级）", "amount": "2000"},
]
FACTS = {
    "is_district_member": True,
    "level_reached": "technician",
    "certificate_issued_on": "2018-01-01",
    "certificate_issuer": "shanghai_hrss",
    "certificate_number": "1931000000000009",
    "application_date": "2019-03-20",
}


@pytest.fixture
def district_user():
    return StaffUserFactory(role=StaffRole.DISTRICT, organisation=DistrictFactory())


@pytest.fixture
def street_user():
    return StaffUserFactory(role=StaffRole.STREET, organisation=StreetFactory())


def test_an_edited_table_is_what_new_decisions_use(district_user):
    assert decide(rule_id="skill_promotion_award", year=2019, facts=FACTS).decision.amount == Decimal("1000.00")
    services.policy_override_set(
        user=district_user,
        year=2019,
        kind="table",
        name="skill_promotion_amounts",
        value=AMOUNTS,
        reason="市总工会2019年补充通知",
    )
    assert decide(rule_id="skill_promotion_award", year=2019, facts=FACTS).decision.amount == Decimal("1200.00")
    # The shipped data file is untouched.
    assert load_policy_data(2019).table("skill_promotion_amounts").get("technician")["amount"] == Decimal("1000.00")


def test_the_edit_is_recorded_with_who_why_and_the_old_value(district_user):
    services.policy_override_set(
        user=district_user,
        year=2019,
        kind="param",
        name="patent_award_amount",
        value="2500",
        reason="区总工会第3次常委会",
    )
    services.policy_override_set(
        user=district_user, year=2019, kind="param", name="patent_award_amount", value="2600", reason="更正"
    )
    history = PolicyOverride.objects.get(name="patent_award_amount").history.order_by("history_date")
    assert [(h.value, h.reason, h.history_user_id) for h in history] == [
        ("2500", "区总工会第3次常委会", district_user.pk),
        ("2600", "更正", district_user.pk),
    ]
    assert policy_data(2019).value("patent_award_amount") == Decimal("2600.00")


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "无法解析为 money"),
        (
            [
                {"level": "technician", "label": "技师", "amount": "1000"},
                {"level": "technician", "label": "x", "amount": "1"},
            ],
            "键 technician 重复",
        ),
    ],
)
def test_invalid_values_are_refused_with_the_reason_and_nothing_saved(district_user, value, message):
    kind, name = ("param", "patent_award_amount") if isinstance(value, str) else ("table", "skill_promotion_amounts")
    with pytest.raises(ValidationError) as excinfo:
        services.policy_override_set(user=district_user, year=2019, kind=kind, name=name, value=value, reason="x")
    assert message in str(excinfo.value)
    assert not PolicyOverride.objects.exists()


def test_a_reason_is_required(district_user):
    with pytest.raises(ValidationError, match="修改依据"):
        services.policy_override_set(
            user=district_user, year=2019, kind="param", name="patent_award_amount", value="2500", reason=" "
        )


def test_only_district_staff_may_edit(street_user):
    with pytest.raises(PermissionDenied):
        services.policy_override_set(
            user=street_user, year=2019, kind="param", name="patent_award_amount", value="2500", reason="x"
        )


def test_clearing_goes_back_to_the_shipped_value(district_user):
    override = services.policy_override_set(
        user=district_user, year=2019, kind="param", name="patent_award_amount", value="2500", reason="试行"
    )
    services.policy_override_clear(user=district_user, override=override)
    assert policy_data(2019).value("patent_award_amount") == Decimal("2000.00")


class TestAdminPages:
    def test_everyone_may_look_only_district_may_edit(self, client, district_user, street_user):
        year_url = reverse("admin:subsidies_policy_year", args=[2019])
        edit_url = reverse("admin:subsidies_policy_edit", args=[2019, "table", "skill_promotion_amounts"])
        client.force_login(street_user)
        assert client.get(year_url).status_code == 200
        assert client.get(edit_url).status_code == 403
        client.force_login(district_user)
        assert "skill_promotion_amounts" in client.get(year_url).content.decode()
        assert client.get(edit_url).status_code == 200

    def test_table_edit_through_the_formset(self, client, district_user):
        client.force_login(district_user)
        url = reverse("admin:subsidies_policy_edit", args=[2019, "table", "skill_promotion_amounts"])
        data = {
            "form-TOTAL_FORMS": "3",
            "form-INITIAL_FORMS": "2",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "reason": "市总补充通知",
        }
        for i, row in enumerate(AMOUNTS):
            data.update({f"form-{i}-{k}": v for k, v in row.items()})
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert policy_data(2019).table("skill_promotion_amounts").get("technician")["amount"] == Decimal("1200.00")

    def test_bad_cell_is_reported_and_nothing_saved(self, client, district_user):
        client.force_login(district_user)
        url = reverse("admin:subsidies_policy_edit", args=[2019, "param", "patent_award_amount"])
        response = client.post(url, {"value": "两千", "reason": "x"})
        assert response.status_code == 200 and "“专利奖励金额”：请填写金额" in response.content.decode()
        assert not PolicyOverride.objects.exists()
