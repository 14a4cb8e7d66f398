"""Care stations in the admin: street staff keep their street's, the district all.

The form validates through the service's own check; save_model calls the service.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, StreetChoicesMixin, UserFormMixin
from projects.services.errors import ApplicationError

from .models import SERVICE_FIELDS, CareService, CareStation
from .services import care_station_create, care_station_update, check_station_manager

FIELDS = (
    "name",
    "street",
    "address",
    "services",
    "opening_hours",
    "contact_phone",
    "latitude",
    "longitude",
    "is_active",
)


class CareStationForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("服务内容"),
        choices=CareService.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项服务内容。")},
    )
    user = None  # set per request by CareStationAdmin.get_form

    class Meta:
        model = CareStation
        fields = FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "services" in self.fields:
            self.fields["services"].initial = [s.value for s in self.instance.services]

    def clean(self):
        data = super().clean()
        street = data.get("street")
        if street is not None:
            try:
                check_station_manager(user=self.user, street=street)
            except ApplicationError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


class ServiceFilter(admin.SimpleListFilter):
    title = _("服务内容")
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return CareService.choices

    def queryset(self, request, queryset):
        if self.value() in SERVICE_FIELDS:
            return queryset.filter(**{SERVICE_FIELDS[self.value()]: True})
        return queryset


@admin.register(CareStation)
class CareStationAdmin(StreetChoicesMixin, UserFormMixin, ScopedAdmin):
    scope_organisation = "street"  # stations belong to a street: grassroots staff see none
    scope_street = "street"
    form = CareStationForm
    fields = FIELDS
    list_display = ("name", "street", "address", "services_display", "opening_hours", "contact_phone", "is_active")
    list_filter = ("is_active", ServiceFilter, "street")
    search_fields = ("name", "address")
    list_select_related = ("street",)
    list_per_page = 50

    @admin.display(description=_("服务内容"))
    def services_display(self, obj):
        return "、".join(str(s.label) for s in obj.services)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in FIELDS}
        if change:
            care_station_update(user=request.user, station=obj, **data)
        else:
            obj.pk = care_station_create(user=request.user, **data).pk
