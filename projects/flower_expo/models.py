"""“看花博” (2021): the register of group visits to the 10th China Flower Expo,
tallied toward the district target (“全区各级工会累计组织职工参观花博会超过10000人次”).

A trip is created when a union's flower_expo_visit application is approved (it
has no review chain: approved on submission); its visitors count toward the
total while the application stays approved.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation
from projects.models import Application


class OrganisedAs(models.TextChoices):
    # The rule's codes (subsidies/rules/flower_expo.py ORGANISED_AS).
    OUTING = "spring_autumn_outing", _("职工团体春秋游")
    SANATORIUM = "sanatorium", _("职工疗休养")


class ExpoTrip(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="expo_trips"
    )
    organised_as = models.CharField(_("组织方式"), max_length=24, choices=OrganisedAs.choices)
    visit_date = models.DateField(_("参观日期"))
    visitors = models.PositiveIntegerField(_("参观人次"))
    hardship_family_members = models.PositiveIntegerField(
        _("其中困难职工家庭成员人数"), null=True, blank=True, help_text=_("组织困难职工家庭参观的，请填写人数")
    )
    application = models.OneToOneField(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="expo_trip"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("看花博活动变更记录"))

    class Meta:
        verbose_name = _("看花博活动")
        verbose_name_plural = _("看花博活动")
        ordering = ["-visit_date", "-pk"]
        constraints = [
            models.CheckConstraint(name="expo_trip_visitors_positive", condition=Q(visitors__gte=1)),
            models.CheckConstraint(
                name="expo_trip_organised_as_valid", condition=Q(organised_as__in=OrganisedAs.values)
            ),
            models.CheckConstraint(
                name="expo_trip_hardship_within_visitors",
                condition=Q(hardship_family_members__isnull=True) | Q(hardship_family_members__lte=F("visitors")),
                violation_error_message=_("困难职工家庭成员人数不能超过参观人次。"),
            ),
        ]
        indexes = [models.Index(fields=["visit_date"])]

    def __str__(self):
        return f"{self.organisation.name} {self.visit_date:%Y-%m-%d}（{self.visitors}人次）"
