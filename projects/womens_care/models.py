"""Registries of the 2019 §8 “女职工幸福关爱” grants: 爱心妈咪小屋 and 亲子工作室.

A row is created when the district approves the unit's grant application
(projects.womens_care.services, the procedures' on_approved hook); district staff keep
the descriptive fields current afterwards.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation
from projects.models import Application


class ClassType(models.TextChoices):
    HOLIDAY = "holiday", _("寒暑假托班")
    EVENING = "evening", _("晚托班")


class MommyRoom(models.Model):
    unit = models.ForeignKey(
        Organisation, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="mommy_rooms"
    )
    name = models.CharField(_("小屋名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    built_on = models.DateField(_("建立日期"))
    area_sqm = models.DecimalField(_("面积（平方米）"), max_digits=7, decimal_places=2, null=True, blank=True)
    facilities = models.TextField(_("设施说明"), blank=True, help_text=_("如冰箱、哺乳椅、洗手池、消毒设备"))
    application = models.OneToOneField(
        Application, verbose_name=_("批准的申请"), on_delete=models.PROTECT, related_name="mommy_room"
    )
    is_open = models.BooleanField(_("开放中"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("爱心妈咪小屋变更记录"))

    class Meta:
        verbose_name = _("爱心妈咪小屋")
        verbose_name_plural = _("爱心妈咪小屋")
        ordering = ["unit__code", "name"]
        constraints = [
            models.CheckConstraint(name="mommy_room_name_not_blank", condition=~Q(name="")),
            models.CheckConstraint(
                name="mommy_room_area_positive", condition=Q(area_sqm__isnull=True) | Q(area_sqm__gt=0)
            ),
        ]
        indexes = [models.Index(fields=["is_open", "unit"])]

    def __str__(self):
        return self.name


class ParentChildStudio(models.Model):
    unit = models.ForeignKey(
        Organisation, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="parent_child_studios"
    )
    name = models.CharField(_("工作室名称"), max_length=100)
    built_on = models.DateField(_("建立日期"))
    class_type = models.CharField(_("托班类型"), max_length=16, choices=ClassType.choices)
    children = models.PositiveIntegerField(_("托管人数"))
    weeks = models.DecimalField(_("托管时间（周）"), max_digits=5, decimal_places=2, null=True, blank=True)
    application = models.OneToOneField(
        Application, verbose_name=_("批准的申请"), on_delete=models.PROTECT, related_name="parent_child_studio"
    )
    is_open = models.BooleanField(_("开办中"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("亲子工作室变更记录"))

    class Meta:
        verbose_name = _("亲子工作室")
        verbose_name_plural = _("亲子工作室")
        ordering = ["unit__code", "name"]
        constraints = [
            models.CheckConstraint(name="studio_name_not_blank", condition=~Q(name="")),
            models.CheckConstraint(name="studio_class_type_valid", condition=Q(class_type__in=ClassType.values)),
            models.CheckConstraint(name="studio_children_positive", condition=Q(children__gte=1)),
            # A holiday class is graded by weeks (2019 §8 table 1); an evening class by children only.
            models.CheckConstraint(
                name="studio_weeks_for_holiday_class",
                condition=(
                    Q(class_type="holiday", weeks__isnull=False, weeks__gt=0)
                    | Q(class_type="evening") & (Q(weeks__isnull=True) | Q(weeks__gt=0))
                ),
            ),
        ]
        indexes = [models.Index(fields=["class_type", "unit"])]

    def __str__(self):
        return self.name
