"""“大篷车”服务 (2019 §11): the district takes the caravan into units, parks and buildings.

A CaravanVisit opens when the district approves a caravan_visit application
(Procedure.on_approved), without a date; the district then schedules it
(services.caravan_visit_schedule) and afterwards records the attendance. The
district may also plan a visit on its own initiative (no application).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation
from projects.models import Application

VISIT_RULE = "caravan_visit"


class CaravanService(models.TextChoices):
    """2019 §11 服务内容: 1 帐篷; 2 法律服务、心理关爱、职业指导、健康咨询; 3 会员服务卡团购优惠商户;
    4 理发、手机维修、配钥匙."""

    TENT = "tent", _("免费提供帐篷")
    LEGAL = "legal", _("法律服务")
    PSYCHOLOGICAL = "psychological", _("心理关爱")
    CAREER = "career", _("职业指导")
    HEALTH = "health", _("健康咨询")
    MERCHANT_DISCOUNTS = "merchant_discounts", _("会员服务卡团购优惠商户")
    HAIRCUT = "haircut", _("免费理发")
    PHONE_REPAIR = "phone_repair", _("免费手机维修")
    KEY_CUTTING = "key_cutting", _("免费配钥匙")


class HostKind(models.TextChoices):
    # The rule's host_kind choices (subsidies.rules.culture.HOST_KINDS).
    UNIT = "unit", _("企事业单位")
    PARK = "park", _("园区")
    BUILDING = "building", _("楼宇")


class CaravanVisit(models.Model):
    application = models.OneToOneField(
        Application,
        verbose_name=_("申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caravan_visit",
        limit_choices_to={"rule_id": VISIT_RULE},
        help_text=_("区总工会主动安排的活动没有申请。"),
    )
    host = models.ForeignKey(
        Organisation, verbose_name=_("承办单位（园区、楼宇）"), on_delete=models.PROTECT, related_name="caravan_visits"
    )
    # The host's street/town (denormalised from the organisation tree, like Application.street) for scope.
    street = models.ForeignKey(
        Organisation,
        verbose_name=_("所属街镇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    host_kind = models.CharField(_("服务地点类型"), max_length=16, choices=HostKind.choices)
    visit_date = models.DateField(_("活动日期"), null=True, blank=True, help_text=_("由区总工会安排"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    location = models.CharField(_("活动地点"), max_length=200, blank=True)
    services = models.JSONField(_("服务内容"), default=list, blank=True, help_text=_("CaravanService 代码列表"))
    expected_attendance = models.PositiveIntegerField(_("预计参加人数"), null=True, blank=True)
    actual_attendance = models.PositiveIntegerField(_("实际参加人数"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("大篷车活动变更记录"))

    class Meta:
        verbose_name = _("“大篷车”活动")
        verbose_name_plural = _("“大篷车”活动")
        ordering = [F("visit_date").asc(nulls_first=True), "start_time"]
        constraints = [
            models.CheckConstraint(
                name="caravan_visit_scheduled_has_location",
                condition=Q(visit_date__isnull=True) | ~Q(location=""),
                violation_error_message=_("安排日期时须填写活动地点。"),
            ),
            models.CheckConstraint(
                name="caravan_visit_attendance_after_scheduling",
                condition=Q(actual_attendance__isnull=True) | Q(visit_date__isnull=False),
                violation_error_message=_("活动安排日期后才能登记实际参加人数。"),
            ),
            models.CheckConstraint(
                name="caravan_visit_ends_after_start",
                condition=Q(start_time__isnull=True) | Q(end_time__isnull=True) | Q(end_time__gt=F("start_time")),
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
        ]
        indexes = [models.Index(fields=["visit_date"]), models.Index(fields=["street", "visit_date"])]

    def __str__(self):
        when = f"{self.visit_date:%Y-%m-%d}" if self.visit_date else "待安排"
        return f"{self.host.name}（{when}）"

    @property
    def service_labels(self) -> list[str]:
        labels = dict(CaravanService.choices)
        return [str(labels[code]) for code in self.services if code in labels]

    @property
    def is_scheduled(self) -> bool:
        return self.visit_date is not None
