"""Audit history in the admin: read-only for everyone, in words a clerk reads.

django-simple-history's version page is a model form that saves on POST (even with
SIMPLE_HISTORY_REVERT_DISABLED), so every history page here is rebuilt read-only:
the list of changes and one version's values, both formatted by `display_value`
(choice labels, related objects by name, local times, 是/否) and with the fields a
role may not read in full (national ID numbers) masked. Nothing here writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.text import capfirst
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from members.identity import mask_id_number

EMPTY = "—"
HISTORY_TYPES = {"+": "创建", "~": "修改", "-": "删除"}

# Fields whose full value only some roles may read: {field name: mask}.
MASKED_FIELDS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number}


def plain(value: Any) -> str:
    """A JSON-ish value as words: mappings as "键：值；…", lists joined with "、"."""
    if value is None or value == "":
        return EMPTY
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, Mapping):
        return "；".join(f"{k}：{plain(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, (list, tuple)):
        return "、".join(plain(v) for v in value) or EMPTY
    return str(value)


def display_value(
    field: models.Field, value: Any, *, masked: bool = False, related: Callable[[models.Field, Any], str] | None = None
) -> str:
    """One stored value of `field` as a clerk reads it."""
    if value is None or value == "":
        return EMPTY
    if masked and field.name in MASKED_FIELDS:
        return MASKED_FIELDS[field.name](str(value))
    if isinstance(value, DeletedObject):  # simple-history's stand-in for a missing related row
        return EMPTY if value.pk is None else f"已删除的{value.model._meta.verbose_name}（{value.pk}）"
    if field.is_relation:
        if isinstance(value, models.Model):
            return str(value)
        return related(field, value) if related else str(value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return formats.number_format(value, decimal_pos=2, use_l10n=False, force_grouping=True)
    if isinstance(field, models.JSONField):
        return plain(value)
    return str(value)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """simple-history's diff rows, with values through display_value and masking."""

    def __init__(self, model, historical_record, *, masked: bool, value_display=None):
        super().__init__(model, historical_record)
        self.masked = masked
        self.value_display = value_display

    def format_delta_change(self, change):
        field = self.model._meta.get_field(change.field)
        old, new = (self._display(field, v) for v in (change.old, change.new))
        return dataclasses.replace(
            change, field=capfirst(field.verbose_name), old=conditional_escape(old), new=conditional_escape(new)
        )

    def _display(self, field, value) -> str:
        if self.value_display is not None:
            shown = self.value_display(field, value)
            if shown is not None:
                return shown
        return display_value(field, value, masked=self.masked)


def version_rows(
    instance: models.Model, *, masked: bool, value_display=None, exclude: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(label, value) for every concrete field of a historical instance."""
    rows = []
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name == "password":
            continue
        if field.is_relation:
            try:
                value = getattr(instance, field.name)
            except models.ObjectDoesNotExist:
                value = None
        else:
            value = field.value_from_object(instance)
        shown = value_display(field, value) if value_display is not None else None
        rows.append(
            (capfirst(field.verbose_name), shown if shown is not None else display_value(field, value, masked=masked))
        )
    return rows
