"""Recording “五送” deliveries: street staff in scope, approved paid-120 members, never cash, once a year."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from projects.flexible_workers import services
from projects.flexible_workers.models import ServiceDelivery
from projects.models import Application
from projects.services.errors import ApplicationError

from .conftest import care_application, flexible_member

pytestmark = pytest.mark.django_db


def record(user, application, kind="checkup", delivered_on=date(2021, 7, 1), **kwargs):
    return services.five_services_record(
        user=user, application=application, kind=kind, delivered_on=delivered_on, **kwargs
    )


@pytest.mark.usefixtures("on_a_summer_day")
class TestRecord:
    def test_street_staff_record_a_checkup_for_their_member(self, approved, flex, staff, tree):
        delivery = record(staff["street"], approved, note=" 区中心医院 ")
        assert (delivery.member, delivery.street, delivery.organisation) == (flex, tree["street"], tree["street"])
        assert delivery.recorded_by == staff["street"] and delivery.note == "区中心医院"
        assert delivery.history.count() == 1 and delivery.history.get().history_user == staff["street"]

    @pytest.mark.parametrize("who", ["other_street", "district", "grassroots"])
    def test_nobody_else_records(self, approved, staff, who):
        with pytest.raises(ApplicationError, match=services.NOT_STREET_STAFF):
            record(staff[who], approved)
        assert not ServiceDelivery.objects.exists()

    def test_only_approved_registrations(self, flex, staff):
        pending = care_application(flex)
        assert pending.status == "street_review"
        with pytest.raises(ApplicationError, match="尚未审核通过（当前状态：待街镇工会审核）"):
            record(staff["street"], pending)

    def test_only_members_who_paid_120_in_one_go(self, tree, staff):
        member = flexible_member(tree["street"], paid_in_one_go=False)
        application = care_application(member, reviewer=staff["street"])
        assert application.decision["details"]["coverage_class"] == "C"
        with pytest.raises(ApplicationError) as excinfo:
            record(staff["street"], application)
        assert excinfo.value.message == services.NOT_FULL_DUES

    def test_never_cash(self, approved, staff):
        with pytest.raises(ApplicationError) as excinfo:
            record(staff["street"], approved, kind="cooling_gift", gift_form="cash")
        assert excinfo.value.message == services.NO_CASH and excinfo.value.field == "gift_form"
        assert not ServiceDelivery.objects.exists()

    def test_a_gift_records_its_form(self, approved, staff):
        with pytest.raises(ApplicationError, match="请选择送清凉慰问品的发放形式。"):
            record(staff["street"], approved, kind="cooling_gift")
        gift = record(staff["street"], approved, kind="cooling_gift", gift_form="transport_card")
        assert gift.get_gift_form_display() == "交通卡"

    def test_checkup_and_gifts_once_a_year_trainings_as_often_as_given(self, approved, staff):
        record(staff["street"], approved)
        with pytest.raises(ApplicationError, match="本年度已为该会员登记“送健康体检”"):
            record(staff["street"], approved, delivered_on=date(2021, 7, 2))
        record(staff["street"], approved, kind="safety_training")
        record(staff["street"], approved, kind="safety_training", delivered_on=date(2021, 7, 8))
        assert ServiceDelivery.objects.filter(kind="safety_training").count() == 2

    @pytest.mark.parametrize(
        "day, message", [(date(2020, 12, 31), "服务日期须在2021年内。"), (date(2021, 7, 16), services.IN_FUTURE)]
    )
    def test_dates(self, approved, staff, day, message):
        with pytest.raises(ApplicationError) as excinfo:
            record(staff["street"], approved, delivered_on=day)
        assert excinfo.value.message == message and excinfo.value.field == "delivered_on"

    def test_today_is_fine(self, approved, staff):
        assert record(staff["street"], approved, delivered_on=date(2021, 7, 15)).pk

    def test_not_for_other_projects(self, flex, staff, approved):
        Application.objects.filter(pk=approved.pk).update(rule_id="flexible_worker_coverage")
        with pytest.raises(ApplicationError, match=services.NOT_CARE_APPLICATION):
            record(staff["street"], approved)

    def test_update_keeps_the_rules(self, approved, staff):
        gift = record(staff["street"], approved, kind="warmth_gift", gift_form="goods")
        with pytest.raises(ApplicationError, match="不可发放现金"):
            services.five_services_update(
                user=staff["street"], delivery=gift, delivered_on=date(2021, 7, 3), gift_form="cash"
            )
        with pytest.raises(ApplicationError, match=services.NOT_STREET_STAFF):
            services.five_services_update(
                user=staff["other_street"], delivery=gift, delivered_on=date(2021, 7, 3), gift_form="phone_card"
            )
        services.five_services_update(
            user=staff["street"],
            delivery=gift,
            delivered_on=date(2021, 7, 3),
            gift_form="phone_card",
            note="改为电话卡",
        )
        gift.refresh_from_db()
        assert (gift.delivered_on, gift.gift_form, gift.note) == (date(2021, 7, 3), "phone_card", "改为电话卡")
        assert gift.history.count() == 2


class TestDatabaseConstraints:
    def _row(self, approved, staff, **kwargs):
        fields = {
            "application": approved,
            "member_id": approved.applicant_member_id,
            "organisation_id": approved.organisation_id,
            "street_id": approved.street_id,
            "kind": "checkup",
            "delivered_on": date(2021, 7, 1),
            "recorded_by": staff["street"],
            **kwargs,
        }
        return ServiceDelivery(**fields)

    @pytest.mark.parametrize(
        "fields",
        [
            {"kind": "cooling_gift", "gift_form": "cash"},
            {"kind": "hardship_relief", "gift_form": "cash"},
            {"kind": "warmth_gift", "gift_form": ""},
            {"kind": "red_envelope"},
        ],
    )
    def test_cash_formless_gifts_and_unknown_kinds_cannot_be_stored(self, approved, staff, fields):
        with pytest.raises(IntegrityError), transaction.atomic():
            self._row(approved, staff, **fields).save()

    def test_a_second_checkup_cannot_be_stored(self, approved, staff):
        self._row(approved, staff).save()
        with pytest.raises(IntegrityError), transaction.atomic():
            self._row(approved, staff, delivered_on=date(2021, 8, 1)).save()
        self._row(approved, staff, kind="culture_sports").save()
        self._row(approved, staff, kind="culture_sports").save()
