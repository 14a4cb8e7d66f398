"""Counselling in the admin.

Counselling records: only users explicitly granted counselling.view_confidential (the
group “心理咨询师”) see the model at all — for everyone else it is absent from the index,
its list is empty and every object URL (history included) is a 404, superusers included.

Lecture schedules: the district arranges them for approved lecture requests; the
requesting unit and its street see them in scope.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, UserFormMixin
from projects.services.errors import ApplicationError

from .models import CounsellingRecord, LectureSchedule
from .selectors import (
    counselling_records_visible_to,
    counsellors,
    lectures_to_schedule,
    may_view_confidential,
)
from .services import (
    check_lecture_schedule,
    check_record_update,
    counselling_record_update,
    lecture_schedule_create,
    lecture_schedule_update,
)


def _add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class RecordForm(forms.ModelForm):
    user = None  # set per request

    class Meta:
        model = CounsellingRecord
        fields = ("counsellor", "notes", "follow_up_on")

    def clean(self):
        data = super().clean()
        try:
            check_record_update(
                user=self.user,
                record=self.instance,
                counsellor=data.get("counsellor"),
                follow_up_on=data.get("follow_up_on"),
            )
        except ApplicationError as exc:
            _add_service_error(self, exc)
        return data


@admin.register(CounsellingRecord)
class CounsellingRecordAdmin(UserFormMixin, ScopedAdmin):
    form = RecordForm
    list_display = ("application", "slot", "member_name", "member_phone", "counsellor", "follow_up_on", "booking")
    list_filter = ("follow_up_on",)
    search_fields = ("=application__reference", "^application__applicant_member__name")
    list_select_related = ("application", "application__applicant_member", "application__offering", "counsellor")
    readonly_fields = ("application", "slot", "member_name", "member_phone", "booking", "created_at")
    fields = (
        "application",
        "slot",
        "member_name",
        "member_phone",
        "booking",
        "created_at",
        "counsellor",
        "notes",
        "follow_up_on",
    )
    ordering = ("-created_at",)

    # --- who sees it: the explicit grant, nothing else ---------------------------------------

    def scope_queryset(self, request, queryset):
        return counselling_records_visible_to(request.user)

    def has_module_permission(self, request):
        return may_view_confidential(request.user)

    def has_view_permission(self, request, obj=None):
        return may_view_confidential(request.user)

    def has_change_permission(self, request, obj=None):
        return may_view_confidential(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False  # a record opens when a member books a slot

    def has_delete_permission(self, request, obj=None):
        return False

    # --- display -----------------------------------------------------------------------------

    @admin.display(description=_("咨询时间"), ordering="application__offering__starts_at")
    def slot(self, obj):
        offering = obj.application.offering
        if offering is None:
            return "—"
        return f"{timezone.localtime(offering.starts_at):%Y-%m-%d %H:%M} {offering.location}"

    @admin.display(description=_("职工姓名"))
    def member_name(self, obj):
        member = obj.application.applicant_member
        return member.name if member else "—"

    @admin.display(description=_("联系电话"))
    def member_phone(self, obj):
        member = obj.application.applicant_member
        return member.phone if member and member.phone else "—"

    @admin.display(description=_("预约状态"))
    def booking(self, obj):
        return obj.application.get_status_display()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "counsellor":
            kwargs["queryset"] = counsellors()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        counselling_record_update(
            user=request.user,
            record=obj,
            counsellor=data.get("counsellor"),
            notes=data.get("notes", ""),
            follow_up_on=data.get("follow_up_on"),
        )


class LectureForm(forms.ModelForm):
    user = None

    class Meta:
        model = LectureSchedule
        fields = ("application", "date", "start_time", "end_time", "venue", "topic", "lecturer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "application" in self.fields:
            self.fields["application"].queryset = lectures_to_schedule()
            self.fields["application"].label_from_instance = lambda a: (
                f"{a.reference} {a.applicant_organisation.name if a.applicant_organisation_id else ''}"
            )

    def clean(self):
        data = super().clean()
        application = data.get("application") or (self.instance.application if self.instance.pk else None)
        if application is not None and data.get("date"):
            try:
                check_lecture_schedule(
                    user=self.user,
                    application=application,
                    lecture_date=data["date"],
                    schedule=self.instance if self.instance.pk else None,
                )
            except ApplicationError as exc:
                _add_service_error(self, exc)
        return data


@admin.register(LectureSchedule)
class LectureScheduleAdmin(UserFormMixin, ScopedAdmin):
    scope_organisation = "application__organisation"
    scope_street = "application__street"
    form = LectureForm
    list_display = ("date", "start_time", "topic", "unit", "venue", "lecturer", "application")
    list_filter = ("date",)
    search_fields = ("=application__reference", "topic", "application__applicant_organisation__name")
    list_select_related = ("application", "application__applicant_organisation")
    date_hierarchy = "date"
    ordering = ("-date",)

    @admin.display(description=_("申请单位"))
    def unit(self, obj):
        organisation = obj.application.applicant_organisation
        return organisation.name if organisation else "—"

    def get_readonly_fields(self, request, obj=None):
        return ("application", "scheduled_by") if obj else ()

    def get_fields(self, request, obj=None):
        fields = ["date", "start_time", "end_time", "venue", "topic", "lecturer"]
        return ["application", "scheduled_by", *fields] if obj else ["application", *fields]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "lecture_date": data["date"],
            "start_time": data["start_time"],
            "end_time": data.get("end_time"),
            "venue": data["venue"],
            "topic": data["topic"],
            "lecturer": data["lecturer"],
        }
        if change:
            lecture_schedule_update(user=request.user, schedule=obj, **fields)
        else:
            obj.pk = lecture_schedule_create(user=request.user, application=data["application"], **fields).pk
