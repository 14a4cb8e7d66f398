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
                fields=["series", "effective_from"], name="reference_value_unique_per_date",
                violation_error_message=_("该数据项在这一生效日期已有数值。"),
            ),
            models.CheckConstraint(name="reference_value_positive", condition=models.Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.get_series_display()} {self.effective_from}：{self.amount}"
