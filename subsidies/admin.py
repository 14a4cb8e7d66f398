"""Policy data in the admin: reference series and the policy years' params and tables.

District staff correct a param or a table through subsidies.services (validated
like the data files, every rule of the year must still load, history kept); the
rules read the corrected values for new decisions. Others may look.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import DistrictManagedAdmin, is_district
from members.models import User
from subsidies.rules.data import available_years, load_policy_data

from . import policy_labels, services
from .forms import (
    ClauseForm,
    ParamForm,
    ReasonForm,
    YearCompareForm,
    YearDocumentForm,
    YearOpenForm,
    YearPublishForm,
    labelled_choices,
    row_to_json,
    table_row_form,
)
from .models import PolicyOverride, PolicyOverrideKind, ReferenceValue
from .selectors import (
    all_policy_years,
    clause_documents,
    clause_label,
    condition_clauses,
    invalid_overrides,
    policy_data,
    policy_diff_in_words,
    policy_entries,
    policy_year_editors,
    policy_year_record,
    shipped_data,
)


@admin.register(ReferenceValue)
class ReferenceValueAdmin(DistrictManagedAdmin):
    list_display = ("series", "effective_from", "amount", "source")
    list_filter = ("series",)
    ordering = ("series", "effective_from")

    def save_model(self, request, obj, form, change):
        saved = services.reference_value_set(
            series=obj.series, effective_from=obj.effective_from, amount=obj.amount, source=obj.source
        )
        obj.pk = saved.pk


@admin.register(PolicyOverride)
class PolicyOverrideAdmin(DistrictManagedAdmin):
    """The changelist is the list of every param and table of a year, shipped and current."""

    list_display = ("policy_year", "kind", "label", "reason", "updated_by", "updated_at")

    @admin.display(description=_("名称"), ordering="name")
    def label(self, obj):
        return policy_labels.param_label(obj.name)

    label.export_label = policy_labels.param_label  # the export's column in the same words

    def history_value_display(self, field, value):
        return policy_labels.param_label(value) if field.name == "name" and value else None

    def has_add_permission(self, request):
        return False  # edits start from the year's list

    def has_delete_permission(self, request, obj=None):
        return False  # a correction is replaced by another, with its reason; history keeps both

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The generic change form would save any JSON without the service's validation: a GET
        opens the validated editor of that param or table, and nothing else is accepted."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        override = self.get_object(request, object_id)
        if override is None or not self.has_view_permission(request, override):
            raise Http404
        target = "subsidies_policy_edit" if is_district(request.user) else "subsidies_policy_year"
        args = (
            [override.policy_year, override.kind, override.name]
            if is_district(request.user)
            else [override.policy_year]
        )
        return HttpResponseRedirect(reverse(f"admin:{target}", args=args))

    def get_urls(self):
        def view(fn):
            return self.admin_site.admin_view(fn)

        return [
            path("years/", view(self.years_view), name="subsidies_policy_years"),
            path("years/compare/", view(self.compare_view), name="subsidies_policy_compare"),
            path("years/<int:year>/manage/", view(self.manage_view), name="subsidies_policy_year_manage"),
            path("years/<int:year>/document/", view(self.document_view), name="subsidies_policy_year_document"),
            path("years/<int:year>/publish/", view(self.publish_view), name="subsidies_policy_year_publish"),
            path("year/<int:year>/", self.admin_site.admin_view(self.year_view), name="subsidies_policy_year"),
            path(
                "year/<int:year>/<str:kind>/<str:name>/",
                self.admin_site.admin_view(self.edit_view),
                name="subsidies_policy_edit",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        years = available_years()
        return HttpResponseRedirect(reverse("admin:subsidies_policy_year", args=[years[-1]]))

    def year_view(self, request, year):
        if not self.has_view_permission(request):
            raise Http404
        record = _opened_or_404(year)
        if record is not None and record.is_draft and not is_district(request.user):
            raise PermissionDenied  # a draft is the district's until it is published
        shipped = shipped_data(year)
        return TemplateResponse(
            request,
            "admin/subsidies/policy_year.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(year)d 年度政策参数与表") % {"year": year},
                "year": year,
                "years": [
                    row["year"] for row in all_policy_years() if is_district(request.user) or row["status"] != "draft"
                ],
                "record": record,
                "entries": [_shown(e, shipped) for e in policy_entries(year)],
                "invalid": [clause_label(year, o.name) for o in invalid_overrides(year)],
                "can_edit": is_district(request.user),
                "clauses_editable": is_district(request.user) and record is not None and record.is_draft,
                "conditions": condition_clauses(year) if record is not None and record.is_draft else [],
                "opts": self.model._meta,
            },
        )

    def edit_view(self, request, year, kind, name):
        if not is_district(request.user):
            raise PermissionDenied
        _opened_or_404(year)
        shipped = shipped_data(year)
        if kind == PolicyOverrideKind.PARAM and name in shipped.params:
            return self._edit_param(request, year, name)
        if kind == PolicyOverrideKind.TABLE and name in shipped.tables:
            return self._edit_table(request, year, name)
        if kind == PolicyOverrideKind.CLAUSE and name in shipped.names():
            return self._edit_clause(request, year, name)
        raise Http404

    def _edit_clause(self, request, year, name):
        """A draft's clause: its document, section and words, through policy_year_clause_set. A
        published or file year shows the clause read-only, and a POST is refused by the service."""
        clause = policy_data(year).clause(name)
        record = policy_year_record(year) if year not in available_years() else None
        editable = record is not None and record.is_draft
        form = ClauseForm(
            request.POST or None,
            documents=clause_documents(year),
            initial={"document": clause.document, "section": clause.section, "quote": clause.quote},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.policy_year_clause_set(
                    user=request.user,
                    year=year,
                    name=name,
                    document=form.cleaned_data["document"],
                    section=form.cleaned_data["section"],
                    quote=form.cleaned_data["quote"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("已保存 %(name)s 的条款。") % {"name": clause_label(year, name)})
                return HttpResponseRedirect(reverse("admin:subsidies_policy_year", args=[year]))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        label = clause_label(year, name)
        return TemplateResponse(
            request,
            "admin/subsidies/policy_clause.html",
            {
                **self.admin_site.each_context(request),
                "title": _("修改 %(name)s 的条款") % {"name": label},
                "year": year,
                "label": label,
                "clause": clause,
                "record": record,
                "editable": editable,
                "has_own_document": bool(record and record.document_title),
                "form": form,
                "opts": self.model._meta,
            },
        )

    @staticmethod
    def _save(*, user, year, kind, name, value, reason):
        """A draft year's edit goes through policy_year_edit; any other year's is a correction."""
        record = policy_year_record(year) if year not in available_years() else None
        save = services.policy_year_edit if record is not None and record.is_draft else services.policy_override_set
        return save(user=user, year=year, kind=kind, name=name, value=value, reason=reason)

    def _done(self, request, year, name):
        messages.success(
            request, _("已保存 %(name)s：新的判定将使用修改后的数值。") % {"name": policy_labels.param_label(name)}
        )
        return HttpResponseRedirect(reverse("admin:subsidies_policy_year", args=[year]))

    def _edit_param(self, request, year, name):
        param = policy_data(year).param(name)
        document = shipped_data(year).param(name)
        label = policy_labels.param_label(name, param.clause.citation)
        choices = None
        if param.kind == "str_list":
            initial = {"value": list(param.value)}
            choices = labelled_choices([*param.value, *document.value, *_known_values(name)])
        else:
            initial = {"value": str(param.value).lower() if param.kind == "bool" else str(param.value)}
        form = ParamForm(request.POST or None, kind=param.kind, label=label, choices=choices, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                self._save(
                    user=request.user,
                    year=year,
                    kind=PolicyOverrideKind.PARAM,
                    name=name,
                    value=form.json_value(),
                    reason=form.cleaned_data["reason"],
                )
                return self._done(request, year, name)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        unit = policy_labels.param_unit(name)
        return self._render_edit(
            request,
            year,
            name,
            param.clause,
            form=form,
            document_value=policy_labels.value_text(document.value, document.kind, unit),
            current_value=policy_labels.value_text(param.value, param.kind, unit),
        )

    def _edit_table(self, request, year, name):
        table = policy_data(year).table(name)
        document = shipped_data(year).table(name) if name in shipped_data(year).tables else table
        current_rows, document_rows = table.to_json_rows(), document.to_json_rows()
        choices = {
            column: labelled_choices([v for row in (*current_rows, *document_rows) for v in (row.get(column) or [])])
            for column, kind in table.columns
            if kind.rstrip("?") == "str_list"
        }
        row_form = table_row_form(table.columns, choices)
        formset_class = forms.formset_factory(row_form, extra=1, can_delete=True)
        formset = formset_class(
            request.POST or None,
            initial=[
                {
                    k: (v if isinstance(v, list) else "" if v is None else str(v).lower() if isinstance(v, bool) else v)
                    for k, v in row.items()
                }
                for row in current_rows
            ],
        )
        reason = ReasonForm(request.POST or None)
        if request.method == "POST" and formset.is_valid() and reason.is_valid():
            rows = [
                row_to_json(f.cleaned_data, table.columns)
                for f in formset
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                self._save(
                    user=request.user,
                    year=year,
                    kind=PolicyOverrideKind.TABLE,
                    name=name,
                    value=rows,
                    reason=reason.cleaned_data["reason"],
                )
                return self._done(request, year, name)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    reason.add_error(None if field != "reason" else "reason", errors)
        return self._render_edit(
            request,
            year,
            name,
            table.clause,
            form=reason,
            formset=formset,
            grid=_grid(formset, table.columns, document_rows, table.key),
            columns=[policy_labels.column_label(c) for c, _ in table.columns],
        )

    def _render_edit(self, request, year, name, clause, **context):
        record = policy_year_record(year) if year not in available_years() else None
        return TemplateResponse(
            request,
            "admin/subsidies/policy_edit.html",
            {
                **self.admin_site.each_context(request),
                "title": _("修改 %(name)s") % {"name": policy_labels.param_label(name, clause.citation)},
                "year": year,
                "name": name,
                "label": policy_labels.param_label(name, clause.citation),
                "unit": policy_labels.param_unit(name),
                "clause": clause,
                "record": record,
                "clause_editable": record is not None and record.is_draft,
                "opts": self.model._meta,
                **context,
            },
        )

    # --- Policy years: open, manage (document, publish), compare — district staff only -------------

    def _district_only(self, request):
        if not is_district(request.user):
            raise PermissionDenied

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **context},
        )

    def years_view(self, request):
        self._district_only(request)
        rows = all_policy_years()
        years = [row["year"] for row in rows]
        form = YearOpenForm(
            request.POST or None, years=years, initial={"source_year": years[-1], "year": years[-1] + 1}
        )
        if request.method == "POST" and form.is_valid():
            try:
                opened = services.policy_year_open(
                    user=request.user,
                    year=form.cleaned_data["year"],
                    source_year=form.cleaned_data["source_year"],
                    note=form.cleaned_data["note"],
                )
                messages.success(
                    request,
                    _("已开设 %(year)d 年度（草稿），可修改后请另一位区总工会工作人员发布。") % {"year": opened.year},
                )
                return HttpResponseRedirect(reverse("admin:subsidies_policy_year_manage", args=[opened.year]))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        compare = YearCompareForm(
            years=years, initial={"year_a": years[-2] if len(years) > 1 else years[0], "year_b": years[-1]}
        )
        return self._page(
            request,
            "admin/subsidies/policy_years.html",
            _("政策年度"),
            rows=[_year_row(row) for row in rows],
            form=form,
            compare=compare,
        )

    def manage_view(self, request, year):
        self._district_only(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        record = _opened_or_404(year)
        if record is None:
            raise Http404
        return self._render_manage(request, record)

    def _render_manage(self, request, record, document_form=None, publish_form=None):
        from django.utils import timezone

        editors = policy_year_editors(record)
        names = sorted({str(u) for u in User.objects.filter(pk__in=editors)} if editors else set())
        problems = services.policy_year_check(record.year) if record.is_draft else []
        return self._page(
            request,
            "admin/subsidies/policy_year_manage.html",
            _("%(year)d 年度政策") % {"year": record.year},
            record=record,
            year=record.year,
            editors=names,
            may_publish=record.is_draft and request.user.pk not in editors,
            problems=problems,
            document_form=document_form or YearDocumentForm(initial={"document_title": record.document_title}),
            publish_form=publish_form or YearPublishForm(initial={"effective_from": timezone.localdate()}),
            entries=[_shown(e, shipped_data(record.year)) for e in policy_entries(record.year) if e.overridden],
            clause_edits=_clause_edits(record.year),
        )

    def document_view(self, request, year):
        self._district_only(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        record = _opened_or_404(year)
        if record is None:
            raise Http404
        form = YearDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.policy_year_document_set(
                    user=request.user,
                    year=year,
                    title=form.cleaned_data["document_title"],
                    upload=form.cleaned_data.get("document"),
                )
                messages.success(request, _("已保存政策文件。"))
                return HttpResponseRedirect(reverse("admin:subsidies_policy_year_manage", args=[year]))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return self._render_manage(request, record, document_form=form)

    def publish_view(self, request, year):
        self._district_only(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        record = _opened_or_404(year)
        if record is None:
            raise Http404
        form = YearPublishForm(request.POST)
        if form.is_valid():
            try:
                services.policy_year_publish(
                    user=request.user, year=year, effective_from=form.cleaned_data["effective_from"]
                )
                messages.success(
                    request,
                    _("已发布 %(year)d 年度政策，自 %(day)s 起新的申请按本年度判定。")
                    % {"year": year, "day": form.cleaned_data["effective_from"].isoformat()},
                )
                return HttpResponseRedirect(reverse("admin:subsidies_policy_year_manage", args=[year]))
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return self._render_manage(request, record, publish_form=form)

    def compare_view(self, request):
        self._district_only(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        years = [row["year"] for row in all_policy_years()]
        form = YearCompareForm(request.GET or None, years=years)
        groups = None
        if request.GET and form.is_valid():
            groups = policy_diff_in_words(form.cleaned_data["year_a"], form.cleaned_data["year_b"])
        return self._page(
            request,
            "admin/subsidies/policy_compare.html",
            _("比较政策年度"),
            form=form,
            groups=groups,
            year_a=form.cleaned_data.get("year_a") if groups is not None else None,
            year_b=form.cleaned_data.get("year_b") if groups is not None else None,
        )


def _opened_or_404(year: int):
    """The year's PolicyYear record (None for a file year); 404 for a year that is neither."""
    if year in available_years():
        return None
    record = policy_year_record(year)
    if record is None:
        raise Http404
    return record


def _clause_edits(year: int) -> list[dict]:
    """The clauses the year's edits changed, as read: what, the clause now, the reason."""
    data = policy_data(year)
    return [
        {"label": clause_label(year, o.name), "citation": data.clause(o.name).citation, "reason": o.reason}
        for o in PolicyOverride.objects.filter(policy_year=year, kind=PolicyOverrideKind.CLAUSE).order_by("name")
        if o.name in data.names()
    ]


def _year_row(row: dict) -> dict:
    from .models import PolicyYearStatus

    record = row["record"]
    status = {
        "file": _("随程序发布的文件年度"),
        PolicyYearStatus.DRAFT: _("草稿"),
        PolicyYearStatus.PUBLISHED: _("已发布"),
    }[row["status"]]
    return {**row, "status_text": status, "source": record.source_year if record else None}


def _known_values(name: str) -> list[str]:
    """Every value a list param holds in any year: the choices a district user picks from."""
    values: list[str] = []
    for year in available_years():
        data = load_policy_data(year)
        if name in data.params and isinstance(data.params[name].value, tuple):
            values += list(data.params[name].value)
    return values


def _grid(formset, columns, document_rows, key=None) -> list[dict]:
    """The table editor's rows: a cell per column, each with the document's value beside it where
    the current one differs from it. An existing row's key (a level, a plan) is shown by its label
    and kept as it is; a new row types its key."""
    grid = []
    for index, form in enumerate(formset):
        document = document_rows[index] if index < len(document_rows) else None
        cells = []
        for column, kind in columns:
            shipped = policy_labels.value_text(document.get(column), kind) if document else ""
            initial = form.initial.get(column) if form.initial else None
            differs = document is not None and _same_text(initial) != _same_text(document.get(column))
            fixed = column == key and bool(form.initial) and not form.errors.get(column)
            cells.append(
                {
                    "field": form[column],
                    "document": shipped if differs else "",
                    "fixed": policy_labels.value_text(form.initial.get(column)) if fixed else "",
                }
            )
        grid.append({"form": form, "cells": cells, "is_new": document is None})
    return grid


def _same_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _shown(entry, shipped) -> dict:
    """One param or table of the year page in words: its name and unit, the value (a table's rows
    with labelled columns), and the document's value beside a correction."""
    from .models import PolicyOverrideKind as Kind

    label = policy_labels.param_label(entry.name, entry.clause)
    if entry.kind == Kind.PARAM:
        kind, unit = shipped.params[entry.name].kind, policy_labels.param_unit(entry.name)
        current = policy_labels.value_text(entry.current, kind, unit)
        document = policy_labels.value_text(entry.shipped, kind, unit)
        return {"entry": entry, "label": label, "current": current, "document": document, "table": None}
    columns = shipped.tables[entry.name].columns
    rows = [[policy_labels.value_text(row.get(c), k) for c, k in columns] for row in entry.current]
    return {
        "entry": entry,
        "label": label,
        "table": {"columns": [policy_labels.column_label(c) for c, _ in columns], "rows": rows},
        "current": "",
        "document": "" if entry.current == entry.shipped else _("文件原表 %(n)d 行") % {"n": len(entry.shipped)},
    }
