"""Database-side policy data: what district staff may edit.

The pure rules module ships defaults (subsidies/rules/data); these tables hold
district staff's current values, which the selectors pass back into the rules.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ReferenceSeries(models.TextChoices):
    MINIMUM_WAGE = "minimum_wage", _("上海市月最低工资标准")
    LOW_INCOME_PER_CAPITA = "low_income_per_capita", _("本市城乡低收入家庭人均可支配收入标准")


class ReferenceValue(models.Model):
    """One dated value of an external series the policies rely on (e.g. the minimum wage)."""

    series = models.CharField(_("数据项"), max_length=32, choices=ReferenceSeries.choices)
    effective_from = models.DateField(_("生效日期"))
    amount = models.DecimalField(
        _("数值（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("发布机关和文号"))
    history = HistoricalRecords(verbose_name=_("外部参考数据变更记录"))

    class Meta:
        verbose_name = _("外部参考数据")
        verbose_name_plural = _("外部参考数据")
        ordering = ["series", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "effective_from"],
                name="reference_value_unique_per_date",
                violation_error_message=_("该数据项在这一生效日期已有数值。"),
            ),
            models.CheckConstraint(name="reference_value_positive", condition=models.Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.get_series_display()} {self.effective_from}：{self.amount}"


class PolicyOverrideKind(models.TextChoices):
    PARAM = "param", _("参数")
    TABLE = "table", _("表")


class PolicyOverride(models.Model):
    """District staff's correction of one param or table of a policy year.

    The shipped data file stays as it is; the rules read the file with these
    overrides applied, validated by the same code that validates the files.
    """

    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    kind = models.CharField(_("类型"), max_length=8, choices=PolicyOverrideKind.choices)
    name = models.CharField(_("名称"), max_length=80)
    value = models.JSONField(_("数值"), help_text=_("参数为一个值；表为行的列表"))
    reason = models.CharField(_("修改依据"), max_length=300)
    updated_by = models.ForeignKey("members.User", verbose_name=_("修改人"), on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("政策表修改记录"))

    class Meta:
        verbose_name = _("政策参数与表")
        verbose_name_plural = _("政策参数与表")
        ordering = ["policy_year", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["policy_year", "kind", "name"], name="policy_override_once"),
        ]

    def __str__(self):
        from .policy_labels import param_label

        return f"{self.policy_year}年度{self.get_kind_display()}：{param_label(self.name)}"
