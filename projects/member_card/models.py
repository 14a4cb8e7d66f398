"""The coverage class each unit chooses per year.

2021「工会会员专享基本保障」一、参保种类: “各基层单位可根据自身实际，任选并仅选其中一类参加，
会员在保障有效期内仅可享有一份会员专享基本保障” (2019 §7 会员卡服务保障（一）1: “任选并仅选其中一类参保”).
The member's enrolment (an Application of member_basic_coverage) takes its class from here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation, OrganisationLevel
from subsidies.rules.member_card import PLANS_2019, PLANS_2021

# Every class any policy year offers (2021's list contains 2019's); which ones a year offers is its table.
PLAN_CLASSES = tuple(dict((*PLANS_2019, *PLANS_2021)).items())
PLAN_CODES = tuple(code for code, _label in PLAN_CLASSES)


class UnitCoverageClass(models.Model):
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("单位（基层工会）"),
        on_delete=models.PROTECT,
        related_name="coverage_classes",
        limit_choices_to={"level": OrganisationLevel.GRASSROOTS},
    )
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    plan_class = models.CharField(_("保障类别"), max_length=4, choices=PLAN_CLASSES)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("选定人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    chosen_at = models.DateTimeField(_("选定时间"), default=timezone.now, editable=False)
    history = HistoricalRecords(verbose_name=_("保障类别变更记录"))

    class Meta:
        verbose_name = _("单位保障类别")
        verbose_name_plural = _("单位保障类别")
        ordering = ["-policy_year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "policy_year"],
                name="unit_coverage_class_once_per_year",
                violation_error_message=_("每个单位每年只能选定一类会员专享基本保障。"),
            ),
            models.CheckConstraint(name="unit_coverage_class_known", condition=Q(plan_class__in=PLAN_CODES)),
        ]
        indexes = [models.Index(fields=["policy_year", "plan_class"])]

    def __str__(self):
        return f"{self.unit} {self.policy_year}年度 {self.get_plan_class_display()}"
