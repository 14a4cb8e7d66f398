"""“上海职工学堂” (2019 §2): the district's on-site checks and the register of schools.

§2 操作流程（二）: “区总工会对申报贴补的学堂进行实地审核”. District staff record each
check (SiteCheck); the grant application takes its “实地审核通过” fact from the
check (the procedure's locked_facts), never from the applicant. The approved grant
creates the WorkerSchool row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation
from projects.models import Application


class SiteCheck(models.Model):
    street_union = models.ForeignKey(
        Organisation,
        verbose_name=_("街镇总工会"),
        on_delete=models.PROTECT,
        related_name="worker_school_site_checks",
        limit_choices_to={"level": "street"},
    )
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    school_name = models.CharField(_("学堂名称"), max_length=100)
    address = models.CharField(_("学堂地址"), max_length=200)
    checked_at = models.DateTimeField(_("实地审核时间"))
    passed = models.BooleanField(_("审核通过"))
    note = models.TextField(_("审核意见"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+"
    )
    # The grant application the check was used for (set on submission).
    application = models.OneToOneField(
        Application,
        verbose_name=_("用于申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="worker_school_site_check",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("实地审核变更记录"))

    class Meta:
        verbose_name = _("职工学堂实地审核")
        verbose_name_plural = _("职工学堂实地审核")
        ordering = ["-checked_at"]
        constraints = [
            models.CheckConstraint(name="site_check_school_name_not_blank", condition=~Q(school_name="")),
            models.CheckConstraint(name="site_check_address_not_blank", condition=~Q(address="")),
            models.CheckConstraint(name="site_check_failed_needs_note", condition=Q(passed=True) | ~Q(note="")),
        ]
        indexes = [models.Index(fields=["street_union", "policy_year", "checked_at"])]

    def __str__(self):
        return f"{self.school_name}（{'通过' if self.passed else '未通过'}）"


class WorkerSchool(models.Model):
    street_union = models.ForeignKey(
        Organisation, verbose_name=_("街镇总工会"), on_delete=models.PROTECT, related_name="worker_schools"
    )
    name = models.CharField(_("学堂名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    built_on = models.DateField(_("建立日期"))
    asset_spend = models.DecimalField(_("购置固定资产及物品金额（元）"), max_digits=12, decimal_places=2)
    on_site_checked_at = models.DateTimeField(_("实地审核时间"))
    on_site_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("实地审核人"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.OneToOneField(
        Application, verbose_name=_("批准的申请"), on_delete=models.PROTECT, related_name="worker_school"
    )
    is_open = models.BooleanField(_("开办中"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("职工学堂变更记录"))

    class Meta:
        verbose_name = _("上海职工学堂")
        verbose_name_plural = _("上海职工学堂")
        ordering = ["street_union__code", "name"]
        constraints = [
            models.CheckConstraint(name="worker_school_name_not_blank", condition=~Q(name="")),
            models.CheckConstraint(name="worker_school_asset_spend_not_negative", condition=Q(asset_spend__gte=0)),
        ]
        indexes = [models.Index(fields=["is_open", "street_union"])]

    def __str__(self):
        return self.name
