"""Registries in the admin: everyone sees their scope; only district staff edit,
through the services; rows are created by approving a grant, never added by hand."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, is_district

from . import services
from .models import MommyRoom, ParentChildStudio


def application_link(obj):
    url = reverse("admin:projects_application_change", args=[obj.application_id])
    return format_html('<a href="{}">{}</a>', url, obj.application.reference)


class RegistryAdmin(ScopedAdmin):
    scope_organisation = "unit"
    scope_street = "unit__street"
    list_select_related = ("unit", "unit__street", "application")
    search_fields = ("name", "^unit__name", "=application__reference")
    show_full_result_count = False

    @admin.display(description=_("批准的申请"))
    def application_reference(self, obj):
        return application_link(obj)

    @admin.display(description=_("所属街镇"), ordering="unit__street__code")
    def street(self, obj):
        return obj.unit.street

    def has_add_permission(self, request):
        return False  # created when the district approves the grant application

    def has_change_permission(self, request, obj=None):
        return is_district(request.user) and super().has_change_permission(request, obj)


@admin.register(MommyRoom)
class MommyRoomAdmin(RegistryAdmin):
    list_display = ("name", "unit", "street", "address", "built_on", "is_open", "application_reference")
    list_filter = ("is_open",)
    fields = (
        "unit",
        "name",
        "address",
        "built_on",
        "area_sqm",
        "facilities",
        "is_open",
        "application_reference",
        "created_at",
    )
    readonly_fields = ("unit", "built_on", "application_reference", "created_at")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.mommy_room_update(
            user=request.user,
            room=obj,
            name=data["name"],
            address=data["address"],
            area_sqm=data["area_sqm"],
            facilities=data["facilities"],
            is_open=data["is_open"],
        )


@admin.register(ParentChildStudio)
class ParentChildStudioAdmin(RegistryAdmin):
    list_display = (
        "name",
        "unit",
        "street",
        "class_type",
        "children",
        "weeks",
        "built_on",
        "is_open",
        "application_reference",
    )
    list_filter = ("class_type", "is_open")
    fields = (
        "unit",
        "name",
        "built_on",
        "class_type",
        "children",
        "weeks",
        "is_open",
        "application_reference",
        "created_at",
    )
    readonly_fields = ("unit", "built_on", "class_type", "children", "weeks", "application_reference", "created_at")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.parent_child_studio_update(user=request.user, studio=obj, name=data["name"], is_open=data["is_open"])
