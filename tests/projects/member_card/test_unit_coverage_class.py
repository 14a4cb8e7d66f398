"""One coverage class per unit and year (2021「工会会员专享基本保障」一：各基层单位任选并仅选其中一类参加):
chosen by the unit (or the district), locked once members are enrolled, and the class members enrol in."""

import re
from datetime import date

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.roles import group_for
from projects.member_card import services
from projects.member_card.models import UnitCoverageClass
from projects.member_card.selectors import unit_coverage_classes_visible_to
from projects.services.errors import ApplicationError
from projects.services.submission import application_submit
from projects.services.transitions import application_transition
from tests.projects.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def choose(user, unit, plan_class, year=2021):
    return services.unit_coverage_class_choose(user=user, unit=unit, policy_year=year, plan_class=plan_class)


def enrol(member, plan_class="B", year=2021, draft=False):
    when, facts = (
        ("2021-03-01 09:00 +0800", {"already_has_share": False})
        if year == 2021
        else ("2019-03-10 09:00 +0800", {"already_insured_this_year": False})
    )
    with time_machine.travel(when, tick=False):
        return application_submit(
            user=member.user,
            rule_id="member_basic_coverage",
            policy_year=year,
            facts={"plan_class": plan_class, **facts},
            member=member,
            draft=draft,
        )


class TestChoose:
    def test_the_units_grassroots_staff_choose(self, tree, staff):
        chosen = choose(staff["grassroots"], tree["unit"], "B+")
        assert (chosen.plan_class, chosen.chosen_by, chosen.policy_year) == ("B+", staff["grassroots"], 2021)
        assert chosen.history.count() == 1

    def test_the_district_may_choose_for_a_unit(self, tree, staff):
        assert choose(staff["district"], tree["far_unit"], "A").plan_class == "A"

    @pytest.mark.parametrize("who", ["other_grassroots", "street", "other_street"])
    def test_nobody_else(self, tree, staff, who):
        with pytest.raises(ApplicationError) as excinfo:
            choose(staff[who], tree["unit"], "A")
        assert excinfo.value.message == services.NOT_YOUR_UNIT
        assert not UnitCoverageClass.objects.exists()

    def test_only_grassroots_units(self, tree, staff):
        with pytest.raises(ApplicationError, match="保障类别由基层单位选定"):
            choose(staff["district"], tree["street"], "A")

    def test_the_class_must_be_one_the_year_offers(self, tree, staff):
        with pytest.raises(ApplicationError) as excinfo:
            choose(staff["grassroots"], tree["unit"], "A+", year=2019)
        assert excinfo.value.message == "2019年度没有“A+”类保障，可选：A、B。"
        assert excinfo.value.field == "plan_class"
        with pytest.raises(ApplicationError, match="2020年度没有会员专享基本保障计划。"):
            choose(staff["grassroots"], tree["unit"], "A", year=2020)

    def test_may_change_while_nobody_is_enrolled(self, tree, staff, member):
        choose(staff["grassroots"], tree["unit"], "A")
        enrol(member, draft=True)  # a draft is not an enrolment
        changed = choose(staff["grassroots"], tree["unit"], "B")
        assert changed.plan_class == "B" and UnitCoverageClass.objects.count() == 1
        assert changed.history.count() == 2
        assert [h.history_user for h in changed.history.order_by("history_id")] == [staff["grassroots"]] * 2

    def test_locked_once_a_member_is_enrolled(self, tree, staff, member):
        choose(staff["grassroots"], tree["unit"], "A")
        enrol(member)
        with pytest.raises(ApplicationError) as excinfo:
            choose(staff["district"], tree["unit"], "B")
        assert excinfo.value.message == "本单位已有会员参加2021年度A类保障，保障类别不能再更改。"
        assert UnitCoverageClass.objects.get().plan_class == "A"
        assert choose(staff["grassroots"], tree["unit"], "A").plan_class == "A"  # choosing the same again is fine

    def test_a_withdrawn_enrolment_does_not_lock(self, tree, staff, member):
        choose(staff["grassroots"], tree["unit"], "A")
        application = enrol(member)
        application_transition(user=member.user, application=application, action="withdraw")
        assert choose(staff["grassroots"], tree["unit"], "B").plan_class == "B"

    def test_a_first_choice_must_match_enrolments_made_before_it(self, tree, staff, member, other_member):
        enrol(member, "B")
        with pytest.raises(ApplicationError, match="本单位已有会员参加2021年度B类保障"):
            choose(staff["grassroots"], tree["unit"], "A")
        assert choose(staff["grassroots"], tree["unit"], "B").plan_class == "B"

    def test_other_units_are_not_affected(self, tree, staff, member):
        choose(staff["grassroots"], tree["unit"], "A")
        enrol(member)
        assert choose(staff["other_grassroots"], tree["other_unit"], "B").plan_class == "B"

    def test_the_database_keeps_one_class_per_unit_and_year(self, tree, staff):
        choose(staff["grassroots"], tree["unit"], "A")
        with pytest.raises(IntegrityError), transaction.atomic():
            UnitCoverageClass.objects.create(
                unit=tree["unit"], policy_year=2021, plan_class="B", chosen_by=staff["district"]
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            UnitCoverageClass.objects.create(
                unit=tree["unit"], policy_year=2022, plan_class="Z", chosen_by=staff["district"]
            )


class TestEnrolment:
    def test_a_member_enrols_in_the_units_class(self, tree, staff, member):
        choose(staff["grassroots"], tree["unit"], "A+")
        application = enrol(member, "B")  # whatever the form says, the unit's class is the one
        assert application.facts["plan_class"] == "A+" and application.facts["unit_class"] == "A+"
        assert application.decision["details"]["plan"] == "A+类保障"
        assert application.status == "grassroots_review"

    def test_2019_too(self, tree, staff, member):
        member.card_issued_on = date(2019, 3, 1)
        member.save(update_fields=["card_issued_on"])
        choose(staff["grassroots"], tree["unit"], "A", year=2019)
        application = enrol(member, "B", year=2019)
        assert application.facts["plan_class"] == "A" and application.amount == 24

    def test_without_a_unit_class_the_member_chooses(self, member):
        application = enrol(member, "B")
        assert application.facts["plan_class"] == "B" and application.facts["unit_class"] is None

    def test_the_apply_form_shows_the_class_read_only(self, client, tree, staff, member):
        choose(staff["grassroots"], tree["unit"], "B")
        assert client.login(username=member.card_number, password=PASSWORD)
        with time_machine.travel("2021-03-01 09:00 +0800", tick=False):
            html = client.get(reverse("projects:apply", args=["member_basic_coverage", 2021])).content.decode()
        for name in ("unit_class", "plan_class"):
            inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
            assert inputs and all("disabled" in i for i in inputs)
            assert [i for i in inputs if "checked" in i and 'value="B"' in i]

    def test_submission_refuses_a_class_the_unit_did_not_choose(self, tree, staff, member):
        application = enrol(member, "B", draft=True)
        choose(staff["grassroots"], tree["unit"], "A")
        application.facts = {**application.facts, "plan_class": "B"}
        with pytest.raises(ApplicationError) as excinfo:
            services.basic_coverage_on_submit(application)
        assert excinfo.value.message == (
            "本单位2021年度选定的是A类保障；各基层单位任选并仅选其中一类参加，不能参加B类。"
        )


@pytest.fixture
def in_groups(staff):
    for user in staff.values():
        user.groups.set([group_for(user.role)])
    return staff


@pytest.mark.usefixtures("in_groups")
class TestAdmin:
    def test_scoped_list_and_404_outside(self, client, tree, staff):
        mine = choose(staff["grassroots"], tree["unit"], "A")
        far = choose(staff["district"], tree["far_unit"], "B")
        assert set(unit_coverage_classes_visible_to(staff["street"])) == {mine}
        assert set(unit_coverage_classes_visible_to(staff["other_grassroots"])) == set()
        for who, visible, hidden in (("grassroots", mine, far), ("street", mine, far), ("other_street", far, mine)):
            client.force_login(staff[who])
            assert (
                client.get(reverse("admin:member_card_unitcoverageclass_change", args=[visible.pk])).status_code == 200
            )
            for name in ("change", "history"):
                url = reverse(f"admin:member_card_unitcoverageclass_{name}", args=[hidden.pk])
                assert client.get(url).status_code == 404
        client.force_login(staff["district"])
        html = client.get(reverse("admin:member_card_unitcoverageclass_changelist")).content.decode()
        assert tree["unit"].name in html and tree["far_unit"].name in html

    def test_grassroots_staff_choose_in_the_admin(self, client, tree, staff, member):
        client.force_login(staff["grassroots"])
        add = reverse("admin:member_card_unitcoverageclass_add")
        response = client.post(add, {"unit": tree["unit"].pk, "policy_year": 2021, "plan_class": "B"})
        assert response.status_code == 302, response.content.decode()[:3000]
        chosen = UnitCoverageClass.objects.get()
        assert (chosen.plan_class, chosen.chosen_by) == ("B", staff["grassroots"])
        assert client.get(add).status_code == 200
        enrol(member)
        change = reverse("admin:member_card_unitcoverageclass_change", args=[chosen.pk])
        response = client.post(change, {"plan_class": "A"})
        assert response.status_code == 200
        assert "本单位已有会员参加2021年度B类保障，保障类别不能再更改。" in response.content.decode()
        assert UnitCoverageClass.objects.get().plan_class == "B"

    def test_not_for_another_unit(self, client, tree, staff):
        client.force_login(staff["grassroots"])
        response = client.post(
            reverse("admin:member_card_unitcoverageclass_add"),
            {"unit": tree["other_unit"].pk, "policy_year": 2021, "plan_class": "B"},
        )
        assert response.status_code == 200 and not UnitCoverageClass.objects.exists()

    def test_street_staff_only_look(self, client, staff):
        client.force_login(staff["street"])
        assert client.get(reverse("admin:member_card_unitcoverageclass_changelist")).status_code == 200
        assert client.get(reverse("admin:member_card_unitcoverageclass_add")).status_code == 403
