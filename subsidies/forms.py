"""Forms for district staff editing a policy param or table (validation is the service's)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

KIND_HINTS = {
    "money": "金额，如 1000 或 35.50",
    "decimal": "数值",
    "int": "整数",
    "date": "日期 YYYY-MM-DD",
    "str": "文本",
    "bool": "true 或 false",
    "str_list": "多个值用逗号分隔",
}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("修改依据"), max_length=300, help_text=_("文件、文号或会议纪要，将记入修改记录"))


class ParamForm(ReasonForm):
    value = forms.CharField(label=_("数值"), max_length=500)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["value"].help_text = KIND_HINTS.get(kind, "")

    def json_value(self):
        text = self.cleaned_data["value"].strip()
        if self.kind == "str_list":
            return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
        if self.kind == "bool":
            return text.lower() in ("true", "1", "是")
        if self.kind == "int":
            return int(text) if text.lstrip("-").isdigit() else text
        return text


def table_row_form(columns: tuple[tuple[str, str], ...]) -> type[forms.Form]:
    fields = {}
    for name, kind in columns:
        optional = kind.endswith("?")
        base = kind.rstrip("?")
        fields[name] = forms.CharField(
            label=name,
            required=not optional,
            help_text=KIND_HINTS.get(base, ""),
            widget=forms.TextInput(attrs={"size": 14 if base != "str" else 28}),
        )
    return type("TableRowForm", (forms.Form,), fields)


def row_to_json(row: dict, columns: tuple[tuple[str, str], ...]) -> dict:
    plain = {}
    for name, kind in columns:
        value = row.get(name, "")
        base = kind.rstrip("?")
        if base == "bool":
            value = str(value).lower() in ("true", "1", "是")
        elif base == "str_list":
            value = [v.strip() for v in str(value).replace("，", ",").split(",") if v.strip()]
        elif base == "int" and str(value).lstrip("-").isdigit():
            value = int(value)
        plain[name] = value
    return plain
