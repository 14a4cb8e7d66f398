"""职工心理服务 (2019 §10): confidential counselling records and the lecture schedule.

“对职工的个人信息我们将严格保密”: a CounsellingRecord is seen only by users explicitly
granted counselling.view_confidential (the group “心理咨询师”, see migration 0002) —
not by the member's union, not by district staff, and not by a superuser who was
not granted it (see selectors.may_view_confidential).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Application

APPOINTMENT_RULE = "counselling_appointment"
LECTURE_RULE = "counselling_lecture"


class CounsellingRecord(models.Model):
    """One booked individual counselling appointment, as the counsellor keeps it."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("预约申请"),
        on_delete=models.PROTECT,
        related_name="counselling_record",
        limit_choices_to={"rule_id": APPOINTMENT_RULE},
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("咨询师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("咨询记录"), blank=True)
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("建档时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("咨询记录变更记录"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("个案心理咨询记录")
        verbose_name_plural = _("个案心理咨询记录")
        ordering = ["-created_at"]
        permissions = [("view_confidential", _("查看个案心理咨询记录（保密）"))]
        indexes = [models.Index(fields=["counsellor", "follow_up_on"])]

    def __str__(self):
        return f"{self.application.reference}"


class LectureSchedule(models.Model):
    """The lecture the district arranged for an approved counselling_lecture application."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("讲座申请"),
        on_delete=models.PROTECT,
        related_name="lecture_schedule",
        limit_choices_to={"rule_id": LECTURE_RULE},
    )
    date = models.DateField(_("讲座日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    venue = models.CharField(_("地点"), max_length=200)
    topic = models.CharField(_("讲座主题"), max_length=200)
    lecturer = models.CharField(_("讲师"), max_length=100)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("安排时间"), default=timezone.now)
    history = HistoricalRecords(verbose_name=_("讲座安排变更记录"))

    class Meta:
        verbose_name = _("心理健康讲座安排")
        verbose_name_plural = _("心理健康讲座安排")
        ordering = ["-date", "start_time"]
        constraints = [
            models.CheckConstraint(
                name="lecture_schedule_ends_after_start",
                condition=Q(end_time__isnull=True) | Q(end_time__gt=F("start_time")),
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.topic}（{self.date:%Y-%m-%d}）"
