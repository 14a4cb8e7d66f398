"""Legal aid (2019 §3) and legal check-ups (2021 「法律体检」).

Legal aid: a member's application, once the district's legal-aid centre has accepted and
reviewed it (approved), becomes a LegalAidCase to assign to a centre and a lawyer and later
close with an outcome. Legal check-ups: an enterprise's approved application becomes a
LegalCheckupRecord that follows the policy's phases. The per-street check-up places are
QuotaPools (LegalCheckupAllocation is their admin view).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation
from projects.models import Application, QuotaPool

PHONE_VALIDATOR = RegexValidator(r"^[0-9\-]{7,20}$", _("电话号码只能包含数字和连字符（7—20位）。"))
LICENCE_VALIDATOR = RegexValidator(r"^[0-9]{17}$", _("律师执业证号为17位数字。"))


class CentreKind(models.TextChoices):
    DISTRICT_CENTRE = "district_centre", _("区总工会职工法律援助中心")
    STREET_BRANCH = "street_branch", _("街镇分中心")
    COURT_WINDOW = "court_window", _("区法院工会职工法律援助接待窗口")
    ARBITRATION_WINDOW = "arbitration_window", _("区仲裁院工会职工法律援助接待窗口")


class LegalAidCentre(models.Model):
    """Where members apply (2019 §3 申请程序): the centre, its street/town branches, the court and arbitration windows."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=24, choices=CentreKind.choices)
    street = models.ForeignKey(
        Organisation,
        verbose_name=_("所在街镇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_aid_centres",
        limit_choices_to={"level": "street"},
        help_text=_("仅街镇分中心填写。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True, validators=[PHONE_VALIDATOR])
    is_active = models.BooleanField(_("有效"), default=True)
    history = HistoricalRecords(verbose_name=_("法律援助中心变更记录"))

    class Meta:
        verbose_name = _("法律援助中心（窗口）")
        verbose_name_plural = _("法律援助中心（窗口）")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="legal_aid_centre_street_only_for_branches",
                condition=Q(kind="street_branch", street__isnull=False)
                | (~Q(kind="street_branch") & Q(street__isnull=True)),
                violation_error_message=_("街镇分中心须选择所在街镇；其他类别不填街镇。"),
            ),
            models.UniqueConstraint(
                fields=["street"],
                condition=Q(kind="street_branch"),
                name="legal_aid_centre_one_branch_per_street",
                violation_error_message=_("该街镇已有法律援助分中心。"),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=~Q(kind="street_branch"),
                name="legal_aid_centre_one_of_each_kind",
                violation_error_message=_("区法律援助中心、法院窗口和仲裁院窗口各只有一个。"),
            ),
        ]

    def __str__(self):
        return self.name


class Lawyer(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    centre = models.ForeignKey(
        LegalAidCentre, verbose_name=_("所属中心（窗口）"), on_delete=models.PROTECT, related_name="lawyers"
    )
    phone = models.CharField(_("电话"), max_length=20, blank=True, validators=[PHONE_VALIDATOR])
    licence_number = models.CharField(
        _("律师执业证号"),
        max_length=17,
        unique=True,
        validators=[LICENCE_VALIDATOR],
        error_messages={"unique": _("该执业证号已登记。")},
    )
    is_active = models.BooleanField(_("有效"), default=True)
    history = HistoricalRecords(verbose_name=_("律师变更记录"))

    class Meta:
        verbose_name = _("援助律师")
        verbose_name_plural = _("援助律师")
        ordering = ["centre", "name"]
        indexes = [models.Index(fields=["centre", "is_active"])]

    def __str__(self):
        return f"{self.name}（{self.centre}）"


class CaseStatus(models.TextChoices):
    AWAITING = "awaiting", _("待指派")
    ASSIGNED = "assigned", _("已指派")
    CLOSED = "closed", _("已结案")


class CaseOutcome(models.TextChoices):
    MEDIATED = "mediated", _("调解结案")
    SETTLED = "settled", _("和解结案")
    ARBITRATION_AWARD = "arbitration_award", _("仲裁裁决")
    JUDGMENT = "judgment", _("诉讼判决")
    ADVICE_GIVEN = "advice_given", _("提供法律咨询、代书等非诉服务")
    TERMINATED = "terminated", _("终止援助（职工撤回等）")


class LegalAidCase(models.Model):
    """An approved legal-aid application (受理、审核 done) waiting for, or with, its assignment (指派)."""

    application = models.OneToOneField(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="legal_aid_case"
    )
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.AWAITING)
    accepted_at = models.DateTimeField(_("受理审核通过时间"), default=timezone.now)
    centre = models.ForeignKey(
        LegalAidCentre,
        verbose_name=_("承办中心（窗口）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("承办律师"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指派人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("结案结果"), max_length=24, choices=CaseOutcome.choices, blank=True)
    outcome_notes = models.TextField(_("结案说明"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结案人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name=_("法律援助案件变更记录"))

    class Meta:
        verbose_name = _("法律援助案件")
        verbose_name_plural = _("法律援助案件")
        ordering = ["accepted_at", "pk"]
        indexes = [
            models.Index(fields=["status", "accepted_at"]),
            models.Index(fields=["centre", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="legal_aid_case_fields_match_status",
                condition=(
                    Q(
                        status="awaiting",
                        lawyer__isnull=True,
                        assigned_at__isnull=True,
                        outcome="",
                        closed_at__isnull=True,
                    )
                    | Q(
                        status="assigned",
                        centre__isnull=False,
                        lawyer__isnull=False,
                        assigned_at__isnull=False,
                        outcome="",
                        closed_at__isnull=True,
                    )
                    | (
                        Q(
                            status="closed",
                            centre__isnull=False,
                            lawyer__isnull=False,
                            assigned_at__isnull=False,
                            closed_at__isnull=False,
                        )
                        & ~Q(outcome="")
                    )
                ),
            ),
            models.CheckConstraint(
                name="legal_aid_case_assigned_after_accepted",
                condition=Q(assigned_at__isnull=True) | Q(assigned_at__gte=models.F("accepted_at")),
            ),
            models.CheckConstraint(
                name="legal_aid_case_closed_after_assigned",
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("assigned_at")),
            ),
        ]

    def __str__(self):
        return f"{self.application.reference} {self.get_status_display()}"


class CheckupPhase(models.TextChoices):
    """The phases of 2021 「法律体检」一、实施时间 (keys of the legal_checkup_phases table)."""

    TRAINING = "training", _("开展培训")
    IMPLEMENTATION = "implementation", _("具体实施")
    EVALUATION = "evaluation", _("总结评估")


PHASE_ORDER = [CheckupPhase.TRAINING, CheckupPhase.IMPLEMENTATION, CheckupPhase.EVALUATION]


class LegalCheckupRecord(models.Model):
    """An enterprise on the check-up list (approved application), followed through the phases."""

    application = models.OneToOneField(
        Application, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="legal_checkup_record"
    )
    phase = models.CharField(_("阶段"), max_length=16, choices=CheckupPhase.choices, default=CheckupPhase.TRAINING)
    provider = models.CharField(_("第三方服务机构"), max_length=100, blank=True)
    findings = models.TextField(
        _("体检发现和建议"),
        blank=True,
        help_text=_("用工制度、劳动合同、集体合同的风险点，组建工会、集体协商、职代会的指导意见等。"),
    )
    created_at = models.DateTimeField(_("列入名单时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后更新人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(verbose_name=_("法律体检记录变更记录"))

    class Meta:
        verbose_name = _("法律体检记录")
        verbose_name_plural = _("法律体检记录")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["phase", "completed_at"])]
        constraints = [
            models.CheckConstraint(
                name="legal_checkup_completed_after_evaluation",
                condition=Q(completed_at__isnull=True) | (Q(phase="evaluation") & ~Q(findings="")),
            ),
        ]

    def __str__(self):
        return f"{self.application.reference} {self.get_phase_display()}"


class LegalCheckupAllocation(QuotaPool):
    """The check-up places the district allocates to one street/town (a QuotaPool keyed
    legal_checkup:<year>:street:<code>). Changed only through services.legal_checkup_allocate."""

    class Meta:
        proxy = True
        verbose_name = _("法律体检街镇名额")
        verbose_name_plural = _("法律体检街镇名额")


# The proxy shares QuotaPool's history (capacity edits); simple-history looks its manager up on each model's _meta.
LegalCheckupAllocation._meta.simple_history_manager_attribute = QuotaPool._meta.simple_history_manager_attribute
