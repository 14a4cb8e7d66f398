"""“微心愿” (2021 “助力困难职工实现‘微心愿’”): the wishes the district publishes
once a member's application is verified (street) and approved (district), and
their way to fulfilment.

Privacy: a wish belongs to a hardship member; it is never shown on a public
page. Staff see wishes within their scope; the member sees their own.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Application


class WishCategory(models.TextChoices):
    # The rule's codes (subsidies/rules/micro_wishes.py CATEGORIES).
    ITEM = "item", _("实物类")
    SERVICE = "service", _("服务类")
    ACTIVITY = "offline_activity", _("线下活动类")


class WishStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已实现")


class MicroWish(models.Model):
    application = models.OneToOneField(
        Application, verbose_name=_("批准的申请"), on_delete=models.PROTECT, related_name="micro_wish"
    )
    category = models.CharField(_("心愿类别"), max_length=24, choices=WishCategory.choices)
    description = models.TextField(_("心愿内容"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=WishStatus.choices, default=WishStatus.OPEN)
    claimed_by = models.CharField(_("认领单位"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    fulfilled_on = models.DateField(_("实现日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("微心愿变更记录"))

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="micro_wish_category_valid", condition=Q(category__in=WishCategory.values)),
            # Each status carries exactly the facts of its step.
            models.CheckConstraint(
                name="micro_wish_status_facts",
                condition=Q(status="open", claimed_by="", claimed_at__isnull=True, fulfilled_on__isnull=True)
                | (Q(status="claimed", claimed_at__isnull=False, fulfilled_on__isnull=True) & ~Q(claimed_by=""))
                | (Q(status="fulfilled", claimed_at__isnull=False, fulfilled_on__isnull=False) & ~Q(claimed_by="")),
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.application.reference} · {self.get_category_display()}"
