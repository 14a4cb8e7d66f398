"""户外职工爱心接力站: the public registry of stations serving outdoor workers (2019 §5).

Each station belongs to a street/town (park, industry) union, whose staff keep it
current; the district sees and edits all. The services a station offers are the
eight the policy names, one boolean per service so the public list filters on
them with a plain indexed equality on every database.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation, OrganisationLevel


class CareService(models.TextChoices):
    """2019 §5 服务内容：饮水、避暑取暖、餐食加热、手机充电、电瓶车充电、应急救援、如厕和休息."""

    WATER = "water", _("饮水")
    COOLING_HEATING = "cooling_heating", _("避暑取暖")
    FOOD_HEATING = "food_heating", _("餐食加热")
    PHONE_CHARGING = "phone_charging", _("手机充电")
    EBIKE_CHARGING = "ebike_charging", _("电瓶车充电")
    EMERGENCY_HELP = "emergency_help", _("应急救援")
    TOILET = "toilet", _("如厕")
    REST = "rest", _("休息")


def service_field(code: str) -> str:
    """The CareStation boolean holding one service: water -> offers_water."""
    return f"offers_{code}"


SERVICE_FIELDS = {code: service_field(code) for code in CareService.values}

# Landlines (021-59991234), mobiles and hotlines (12351): digits with optional hyphens.
phone_validator = RegexValidator(
    r"^[0-9][0-9-]{3,18}[0-9]$", _("请填写有效的联系电话，例如 021-59991234 或 13912345678。")
)


class CareStation(models.Model):
    name = models.CharField(_("站点名称"), max_length=100)
    street = models.ForeignKey(
        Organisation,
        verbose_name=_("所属街镇"),
        on_delete=models.PROTECT,
        related_name="care_stations",
        limit_choices_to={"level": OrganisationLevel.STREET},
        help_text=_("负责维护本站点的街镇（园区、行业）工会。"),
    )
    address = models.CharField(_("地址"), max_length=200)
    offers_water = models.BooleanField(_("饮水"), default=False)
    offers_cooling_heating = models.BooleanField(_("避暑取暖"), default=False)
    offers_food_heating = models.BooleanField(_("餐食加热"), default=False)
    offers_phone_charging = models.BooleanField(_("手机充电"), default=False)
    offers_ebike_charging = models.BooleanField(_("电瓶车充电"), default=False)
    offers_emergency_help = models.BooleanField(_("应急救援"), default=False)
    offers_toilet = models.BooleanField(_("如厕"), default=False)
    offers_rest = models.BooleanField(_("休息"), default=False)
    opening_hours = models.CharField(_("开放时间"), max_length=100, help_text=_("例如：每天 7:00—21:00，或 24小时开放"))
    contact_phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_active = models.BooleanField(_("开放中"), default=True, help_text=_("停用的站点不在公开列表中显示。"))
    history = HistoricalRecords(verbose_name=_("爱心接力站变更记录"))

    class Meta:
        verbose_name = _("户外职工爱心接力站")
        verbose_name_plural = _("户外职工爱心接力站")
        ordering = ["street__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"],
                name="care_station_name_unique_in_street",
                violation_error_message=_("本街镇已有同名的爱心接力站。"),
            ),
            models.CheckConstraint(
                name="care_station_offers_a_service",
                condition=Q(offers_water=True)
                | Q(offers_cooling_heating=True)
                | Q(offers_food_heating=True)
                | Q(offers_phone_charging=True)
                | Q(offers_ebike_charging=True)
                | Q(offers_emergency_help=True)
                | Q(offers_toilet=True)
                | Q(offers_rest=True),
                violation_error_message=_("请至少选择一项服务内容。"),
            ),
            models.CheckConstraint(
                name="care_station_coordinates_together",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                violation_error_message=_("经度和纬度须同时填写或同时留空。"),
            ),
            models.CheckConstraint(
                name="care_station_coordinates_in_range",
                condition=(Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90))
                & (Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180)),
            ),
        ]
        indexes = [models.Index(fields=["is_active", "street"])]

    def __str__(self):
        return self.name

    @property
    def services(self) -> list[CareService]:
        """The services offered, in the policy's order."""
        return [CareService(code) for code, field in SERVICE_FIELDS.items() if getattr(self, field)]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
