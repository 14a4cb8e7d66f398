"""The one application core every service project uses.

An Application freezes the applicant's facts and the rules' Decision at
submission; its status moves only through projects.workflow's transition
table, each move recorded as an ApplicationEvent. Quotas are counters updated
with a conditional UPDATE, so concurrent requests can never overbook them.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Organisation


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    GRASSROOTS_REVIEW = "grassroots_review", _("待基层工会初审")
    STREET_REVIEW = "street_review", _("待街镇工会审核")
    DISTRICT_INTAKE = "district_intake", _("待区总工会受理")
    DISTRICT_REVIEW = "district_review", _("待区总工会审核")
    CITY_REVIEW = "city_review", _("待市总工会终审")
    APPROVED = "approved", _("已批准")
    # History: a batch held its applications by this status until its ledger rows held them (2026-12).
    BATCHED = "batched", _("已纳入给付批次")
    PAID = "paid", _("已给付")
    # Reconciliation found the payment failed or returned: the money did not arrive, a new batch pays it.
    PAYMENT_FAILED = "payment_failed", _("支付失败，待重新给付")
    CLOSED = "closed", _("已办结")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReviewLevel(models.TextChoices):
    GRASSROOTS = "grassroots", _("基层工会")
    STREET = "street", _("街镇工会")
    # 受理: a step of its own before the district's review where a document names one (2019 §3 legal aid:
    # “完成受理、审核、指派”); held by district staff like the review.
    DISTRICT_INTAKE = "district_intake", _("区总工会受理")
    DISTRICT = "district", _("区总工会")
    CITY = "city", _("市总工会")


# Statuses in which an application still holds its place (quota, once-a-year key).
INACTIVE_STATUSES = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED)
# Decided in the applicant's favour: approved, waiting in a payout batch, paid (or its payment failed and
# waits to be paid again), or closed after that.
GRANTED_STATUSES = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.BATCHED,
    ApplicationStatus.PAID,
    ApplicationStatus.PAYMENT_FAILED,
    ApplicationStatus.CLOSED,
)
# Granted and the money not yet arrived: what payout due dates, overdue lists and reminders count.
UNPAID_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.BATCHED, ApplicationStatus.PAYMENT_FAILED)


class Offering(models.Model):
    """A dated offering with places: a sanatorium departure, a singles event, a class,
    a screening, a counselling slot. Its places are a QuotaPool; its facts (e.g. the plan,
    the event date) are fixed for everyone who books it."""

    project = models.CharField(_("服务项目"), max_length=32, db_index=True)
    rule_id = models.CharField(_("规则"), max_length=64)
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    title = models.CharField(_("名称"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("主办工会"), on_delete=models.PROTECT, related_name="offerings"
    )
    quota = models.OneToOneField("QuotaPool", verbose_name=_("名额"), on_delete=models.PROTECT, related_name="offering")
    facts = models.JSONField(
        _("固定事实"), default=dict, blank=True, help_text=_("报名者共用的事实，如体检计划、活动日期")
    )
    is_open = models.BooleanField(_("开放报名"), default=True)
    notes = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords(verbose_name=_("场次变更记录"))

    class Meta:
        verbose_name = _("场次")
        verbose_name_plural = _("场次")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["rule_id", "policy_year", "is_open", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                name="offering_ends_after_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
            ),
        ]

    def __str__(self):
        return f"{self.title}（{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}）"


class Application(models.Model):
    # Indexes: no index names status, status_changed_at, paid_at or updated_at (not as a column, not
    # in a condition), and the table keeps room on each page (fillfactor, migration 0016), so a status
    # change (a payout batch moves 100,000 rows at once, twice) is a HOT update: the row's new version
    # on its own page, no index touched. The once-only key is unique on `dedup_holding`, a stored
    # column that is the key while the application holds its place and NULL once withdrawn or
    # rejected (a payout step leaves it as it was). Queues filter status over the order indexes
    # ((street|organisation,) -submitted_at, -id); overdue payouts use the payout_due index. The
    # project and the member, organisation and street foreign keys have no index of their own:
    # (project, policy_year), (applicant_member, -created_at), (organisation, -submitted_at, -id)
    # and (street, -submitted_at, -id) start with them.
    # NULL until the row has a pk to number it from; unique once set.
    reference = models.CharField(_("申请编号"), max_length=24, unique=True, null=True, editable=False)  # noqa: DJ001
    project = models.CharField(_("服务项目"), max_length=32)
    rule_id = models.CharField(_("规则"), max_length=64)
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    applicant_member = models.ForeignKey(
        Member,
        verbose_name=_("申请会员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,
    )
    applicant_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("申请组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # Scope: the organisation and street/town the application belongs to (see members.selectors.Scope).
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    street = models.ForeignKey(
        Organisation,
        verbose_name=_("所属街镇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    offering = models.ForeignKey(
        Offering, verbose_name=_("场次"), null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    review_chain = models.JSONField(_("审核流程"), default=list)
    facts = models.JSONField(_("申请事实"), default=dict)
    decision = models.JSONField(_("规则判定"), default=dict)
    # Who established each fact: {"name": {"source": "record" | "applicant" | "reviewer", "level", "by", "at"}}.
    fact_sources = models.JSONField(_("事实来源"), default=dict, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, default=0)
    payout_due = models.DateField(_("给付期限"), null=True, blank=True)
    # "once a year", "one share per period": unique among applications still holding their place.
    dedup_key = models.CharField(_("唯一性键"), max_length=120, null=True, blank=True, editable=False)  # noqa: DJ001
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("审结时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("给付时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The once-only key while the application holds its place (unique: application_once_per_key).
    dedup_holding = models.GeneratedField(
        verbose_name=_("占用中的唯一性键"),
        expression=Case(
            When(status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED], then=Value(None)),
            default=F("dedup_key"),
        ),
        output_field=models.CharField(max_length=120, null=True),  # noqa: DJ001
        db_persist=True,
        editable=False,
    )
    # The history: by application (id), by date and actor; no index on the copied foreign keys and
    # reference (each payout step writes 100,000 history rows; nothing looks history up by them).
    # history_user without a database constraint either: each payout step writes 100,000 history
    # rows whose deferred key checks ran at the commit, one look-up of the (never deleted) staff
    # account each; the account is set from request.user / the batch's confirmed_by.
    history = HistoricalRecords(
        verbose_name=_("申请变更记录"),
        excluded_fields=["updated_at", "dedup_holding"],
        user_db_constraint=False,
        no_db_index=[
            "reference",
            "applicant_member",
            "applicant_organisation",
            "organisation",
            "street",
            "offering",
            "created_by",
        ],
    )

    class Meta:
        verbose_name = _("申请")
        verbose_name_plural = _("申请")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="application_one_applicant",
                condition=Q(applicant_member__isnull=False, applicant_organisation__isnull=True)
                | Q(applicant_member__isnull=True, applicant_organisation__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["rule_id", "dedup_holding"],
                condition=Q(dedup_holding__isnull=False),
                name="application_once_per_key",
                violation_error_message=_("已有同一项目的有效申请，不能重复申请。"),
            ),
            models.CheckConstraint(name="application_amount_not_negative", condition=Q(amount__gte=0)),
        ]
        indexes = [
            models.Index(fields=["project", "policy_year"], name="application_project_year"),
            models.Index(fields=["applicant_member", "-created_at"]),
            models.Index(fields=["payout_due"], condition=Q(payout_due__isnull=False), name="application_payout_due"),
            # The review changelist's default order, per scope (district, street, grassroots).
            models.Index(fields=["-submitted_at", "-id"], name="application_submitted_desc"),
            models.Index(fields=["street", "-submitted_at", "-id"], name="application_street_submitted"),
            models.Index(fields=["organisation", "-submitted_at", "-id"], name="application_org_submitted"),
        ]

    def __str__(self):
        return self.reference or f"草稿 #{self.pk}"

    @property
    def applicant_name(self) -> str:
        return self.applicant_member.name if self.applicant_member_id else self.applicant_organisation.name

    @property
    def is_active(self) -> bool:
        return self.status not in INACTIVE_STATUSES


class ApplicationShare(models.Model):
    """The frozen Decision's split by payer, one row per payer, for totals by payer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="shares")
    payer = models.CharField(_("出资方"), max_length=24)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("出资构成")
        verbose_name_plural = _("出资构成")
        constraints = [
            models.UniqueConstraint(fields=["application", "payer"], name="application_share_once_per_payer"),
            models.CheckConstraint(name="application_share_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.payer} {self.amount}"


class ApplicationEvent(models.Model):
    """One step of the timeline: who did what, when, from which status to which."""

    # No index of its own: (application, created_at) starts with it. The timeline is append-only and
    # applications and accounts are never deleted (Django's own cascade still runs if one ever is),
    # so neither key has a database constraint: a payout step writes 100,000 events at once and
    # their deferred key checks (one look-up each, at the commit) cost more than the INSERT.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", db_index=False, db_constraint=False
    )
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=24, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=24, choices=ApplicationStatus.choices, blank=True)
    level = models.CharField(_("审核层级"), max_length=16, choices=ReviewLevel.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # nothing looks events up by actor alone (the timeline is by application)
    )
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("申请记录")
        verbose_name_plural = _("申请记录")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self):
        return f"{self.action} {self.from_status}→{self.to_status}"


class AttachmentKind(models.TextChoices):
    CERTIFICATE = "certificate", _("证书")
    AGREEMENT = "agreement", _("协议")
    INVOICE = "invoice", _("票据")
    ROSTER = "roster", _("名册")
    MEDICAL = "medical", _("医疗证明")
    PHOTO = "photo", _("照片")
    OTHER = "other", _("其他材料")


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random stored name: nothing about the member or the original file leaks into the path.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("材料类型"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class QuotaPool(models.Model):
    """A number of places (D/E/F check-ups, reading rooms, a offering's seats, a street's legal check-ups)."""

    key = models.CharField(_("名额键"), max_length=120, unique=True)
    project = models.CharField(_("服务项目"), max_length=32)
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    label = models.CharField(_("名称"), max_length=100)
    capacity = models.PositiveIntegerField(_("名额"))
    taken = models.PositiveIntegerField(_("已用"), default=0)
    # First come, first served (先到先得): from `opens_at`, requests join an ordered queue (Redis) and
    # a worker allocates places in arrival order (projects.services.queue). Before it, bookings are refused.
    first_come = models.BooleanField(
        _("先到先得"), default=False, help_text=_("开放后提交的预约按到达顺序排队，依次分配名额")
    )
    opens_at = models.DateTimeField(
        _("开放预约时间"), null=True, blank=True, help_text=_("此前不受理预约；页面倒计时，到点即可提交")
    )
    # Capacity edits are audited; the taken counter moves by conditional UPDATE and is reconstructible from claims.
    history = HistoricalRecords(verbose_name=_("名额变更记录"), excluded_fields=["taken"])

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        ordering = ["project", "key"]
        constraints = [
            models.CheckConstraint(name="quota_not_overbooked", condition=Q(taken__lte=models.F("capacity"))),
        ]

    def __str__(self):
        return f"{self.label}（{self.taken}/{self.capacity}）"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.taken, 0)


class QuotaClaim(models.Model):
    pool = models.ForeignKey(QuotaPool, on_delete=models.PROTECT, related_name="claims")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="quota_claims")
    places = models.PositiveIntegerField(_("占用名额"), default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("名额占用")
        verbose_name_plural = _("名额占用")
        constraints = [
            models.UniqueConstraint(fields=["pool", "application"], name="quota_claim_once_per_application"),
        ]

    def __str__(self):
        return f"{self.pool.key} × {self.places}"


class QueueOutcome(models.TextChoices):
    ALLOCATED = "allocated", _("已分配")
    REFUSED = "refused", _("未分配")


class QueuedBooking(models.Model):
    """The outcome of one request that queued for a first-come pool, written in the allocator's
    batch transaction: a request is allocated at most once (unique pool + ticket), and a worker
    that dies after the commit skips it when it resumes."""

    pool = models.ForeignKey(QuotaPool, verbose_name=_("名额"), on_delete=models.PROTECT, related_name="queued")
    ticket = models.PositiveBigIntegerField(_("排队序号"))  # arrival order in the pool's queue
    arrived_at = models.DateTimeField(_("到达时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.PROTECT, related_name="+"
    )
    rule_id = models.CharField(_("规则"), max_length=64)
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    offering = models.ForeignKey(
        Offering, verbose_name=_("场次"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facts = models.JSONField(_("填写内容"), default=dict)
    outcome = models.CharField(_("结果"), max_length=16, choices=QueueOutcome.choices)
    application = models.ForeignKey(
        Application, verbose_name=_("申请"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.CharField(_("说明"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), default=timezone.now)

    class Meta:
        verbose_name = _("排队预约")
        verbose_name_plural = _("排队预约")
        ordering = ["pool", "ticket"]
        constraints = [models.UniqueConstraint(fields=["pool", "ticket"], name="queued_booking_once_per_ticket")]
        indexes = [models.Index(fields=["user", "pool", "-ticket"])]

    def __str__(self):
        return f"{self.pool.key} #{self.ticket}"


class Notification(models.Model):
    # No index of its own: (recipient, read_at, -created_at) starts with it. No database constraint on
    # either key (append-only, written 100,000 at a time by a payout step; accounts and applications
    # are never deleted, and Django's cascade still runs if one ever is): ApplicationEvent.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
        db_constraint=False,
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # Where the recipient acts (a reminder's page); without it the inbox links the application.
    link = models.CharField(_("办理入口"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self):
        return self.title
