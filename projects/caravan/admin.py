"""Caravan visits in the admin: the district schedules them and records attendance;
the host unit and its street see theirs. Forms validate through the services' checks."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, UserFormMixin
from members.selectors import organisations_visible_to
from projects.services.errors import ApplicationError

from .models import CaravanService, CaravanVisit
from .services import (
    caravan_visit_create,
    caravan_visit_record_attendance,
    caravan_visit_schedule,
    check_attendance,
    check_schedule,
    clean_services,
)

SCHEDULE = ("visit_date", "start_time", "end_time", "location", "services", "expected_attendance", "notes")


class VisitForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("服务内容"),
        choices=CaravanService.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项服务内容。")},
    )
    visit_date = forms.DateField(label=_("活动日期"))
    user = None

    class Meta:
        model = CaravanVisit
        fields = ("host", "host_kind", *SCHEDULE, "actual_attendance")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "services" in self.fields:
            self.fields["services"].initial = (
                list(self.instance.services) if self.instance.pk else CaravanService.values
            )

    def clean_services(self):
        try:
            return clean_services(self.cleaned_data["services"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["services"]) from None

    def clean(self):
        data = super().clean()
        stored_date = self.instance.visit_date if self.instance.pk else None
        try:
            if data.get("visit_date"):
                check_schedule(
                    user=self.user,
                    visit_date=data["visit_date"],
                    location=data.get("location", ""),
                    previous_date=stored_date,
                )
            if "actual_attendance" in self.changed_data and self.instance.pk:
                check_attendance(user=self.user, visit_date=stored_date)
            elif "actual_attendance" in self.changed_data:
                self.add_error("actual_attendance", _("活动举行后再登记实际参加人数。"))
        except ApplicationError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(CaravanVisit)
class CaravanVisitAdmin(UserFormMixin, ScopedAdmin):
    scope_organisation = "host"
    scope_street = "street"
    form = VisitForm
    list_display = (
        "host",
        "host_kind",
        "visit_date",
        "start_time",
        "location",
        "expected_attendance",
        "actual_attendance",
        "application",
    )
    list_filter = (("visit_date", admin.EmptyFieldListFilter), "host_kind", "street")
    search_fields = ("host__name", "location", "=application__reference")
    list_select_related = ("host", "application")
    date_hierarchy = "visit_date"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["host", "host_kind", *SCHEDULE]
        fields = ["application", "host", "street", "host_kind", *SCHEDULE, "actual_attendance", "scheduled_by"]
        if not self.has_change_permission(request, obj):  # read-only: the services by name, not as codes
            fields = [{"services": "service_list"}.get(f, f) for f in fields]
        return fields

    def history_value_display(self, field, value):
        if field.name == "services":  # the services by name, as on the page
            labels = dict(CaravanService.choices)
            return "、".join(str(labels.get(code, code)) for code in value or ()) or "—"
        return None

    @admin.display(description=_("服务内容"))
    def service_list(self, obj):
        return "、".join(obj.service_labels) or "—"

    def get_readonly_fields(self, request, obj=None):
        return ("application", "host", "street", "host_kind", "scheduled_by") if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "host":
            kwargs["queryset"] = organisations_visible_to(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        schedule = {name: data.get(name) for name in SCHEDULE}
        schedule["notes"] = schedule["notes"] or ""
        if not change:
            obj.pk = caravan_visit_create(
                user=request.user, host=data["host"], host_kind=data["host_kind"], **schedule
            ).pk
            return
        if set(form.changed_data) & set(SCHEDULE):
            caravan_visit_schedule(user=request.user, visit=obj, **schedule)
        if "actual_attendance" in form.changed_data:
            caravan_visit_record_attendance(user=request.user, visit=obj, actual_attendance=data["actual_attendance"])
