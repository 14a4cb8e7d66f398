"""The register of workers' reading rooms (2019 §12 职工书屋建设).

A row is created when the district approves a unit's application to be a
district demonstration point or a self-built point; district staff keep the
stock figures current afterwards.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation
from projects.models import Application


class PointType(models.TextChoices):
    DEMO = "demo", _("区级职工书屋示范点")
    SELF_BUILT = "self_built", _("职工书屋自建点")


class ReadingRoom(models.Model):
    unit = models.ForeignKey(
        Organisation, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="reading_rooms"
    )
    point_type = models.CharField(_("类型"), max_length=16, choices=PointType.choices)
    policy_year = models.PositiveSmallIntegerField(_("建设年度"))
    books = models.PositiveIntegerField(_("藏书量（册）"))
    periodicals = models.PositiveIntegerField(_("报刊（种）"))
    audio_video = models.PositiveIntegerField(_("电子音像制品（种/张）"))
    designated_on = models.DateField(_("命名日期"))
    application = models.OneToOneField(
        Application, verbose_name=_("批准的申请"), on_delete=models.PROTECT, related_name="reading_room"
    )
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("职工书屋变更记录"))

    class Meta:
        verbose_name = _("职工书屋")
        verbose_name_plural = _("职工书屋")
        ordering = ["-designated_on", "unit__code"]
        constraints = [
            models.CheckConstraint(name="reading_room_point_type_valid", condition=Q(point_type__in=PointType.values)),
            # The application procedure allows one reading-room application per unit and year.
            models.UniqueConstraint(
                fields=["unit", "policy_year"],
                name="reading_room_once_per_unit_year",
                violation_error_message=_("该单位本年度已登记职工书屋。"),
            ),
        ]
        indexes = [models.Index(fields=["is_active", "point_type", "designated_on"])]

    def __str__(self):
        return f"{self.unit.name}（{self.get_point_type_display()}）"
