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
    CLAUSE = "clause", _("条款")


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


class PolicyYearStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


def policy_document_path(instance, filename):
    import secrets

    return f"policy_years/{instance.year}/{secrets.token_hex(16)}{instance.document_extension or ''}"


class PolicyYear(models.Model):
    """A policy year district staff open from an existing one (subsidies.services.policy_year_open).

    Its data is the source year's data (`base_years`: the file years it is composed from, the first
    one first) plus its own edits (PolicyOverride rows of this year, copied from the source when it
    was opened and edited since), validated like the files. A draft is seen by district staff only;
    published, it is read-only and new applications use it from `effective_from`."""

    year = models.PositiveSmallIntegerField(_("政策年度"), unique=True)
    source_year = models.PositiveSmallIntegerField(_("沿用年度"))
    base_years = models.JSONField(_("数据来源年度"), default=list)
    rule_ids = models.JSONField(_("本年度规则"), default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=PolicyYearStatus.choices, default=PolicyYearStatus.DRAFT
    )
    note = models.CharField(_("说明"), max_length=120, blank=True, help_text=_("显示在每个项目页面上，如“演示年度”"))
    document_title = models.CharField(
        _("政策文件"), max_length=120, blank=True, help_text=_("本年度实事项目文件的名称，条款引用时显示")
    )
    document = models.FileField(_("文件附件"), upload_to=policy_document_path, max_length=200, blank=True)
    document_extension = models.CharField(max_length=8, blank=True, editable=False)
    document_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    opened_by = models.ForeignKey("members.User", verbose_name=_("开设人"), on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("开设时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        "members.User", verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("政策年度变更记录"))

    class Meta:
        verbose_name = _("政策年度")
        verbose_name_plural = _("政策年度")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="policy_year_published_has_date",
                condition=models.Q(status="draft") | models.Q(effective_from__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.year}年度（{self.get_status_display()}）"

    @property
    def is_draft(self) -> bool:
        return self.status == PolicyYearStatus.DRAFT
