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
from subsidies.rules.data import available_years, load_policy_data

from . import policy_labels, services
from .forms import ParamForm, ReasonForm, row_to_json, table_row_form
from .models import PolicyOverride, PolicyOverrideKind, ReferenceValue
from .selectors import invalid_overrides, policy_data, policy_entries


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
        return [
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
        if not self.has_view_permission(request) or year not in available_years():
            raise Http404
        shipped = load_policy_data(year)
        return TemplateResponse(
            request,
            "admin/subsidies/policy_year.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(year)d 年度政策参数与表") % {"year": year},
                "year": year,
                "years": available_years(),
                "entries": [_shown(e, shipped) for e in policy_entries(year)],
                "invalid": [policy_labels.param_label(o.name) for o in invalid_overrides(year)],
                "can_edit": is_district(request.user),
                "opts": self.model._meta,
            },
        )

    def edit_view(self, request, year, kind, name):
        if not is_district(request.user):
            raise PermissionDenied
        shipped = load_policy_data(year)
        if kind == PolicyOverrideKind.PARAM and name in shipped.params:
            return self._edit_param(request, year, name)
        if kind == PolicyOverrideKind.TABLE and name in shipped.tables:
            return self._edit_table(request, year, name)
        raise Http404

    def _done(self, request, year, name):
        messages.success(
            request, _("已保存 %(name)s：新的判定将使用修改后的数值。") % {"name": policy_labels.param_label(name)}
        )
        return HttpResponseRedirect(reverse("admin:subsidies_policy_year", args=[year]))

    def _edit_param(self, request, year, name):
        param = policy_data(year).param(name)
        initial = {"value": ",".join(param.value) if isinstance(param.value, tuple) else str(param.value)}
        form = ParamForm(request.POST or None, kind=param.kind, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.policy_override_set(
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
        return self._render_edit(request, year, name, param.clause, form=form)

    def _edit_table(self, request, year, name):
        table = policy_data(year).table(name)
        row_form = table_row_form(table.columns)
        formset_class = forms.formset_factory(row_form, extra=1, can_delete=True)
        formset = formset_class(
            request.POST or None,
            initial=[
                {k: (",".join(v) if isinstance(v, list) else "" if v is None else v) for k, v in row.items()}
                for row in table.to_json_rows()
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
                services.policy_override_set(
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
            columns=[policy_labels.column_label(c) for c, _ in table.columns],
        )

    def _render_edit(self, request, year, name, clause, **context):
        return TemplateResponse(
            request,
            "admin/subsidies/policy_edit.html",
            {
                **self.admin_site.each_context(request),
                "title": _("修改 %(name)s") % {"name": policy_labels.param_label(name, clause.citation)},
                "year": year,
                "name": name,
                "clause": clause,
                "opts": self.model._meta,
                **context,
            },
        )


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
