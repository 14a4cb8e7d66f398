"""The public list's filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CareService
from .selectors import streets_with_stations


class StationFilterForm(forms.Form):
    street = forms.ModelChoiceField(
        label=_("街镇"), queryset=streets_with_stations(), required=False, empty_label=_("全部街镇")
    )
    service = forms.ChoiceField(
        label=_("服务内容"), choices=[("", _("全部服务")), *CareService.choices], required=False
    )
