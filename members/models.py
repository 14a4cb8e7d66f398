"""Organisations (district → street/town → grassroots unit), members, staff.

Derived fields (birth date, sex, street) are filled by members.services, never
by save() overrides, so bulk loads and imports go through the same code.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from subsidies.rules.vocabulary import EMPLOYMENT_TYPES, FLEXIBLE_INDUSTRIES, MARITAL_STATUSES, UNIT_TYPES

from .identity import mask_id_number, mask_phone
from .validators import validate_card_number, validate_id_number, validate_phone


class OrganisationLevel(models.TextChoices):
    DISTRICT = "district", _("区总工会")
    STREET = "street", _("街镇工会")
    GRASSROOTS = "grassroots", _("基层工会")


class StreetKind(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道")
    TOWN = "town", _("镇")
    PARK = "park", _("园区")
    INDUSTRY = "industry", _("产业（行业）工会")


# 国民经济行业分类 GB/T 4754-2017, sections.
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
}


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Organisation(models.Model):
    """A union organisation. Grassroots organisations are units (单位) with their union."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=OrganisationLevel.choices)
    street_kind = models.CharField(_("街镇类别"), max_length=16, choices=StreetKind.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级工会"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Denormalised street/town ancestor (self for a street) so scope filters are one indexed equality.
    street = models.ForeignKey(
        "self", verbose_name=_("所属街镇"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_type = models.CharField(_("单位性质"), max_length=24, choices=list(UNIT_TYPES.items()), blank=True)
    industry = models.CharField(_("所属行业"), max_length=1, choices=list(INDUSTRY_SECTIONS.items()), blank=True)
    employee_count = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    union_established = models.BooleanField(_("已建立工会"), default=True)
    is_sanitation_operator = models.BooleanField(_("环卫作业企业"), default=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    history = HistoricalRecords(verbose_name=_("工会组织变更记录"))

    objects = OrganisationManager()

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="organisation_parent_by_level",
                condition=Q(level="district", parent__isnull=True) | (~Q(level="district") & Q(parent__isnull=False)),
            ),
            models.CheckConstraint(
                name="organisation_street_kind_only_for_streets",
                condition=Q(level="street") | Q(street_kind=""),
            ),
        ]
        indexes = [
            models.Index(fields=["level", "street"]),
            models.Index(fields=["name"], name="organisation_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class StaffRole(models.TextChoices):
    MEMBER = "member", _("会员")
    GRASSROOTS = "grassroots", _("基层工会工作人员")
    STREET = "street", _("街镇工会工作人员")
    DISTRICT = "district", _("区总工会工作人员")


# Which organisation level each staff role belongs to.
ROLE_LEVEL = {
    StaffRole.GRASSROOTS: OrganisationLevel.GRASSROOTS,
    StaffRole.STREET: OrganisationLevel.STREET,
    StaffRole.DISTRICT: OrganisationLevel.DISTRICT,
}


class User(AbstractUser):
    """Login account. Staff belong to one organisation with one role."""

    role = models.CharField(_("角色"), max_length=16, choices=StaffRole.choices, default=StaffRole.MEMBER)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    history = HistoricalRecords(verbose_name=_("用户变更记录"), excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_staff_role_has_organisation",
                condition=Q(role="member") | Q(organisation__isnull=False),
            ),
        ]


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Member(models.Model):
    card_number = models.CharField(
        _("会员服务卡号"),
        max_length=10,
        unique=True,
        validators=[validate_card_number],
        error_messages={"unique": _("该会员服务卡号已被登记。")},
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("身份证号码"),
        max_length=18,
        unique=True,
        validators=[validate_id_number],
        error_messages={"unique": _("该身份证号码已被登记。")},
    )
    # Last four characters of the ID number, indexed: staff search by them.
    id_number_last4 = models.CharField(_("身份证后四位"), max_length=4, db_index=True, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validate_phone])
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("单位的基层工会；灵活就业人员为所在街镇（园区、行业）工会。"),
    )
    street = models.ForeignKey(
        Organisation, verbose_name=_("所属街镇"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    employment_type = models.CharField(
        _("就业类型"), max_length=24, choices=list(EMPLOYMENT_TYPES.items()), default="employee"
    )
    flexible_industry = models.CharField(
        _("灵活就业行业"), max_length=32, choices=list(FLEXIBLE_INDUSTRIES.items()), blank=True
    )
    monthly_income = models.DecimalField(
        _("月平均收入（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    joined_union_on = models.DateField(_("入会日期"), null=True, blank=True)
    card_issued_on = models.DateField(_("会员服务卡生成日期"), null=True, blank=True)
    has_city_medical_insurance = models.BooleanField(_("享受本市职工基本医疗保险"), default=True)
    hardship_certified_by = models.ForeignKey(
        Organisation,
        verbose_name=_("困难职工认定工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certified_hardship_members",
    )
    hardship_certified_on = models.DateField(_("困难职工认定日期"), null=True, blank=True)
    marital_status = models.CharField(
        _("婚姻状况"), max_length=16, choices=list(MARITAL_STATUSES.items()), default="unknown"
    )
    user = models.OneToOneField(
        User, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("会员变更记录"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["card_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~Q(phone=""),
                name="member_phone_unique_when_set",
                violation_error_message=_("该手机号码已被其他会员登记。"),
            ),
            models.CheckConstraint(
                name="member_hardship_certified_together",
                condition=Q(hardship_certified_by__isnull=True, hardship_certified_on__isnull=True)
                | Q(hardship_certified_by__isnull=False, hardship_certified_on__isnull=False),
            ),
            models.CheckConstraint(
                name="member_flexible_industry_only_for_flexible_workers",
                condition=Q(employment_type="flexible_worker") | Q(flexible_industry=""),
            ),
        ]
        indexes = [
            models.Index(fields=["street", "organisation"]),
            # Name prefixes (LIKE '张%') under PostgreSQL's default collation need the pattern opclass.
            models.Index(fields=["name"], name="member_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name}（{self.card_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_hardship(self) -> bool:
        return self.hardship_certified_by_id is not None


class DuesRecord(models.Model):
    """会费缴纳记录."""

    member = models.ForeignKey(Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="dues")
    year = models.PositiveSmallIntegerField(_("会费年度"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("缴纳日期"))
    paid_in_one_go = models.BooleanField(_("一次缴清全年会费"), default=False)
    history = HistoricalRecords(verbose_name=_("会费记录变更"))

    class Meta:
        verbose_name = _("会费记录")
        verbose_name_plural = _("会费记录")
        ordering = ["-paid_on"]
        indexes = [models.Index(fields=["member", "year"])]
        constraints = [
            models.CheckConstraint(name="dues_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.year} {self.amount}"


class PasswordResetCode(models.Model):
    """A one-time code sent by SMS to set (or first create) a member's portal password."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["member", "-created_at"])]

    def __str__(self):
        return f"{self.member_id} {self.created_at:%Y-%m-%d %H:%M}"


from .jobs import JobKind, JobStatus, SpreadsheetJob  # noqa: E402, F401  (imports and exports; members/jobs.py)
