"""Health service points and their schedule in the admin, scoped to the point's street.

Forms validate through the services' checks (the notice rule included); save_model
calls the services. The point's page shows its check against the “四固三定” standard.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, StreetChoicesMixin, UserFormMixin
from projects.services.errors import ApplicationError

from .models import HealthServicePoint, ServiceEvent
from .selectors import (
    events_notice_overdue,
    events_to_notice,
    notice_window,
    point_standard_check,
    points_visible_to,
)
from .services import check_event, check_point_manager, health_point_save, service_event_create, service_event_update


def _add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


POINT_FIELDS = (
    "street",
    "name",
    "is_active",
    "address",
    "area_kind",
    "area_served",
    "in_cluster_area",
    "built_on",
    "has_private_area",
    "has_basic_equipment",
    "plaque_installed",
    "service_notice_posted",
    "community_health_centre",
    "agreement_signed_on",
    "gp_team",
    "manager",
    "appointment_phone",
    "offers_consultation_services",
    "consultation_exception_approved",
)


class PointForm(forms.ModelForm):
    user = None  # set per request by the admin's get_form

    class Meta:
        model = HealthServicePoint
        fields = POINT_FIELDS

    def clean(self):
        data = super().clean()
        if data.get("street") is not None:
            try:
                check_point_manager(user=self.user, street=data["street"])
            except ApplicationError as exc:
                _add_service_error(self, exc)
        return data


@admin.register(HealthServicePoint)
class HealthServicePointAdmin(StreetChoicesMixin, UserFormMixin, ScopedAdmin):
    scope_organisation = "street"
    scope_street = "street"
    form = PointForm
    list_display = (
        "name",
        "street",
        "area_kind",
        "area_served",
        "community_health_centre",
        "appointment_phone",
        "plaque_installed",
        "service_notice_posted",
        "is_active",
    )
    list_filter = ("is_active", "area_kind", "plaque_installed", "service_notice_posted", "street")
    search_fields = ("name", "area_served", "community_health_centre")
    list_select_related = ("street",)
    readonly_fields = ("standard_check",)
    fieldsets = (
        (None, {"fields": ("street", "name", "is_active")}),
        (
            _("固定场所"),
            {
                "fields": (
                    "address",
                    "area_kind",
                    "area_served",
                    "in_cluster_area",
                    "built_on",
                    "has_private_area",
                    "has_basic_equipment",
                    "plaque_installed",
                    "service_notice_posted",
                )
            },
        ),
        (_("固定人员"), {"fields": ("community_health_centre", "agreement_signed_on", "gp_team", "manager")}),
        (
            _("定期问诊"),
            {"fields": ("appointment_phone", "offers_consultation_services", "consultation_exception_approved")},
        ),
        (_("创建标准核对"), {"fields": ("standard_check",)}),
    )

    @admin.display(description=_("按“四固三定”标准核对（本周问诊、本月巡诊、全年讲座）"))
    def standard_check(self, obj):
        if obj is None or obj.pk is None:
            return _("保存后显示。")
        check = point_standard_check(obj, on=timezone.localdate())
        marks = {True: "✔", False: "✘", None: "？"}
        rows = format_html_join(
            "",
            '<li class="reason-{}">{} {}</li>',
            ((str(r.ok).lower(), marks[r.ok], r.message) for r in check.decision.reasons),
        )
        return format_html("<p><strong>{}</strong></p><ul>{}</ul>", check.decision.outcome.label, rows)

    def save_model(self, request, obj, form, change):
        health_point_save(user=request.user, point=obj)


class EventForm(forms.ModelForm):
    user = None

    class Meta:
        model = ServiceEvent
        fields = ("point", "kind", "date", "start_time", "end_time", "topic", "venue", "doctor", "notice_posted_on")

    def clean(self):
        data = super().clean()
        if data.get("point") is not None and data.get("kind") and data.get("date"):
            try:
                check_event(
                    user=self.user,
                    point=data["point"],
                    kind=data["kind"],
                    event_date=data["date"],
                    notice_posted_on=data.get("notice_posted_on"),
                    creating=self.instance.pk is None or self.instance.point_id != data["point"].pk,
                )
            except ApplicationError as exc:
                _add_service_error(self, exc)
        return data


class NoticeFilter(admin.SimpleListFilter):
    title = _("公示")
    parameter_name = "notice"

    def lookups(self, request, model_admin):
        return (("due", _("待公示（公示期已开始）")), ("overdue", _("已过最晚公示日期仍未公示")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return events_to_notice(queryset, today=today)
        if self.value() == "overdue":
            return events_notice_overdue(queryset, today=today)
        return queryset


@admin.register(ServiceEvent)
class ServiceEventAdmin(UserFormMixin, ScopedAdmin):
    scope_organisation = "point__street"
    scope_street = "point__street"
    form = EventForm
    list_display = ("date", "start_time", "end_time", "point", "kind", "topic", "doctor", "notice_posted_on", "window")
    list_filter = ("kind", NoticeFilter, "point__street")
    date_hierarchy = "date"
    search_fields = ("point__name", "topic", "doctor")
    list_select_related = ("point", "point__street")
    readonly_fields = ("window",)
    ordering = ("-date", "start_time")

    @admin.display(description=_("应公示期间"))
    def window(self, obj):
        if obj is None or obj.pk is None:
            return _("巡诊、讲座保存后显示。")
        return notice_window(obj) or "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "point":
            kwargs["queryset"] = points_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "point": data["point"],
            "kind": data["kind"],
            "event_date": data["date"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "topic": data.get("topic", ""),
            "venue": data.get("venue", ""),
            "doctor": data.get("doctor", ""),
            "notice_posted_on": data.get("notice_posted_on"),
        }
        if change:
            service_event_update(user=request.user, event=obj, **fields)
        else:
            obj.pk = service_event_create(user=request.user, **fields).pk
