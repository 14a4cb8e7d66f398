"""职工健康服务点 (2021 “建立园区（楼宇、商圈）职工健康服务点”): the points and their schedule.

A point is created by its street/town union with the community health centre to
the “四固三定” standard; its ServiceEvents are the scheduled consultations,
patrols and lectures. The numbers of the standard (half-days a week, patrols a
month, lectures a year, the 1–2 week notice) live in the rules module
(health_service_point), never here.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Organisation, OrganisationLevel

phone_validator = RegexValidator(
    r"^[0-9][0-9-]{3,18}[0-9]$", _("请填写有效的联系电话，例如 021-59991234 或 13912345678。")
)


class AreaKind(models.TextChoices):
    PARK = "park", _("产业园区")
    BUILDING = "building", _("楼宇")
    BUSINESS_DISTRICT = "business_district", _("商圈")


class ExistingResource(models.TextChoices):
    """（一）固定场所：依托党群服务站、职工服务站、职工书屋、爱心妈咪小屋、户外职工爱心接力站等现有资源."""

    PARTY_SERVICE_STATION = "party_service_station", _("党群服务站")
    WORKER_SERVICE_STATION = "worker_service_station", _("职工服务站")
    READING_ROOM = "reading_room", _("职工书屋")
    MOMMY_ROOM = "mommy_room", _("爱心妈咪小屋")
    OUTDOOR_CARE_STATION = "outdoor_care_station", _("户外职工爱心接力站")


class HealthServicePoint(models.Model):
    street = models.ForeignKey(
        Organisation,
        verbose_name=_("所属街镇"),
        on_delete=models.PROTECT,
        related_name="health_points",
        limit_choices_to={"level": OrganisationLevel.STREET},
    )
    name = models.CharField(_("服务点名称"), max_length=100)
    address = models.CharField(_("服务点地址"), max_length=200)
    area_kind = models.CharField(_("服务区域类型"), max_length=24, choices=AreaKind.choices)
    area_served = models.CharField(
        _("服务区域"), max_length=200, help_text=_("服务的园区、楼宇或商圈，例如：嘉定工业区北区")
    )
    built_on = models.CharField(_("依托的现有资源"), max_length=32, choices=ExistingResource.choices, blank=True)
    community_health_centre = models.CharField(_("对口社区卫生服务中心"), max_length=100)
    agreement_signed_on = models.DateField(
        _("合作协议签订日期"), null=True, blank=True, help_text=_("街镇工会与对口社区卫生服务中心签订合作协议的日期")
    )
    gp_team = models.CharField(_("派驻全科（家庭）医生（团队）"), max_length=200, blank=True)
    manager = models.CharField(_("管理人员"), max_length=50, blank=True)
    appointment_phone = models.CharField(
        _("预约电话"),
        max_length=20,
        blank=True,
        validators=[phone_validator],
        help_text=_("定期问诊采取预约制：职工拨打此电话预约"),
    )
    in_cluster_area = models.BooleanField(_("位于企业、职工集中的园区、楼宇或商圈"), default=True)
    has_private_area = models.BooleanField(_("划定相对私密、固定的独立区域"), default=False)
    has_basic_equipment = models.BooleanField(_("配备日常诊疗设备"), default=False)
    offers_consultation_services = models.BooleanField(_("提供体检报告解读、健康咨询及疾病预防知识普及"), default=True)
    consultation_exception_approved = models.BooleanField(_("问诊超出每周2个半天已获批准"), default=False)
    plaque_installed = models.BooleanField(_("“健康服务点”铭牌已挂牌"), default=False)
    service_notice_posted = models.BooleanField(_("《健康服务点服务公告》已上墙公示"), default=False)
    is_active = models.BooleanField(_("运行中"), default=True)
    history = HistoricalRecords(verbose_name=_("健康服务点变更记录"))

    class Meta:
        verbose_name = _("职工健康服务点")
        verbose_name_plural = _("职工健康服务点")
        ordering = ["street__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"],
                name="health_point_name_unique_in_street",
                violation_error_message=_("本街镇已有同名的健康服务点。"),
            ),
        ]
        indexes = [models.Index(fields=["is_active", "street"])]

    def __str__(self):
        return self.name


class EventKind(models.TextChoices):
    CONSULTATION = "consultation", _("定期问诊")
    PATROL = "patrol", _("巡诊")
    LECTURE = "lecture", _("讲座")


# Kinds whose time and place must be posted at the point 1–2 weeks ahead (创建标准（四）（五）).
NOTICED_KINDS = (EventKind.PATROL, EventKind.LECTURE)


class ServiceEvent(models.Model):
    point = models.ForeignKey(
        HealthServicePoint, verbose_name=_("服务点"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    topic = models.CharField(_("主题"), max_length=200, blank=True, help_text=_("讲座必填；巡诊可填写巡诊单位"))
    venue = models.CharField(_("地点"), max_length=200, blank=True, help_text=_("留空表示在服务点内"))
    doctor = models.CharField(_("医生或讲师"), max_length=100, blank=True)
    notice_posted_on = models.DateField(
        _("公示日期"), null=True, blank=True, help_text=_("巡诊、讲座信息在服务点显眼位置公示的日期（应提前1至2周）")
    )
    history = HistoricalRecords(verbose_name=_("服务安排变更记录"))

    class Meta:
        verbose_name = _("服务安排")
        verbose_name_plural = _("服务安排")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                name="service_event_ends_after_start",
                condition=Q(end_time__gt=F("start_time")),
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
            models.CheckConstraint(
                name="service_event_notice_not_after_event",
                condition=Q(notice_posted_on__isnull=True) | Q(notice_posted_on__lte=F("date")),
                violation_error_message=_("公示日期不能晚于活动日期。"),
            ),
            models.CheckConstraint(
                name="service_event_lecture_has_topic",
                condition=~Q(kind="lecture") | ~Q(topic=""),
                violation_error_message=_("讲座须填写主题。"),
            ),
            models.UniqueConstraint(
                fields=["point", "date", "start_time"],
                name="service_event_one_per_point_and_time",
                violation_error_message=_("该服务点在同一时间已有安排。"),
            ),
        ]
        indexes = [models.Index(fields=["date", "point"]), models.Index(fields=["point", "kind", "date"])]

    def __str__(self):
        return f"{self.point.name} {self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def needs_notice(self) -> bool:
        return self.kind in NOTICED_KINDS
