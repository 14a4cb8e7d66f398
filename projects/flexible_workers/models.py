"""“五送” deliveries: what a street/town/park/industry union gave a flexible-worker member.

2021「灵活就业人员“五送”关爱」一（一）: for members who paid the 120 yuan annual dues in one go,
the street (park, industry) union delivers a check-up, a cooling gift, a warmth gift, training and
similar services, and the D-class coverage; the 120 yuan may take the form of a transport card,
phone card, online voucher, goods or a pickup voucher — never cash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Organisation
from projects.models import Application

CARE_RULE = "flexible_worker_care"


class ServiceKind(models.TextChoices):
    CHECKUP = "checkup", _("送健康体检")
    COOLING_GIFT = "cooling_gift", _("送清凉慰问品")
    WARMTH_GIFT = "warmth_gift", _("送温暖慰问品")
    SAFETY_TRAINING = "safety_training", _("送安全培训")
    LEGAL_AID = "legal_aid", _("送法律援助")
    SKILLS = "skills", _("送素质提升")
    SANATORIUM = "sanatorium", _("送职工疗休养")
    HARDSHIP_RELIEF = "hardship_relief", _("帮困送温暖")
    CULTURE_SPORTS = "culture_sports", _("送文体活动")
    COVERAGE_D = "coverage_d", _("送灵活就业群体专享保障（D类）")


# “安排一次健康体检”“每年…一份清凉慰问品”“每年…一份送温暖慰问品”“赠送一份D类保障”: once a year.
ONCE_A_YEAR = (ServiceKind.CHECKUP, ServiceKind.COOLING_GIFT, ServiceKind.WARMTH_GIFT, ServiceKind.COVERAGE_D)
# Gifts must record the form they took.
GIFT_KINDS = (ServiceKind.COOLING_GIFT, ServiceKind.WARMTH_GIFT)


class GiftForm(models.TextChoices):
    """The forms the 2021 text allows for the 120 yuan; cash is not one of them."""

    TRANSPORT_CARD = "transport_card", _("交通卡")
    PHONE_CARD = "phone_card", _("电话卡")
    ONLINE_VOUCHER = "online_voucher", _("网上购物平台的提货凭证")
    GOODS = "goods", _("实物")
    PICKUP_VOUCHER = "pickup_voucher", _("到指定地点领取确定物品的提货凭证")


class ServiceDelivery(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("“五送”登记"),
        on_delete=models.PROTECT,
        related_name="service_deliveries",
        limit_choices_to={"rule_id": CARE_RULE},
    )
    # Copied from the application: the member page and the scope filter are one indexed equality.
    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="service_deliveries", editable=False
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    street = models.ForeignKey(
        Organisation,
        verbose_name=_("服务工会（街镇、园区、行业）"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    kind = models.CharField(_("服务内容"), max_length=24, choices=ServiceKind.choices)
    delivered_on = models.DateField(_("服务日期"))
    gift_form = models.CharField(
        _("发放形式"), max_length=24, choices=GiftForm.choices, blank=True, help_text=_("慰问品必填；不可发放现金")
    )
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    history = HistoricalRecords(verbose_name=_("“五送”服务变更记录"))

    class Meta:
        verbose_name = _("“五送”服务记录")
        verbose_name_plural = _("“五送”服务记录")
        ordering = ["-delivered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="service_delivery_never_cash",
                condition=Q(gift_form__in=["", *GiftForm.values]),
                violation_error_message=_("不可发放现金。"),
            ),
            models.CheckConstraint(
                name="service_delivery_gift_has_form",
                condition=~Q(kind__in=GIFT_KINDS) | ~Q(gift_form=""),
                violation_error_message=_("慰问品须登记发放形式。"),
            ),
            models.CheckConstraint(name="service_delivery_kind_known", condition=Q(kind__in=ServiceKind.values)),
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=Q(kind__in=ONCE_A_YEAR),
                name="service_delivery_once_a_year",
                violation_error_message=_("本年度已登记该项服务。"),
            ),
        ]
        indexes = [
            models.Index(fields=["street", "kind", "delivered_on"]),
            models.Index(fields=["organisation", "kind", "delivered_on"]),
            models.Index(fields=["kind", "delivered_on"]),
            models.Index(fields=["member", "-delivered_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.delivered_on:%Y-%m-%d}"


class RealNameRegistration(models.Model):
    """2019 §4 参保方式（一）: a flexible worker who paid the 120 yuan dues in one go needs no enrolment —
    the industry or street (park) union registers the member on the 申工通 platform (name, ID number,
    phone, union organisation, industry) and coverage starts on the 1st of the month after the upload.
    The coverage application is created from this registration, never applied for by the member."""

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="real_name_registrations"
    )
    union = models.ForeignKey(Organisation, verbose_name=_("登记工会"), on_delete=models.PROTECT, related_name="+")
    # Scope: the member's street/town, like the member's own records.
    street = models.ForeignKey(
        Organisation, verbose_name=_("所属街镇"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    uploaded_on = models.DateField(_("上传“申工通”平台日期"))
    coverage = models.OneToOneField(
        Application,
        verbose_name=_("专享保障"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="real_name_registration",
        editable=False,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    history = HistoricalRecords(verbose_name=_("实名登记变更记录"))

    class Meta:
        verbose_name = _("灵活就业会员实名登记")
        verbose_name_plural = _("灵活就业会员实名登记")
        ordering = ["-uploaded_on", "-pk"]
        indexes = [models.Index(fields=["street", "-uploaded_on"])]

    def __str__(self):
        return f"{self.member.name}（{self.uploaded_on:%Y-%m-%d}）"
