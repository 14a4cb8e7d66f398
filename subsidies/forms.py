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
    """One param: a labelled input (a list: a multi-select of labelled choices), checked like the
    files with a message naming the param."""

    value = forms.CharField(label=_("数值"), max_length=500)

    def __init__(self, *args, kind: str, label: str = "", choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.label = kind, label
        if kind == "str_list":
            self.fields["value"] = forms.MultipleChoiceField(
                label=_("数值"), choices=choices or [], widget=forms.SelectMultiple(attrs={"size": 8})
            )
        elif kind == "bool":
            self.fields["value"] = forms.ChoiceField(label=_("数值"), choices=[("true", "是"), ("false", "否")])
        elif kind == "date":
            self.fields["value"].widget = forms.DateInput(attrs={"type": "date"})
        self.fields["value"].help_text = KIND_HINTS.get(kind, "") if kind != "str_list" else ""
        if self.label:
            self.fields["value"].label = self.label

    def clean_value(self):
        value = self.cleaned_data["value"]
        problem = cell_error(self.kind, self._json(value), f"“{self.label or _('数值')}”")
        if problem:
            raise forms.ValidationError(problem)
        return value

    def _json(self, value):
        if self.kind == "str_list":
            return (
                list(value)
                if isinstance(value, (list, tuple))
                else [part.strip() for part in str(value).replace("，", ",").split(",") if part.strip()]
            )
        text = str(value).strip()
        if self.kind == "bool":
            return text.lower() in ("true", "1", "是")
        if self.kind == "int":
            return int(text) if text.lstrip("-").isdigit() else text
        return text

    def json_value(self):
        return self._json(self.cleaned_data["value"])


def table_row_form(
    columns: tuple[tuple[str, str], ...], choices: dict[str, list[tuple[str, str]]] | None = None
) -> type[forms.Form]:
    """One grid row: an input per cell, labelled by the column's Chinese name; a list column is a
    multi-select of labelled choices; each cell is checked like the files, its message naming the
    row and the column ("第2行“奖励金额”：请填写金额…")."""
    from .policy_labels import column_label

    choices = choices or {}
    fields = {}
    for name, kind in columns:
        base = kind.rstrip("?")
        label = column_label(name)
        if base == "str_list":
            fields[name] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=choices.get(name, []),
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
        elif base == "bool":
            fields[name] = forms.ChoiceField(label=label, required=False, choices=[("true", "是"), ("false", "否")])
        else:
            fields[name] = forms.CharField(
                label=label,
                required=False,
                help_text=KIND_HINTS.get(base, ""),
                widget=forms.TextInput(attrs={"size": 14 if base != "str" else 28, "aria-label": label}),
            )

    def clean(self):
        data = super(forms.Form, self).clean()
        if self.cleaned_data.get("DELETE") or not self.has_changed() and not self.initial:
            return data
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        for name, kind in columns:
            if name in self.errors:
                continue
            value = row_to_json(data, ((name, kind),))[name]
            problem = cell_error(kind, value, f"第{number}行“{column_label(name)}”")
            if problem:
                self.add_error(name, problem)
        return data

    fields["clean"] = clean
    return type("TableRowForm", (forms.Form,), fields)


def row_to_json(row: dict, columns: tuple[tuple[str, str], ...]) -> dict:
    plain = {}
    for name, kind in columns:
        value = row.get(name, "")
        base = kind.rstrip("?")
        if base == "bool":
            value = str(value).lower() in ("true", "1", "是")
        elif base == "str_list":
            if not isinstance(value, (list, tuple)):
                value = [v.strip() for v in str(value or "").replace("，", ",").split(",") if v.strip()]
            value = list(value)
        elif base == "int" and str(value).lstrip("-").isdigit():
            value = int(value)
        plain[name] = value
    return plain


# --- Policy years (district staff) ----------------------------------------------------------------

KIND_PROMPTS = {
    "money": "请填写金额，如 1000 或 35.50",
    "decimal": "请填写数值，如 0.5",
    "int": "请填写整数",
    "date": "请填写日期，如 2027-01-01",
    "bool": "请选择是或否",
    "str": "请填写文本",
    "str_list": "请至少选择一项",
}


def cell_error(kind: str, value, where: str) -> str | None:
    """A cell's (or a param's) value checked like the data files; the message names the cell in
    words ("第2行“奖励金额”：请填写金额，如 1000 或 35.50。"). None when it reads."""
    from subsidies.rules.data import PolicyDataError, coerce

    base = kind.rstrip("?")
    if base == "str_list" and isinstance(value, list) and not value and not kind.endswith("?"):
        return f"{where}：{KIND_PROMPTS['str_list']}。"
    try:
        coerce(kind, value, where)
    except PolicyDataError:
        if value in (None, "") and not kind.endswith("?"):
            return f"{where}：不能为空。"
        return f"{where}：{KIND_PROMPTS.get(base, '无法识别')}。"
    return None


def labelled_choices(values) -> list[tuple[str, str]]:
    from .policy_labels import value_label

    seen = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return [(v, value_label(v)) for v in seen]


class YearOpenForm(forms.Form):
    source_year = forms.TypedChoiceField(label=_("沿用年度"), coerce=int, choices=())
    year = forms.IntegerField(label=_("新年度"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("年度说明"),
        max_length=120,
        required=False,
        help_text=_("显示在每个项目页面上，如“2027年度政策”或“演示年度”"),
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_year"].choices = [(y, _("%(year)d 年度") % {"year": y}) for y in years]


class YearCompareForm(forms.Form):
    year_a = forms.TypedChoiceField(label=_("比较年度"), coerce=int, choices=())
    year_b = forms.TypedChoiceField(label=_("与年度"), coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(y, _("%(year)d 年度") % {"year": y}) for y in years]
        self.fields["year_a"].choices = choices
        self.fields["year_b"].choices = choices


class YearDocumentForm(forms.Form):
    document_title = forms.CharField(label=_("政策文件名称"), max_length=120)
    document = forms.FileField(label=_("文件附件（PDF 或图片）"), required=False)


class YearPublishForm(forms.Form):
    effective_from = forms.DateField(label=_("施行日期"), widget=forms.DateInput(attrs={"type": "date"}))


class ClauseForm(ReasonForm):
    """The clause a draft year cites for a param, table or condition: which document, which section,
    the document's words. Lengths and the document are checked by the service (its messages name the
    field); the form only collects."""

    document = forms.CharField(label=_("出自文件"), required=False, widget=forms.Select())
    section = forms.CharField(label=_("条款（章节）"), required=False, help_text=_("如“一、适用对象 2”"))
    quote = forms.CharField(
        label=_("条款原文"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("文件原文，可不填")
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.choices = list(documents)
        self.order_fields(["document", "section", "quote", "reason"])
