"""Sanitation workers' insurance (2019 §15 环卫职工“送保障”): the unit's roster.

The unit applies with a roster spreadsheet; on submission its rows become RosterEntry
rows (projects/sanitation/services.roster_import). ID numbers are shown masked everywhere.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.identity import mask_id_number
from members.validators import validate_id_number
from projects.models import Application


class RosterEntry(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="roster_entries"
    )
    row_number = models.PositiveIntegerField(_("名册行号"))
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18, validators=[validate_id_number])
    pays_social_insurance = models.BooleanField(_("正常缴纳社保"), default=True)

    class Meta:
        verbose_name = _("参保职工")
        verbose_name_plural = _("参保职工")
        ordering = ["application", "row_number"]
        indexes = [models.Index(fields=["id_number"])]
        constraints = [
            models.UniqueConstraint(fields=["application", "row_number"], name="roster_entry_row_once"),
            models.UniqueConstraint(
                fields=["application", "id_number"],
                name="roster_entry_worker_once",
                violation_error_message=_("同一名册中同一职工只能出现一次（每人1份）。"),
            ),
            # §15 送保障对象: 正常缴纳社保的在职职工 — nobody else is stored.
            models.CheckConstraint(name="roster_entry_pays_social_insurance", condition=Q(pays_social_insurance=True)),
            models.CheckConstraint(name="roster_entry_below_header", condition=Q(row_number__gte=2)),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class SanitationRoster(Application):
    """A sanitation_worker_insurance application seen as its roster (the admin's view of the entries)."""

    class Meta:
        proxy = True
        verbose_name = _("环卫职工参保名册")
        verbose_name_plural = _("环卫职工参保名册")


# The proxy shares Application's history; simple-history looks its manager up on each model's _meta.
SanitationRoster._meta.simple_history_manager_attribute = Application._meta.simple_history_manager_attribute
