"""The public page's filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import streets_with_points


class PointFilterForm(forms.Form):
    street = forms.ModelChoiceField(
        label=_("街镇"), queryset=streets_with_points(), required=False, empty_label=_("全部街镇")
    )
