"""Reminders (deadlines that reach the people they concern) and the outreach scan's findings
(政策找人: who is entitled and has not applied).

A Reminder row is the dedup: one per subject, recipient, kind and day (a unique constraint), so a
job run twice sends nothing twice; it is delivered once (sent_at). A Finding is one member × rule of
the year in force as the scan decided it; a ScanRun is the watermark of the incremental night.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Organisation


class ReminderKind(models.TextChoices):
    WINDOW_OPENING = "window_opening", _("申报期即将开始")
    WINDOW_CLOSING = "window_closing", _("申报期即将截止")
    APPLY_BY = "apply_by", _("申报截止日临近")
    CLAIM_DEADLINE = "claim_deadline", _("给付申请截止日临近")
    CHECKUP_DUE = "checkup_due", _("健康体检完成期限临近")
    COVERAGE_END = "coverage_end", _("保障期即将届满")
    REVIEW_WAITING = "review_waiting", _("申请等待审核")
    PAYOUT_DUE = "payout_due", _("给付期限临近或已过")
    NEW_ENTITLEMENT = "new_entitlement", _("新发现可申请的项目")


class Reminder(models.Model):
    subject = models.CharField(_("事由"), max_length=120)  # what it is about: a finding, an application, a level
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("提醒类型"), max_length=24, choices=ReminderKind.choices)
    day = models.DateField(_("提醒日期"))
    due = models.DateField(_("截止日期"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("办理页面"), max_length=300)
    for_staff = models.BooleanField(_("工作人员汇总"), default=False)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    channels = models.JSONField(_("发送渠道"), default=list, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "recipient", "kind", "day"], name="reminder_once_per_subject_recipient_kind_day"
            )
        ]
        indexes = [
            models.Index(fields=["day", "sent_at"]),
            models.Index(fields=["recipient", "-day"]),
        ]

    def __str__(self):
        return self.title


class ChannelPreference(models.Model):
    """How a person wants reminders besides the in-portal inbox (always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="reminder_channels"
    )
    email = models.BooleanField(_("电子邮件"), default=False)
    sms = models.BooleanField(_("手机短信"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("提醒方式")
        verbose_name_plural = _("提醒方式")

    def __str__(self):
        return str(self.user)


class FindingState(models.TextChoices):
    ELIGIBLE = "eligible", _("现在可以申请")
    NOT_YET_OPEN = "not_yet_open", _("申报期开始后可以申请")
    NEEDS_INFORMATION = "needs_information", _("提供材料后可以申请")
    NOT_ELIGIBLE = "not_eligible", _("不符合条件")


class Finding(models.Model):
    # A finding is derived (the next scan rewrites it) and a full scan writes one per member and rule,
    # millions of rows: no database foreign-key checks (three lookups per row written, a large part of
    # a full scan's time); Django's on_delete still removes a deleted member's or unit's findings, and
    # the scan drops those of inactive members. The member's own index is the unique key's prefix.
    member = models.ForeignKey(
        Member,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属工会"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    street = models.ForeignKey(
        Organisation,
        verbose_name=_("所属街镇"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    project = models.CharField(_("服务项目"), max_length=32)
    rule_id = models.CharField(_("规则"), max_length=64)
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    state = models.CharField(_("判定"), max_length=24, choices=FindingState.choices)
    applied = models.BooleanField(_("已申请"), default=False)
    window_opens = models.DateField(_("申报期开始"), null=True, blank=True)
    window_closes = models.DateField(_("申报期截止"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("判定时间"), default=timezone.now)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策找人结果")
        verbose_name_plural = _("政策找人结果")
        constraints = [models.UniqueConstraint(fields=["member", "rule_id"], name="finding_once_per_member_rule")]
        indexes = [
            models.Index(fields=["street", "project", "state"]),
            models.Index(fields=["organisation", "project", "state"]),
            models.Index(fields=["state", "applied", "window_closes"]),
        ]

    def __str__(self):
        from .selectors import rule_titles

        return f"{self.member.name}：{rule_titles().get(self.rule_id, self.project)}"


class ScanRun(models.Model):
    full = models.BooleanField(_("全量"), default=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    scan_day = models.DateField(_("判定日期"))
    members = models.PositiveIntegerField(_("判定会员数"), default=0)
    findings = models.PositiveIntegerField(_("写入结果数"), default=0)
    granted = models.PositiveIntegerField(_("免申即享创建数"), default=0)
    policy_version = models.JSONField(_("政策数据版本"), default=dict)
    planned = models.PositiveIntegerField(_("待判定会员数"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("政策找人运行")
        verbose_name_plural = _("政策找人运行")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"
