"""“微心愿” in the admin: street/district staff see the wishes in their scope, write
the wish text and notes, and record claims and fulfilment through the services.
The status is never a form field."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import ScopedAdmin, error_text
from projects.services.errors import ApplicationError

from . import services
from .models import MicroWish


class ClaimForm(forms.Form):
    donor = forms.CharField(label=_("认领单位"), max_length=100)


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("取消认领的原因"), widget=forms.Textarea(attrs={"rows": 3}))


class FulfilForm(forms.Form):
    fulfilled_on = forms.DateField(label=_("实现日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(MicroWish)
class MicroWishAdmin(ScopedAdmin):
    scope_organisation = "application__organisation"
    scope_street = "application__street"
    list_display = (
        "reference",
        "member",
        "category",
        "status",
        "claimed_by",
        "claimed_at",
        "fulfilled_on",
        "created_at",
    )
    list_filter = ("status", "category")
    list_select_related = ("application", "application__applicant_member")
    search_fields = ("=application__reference", "claimed_by")
    show_full_result_count = False
    fields = (
        "reference",
        "member",
        "category",
        "description",
        "status",
        "claimed_by",
        "claimed_at",
        "fulfilled_on",
        "note",
        "created_at",
    )
    actions = ("claim_selected", "fulfil_selected", "release_selected")

    @admin.display(description=_("申请编号"), ordering="application__reference")
    def reference(self, obj):
        url = reverse("admin:projects_application_change", args=[obj.application_id])
        return format_html('<a href="{}">{}</a>', url, obj.application.reference)

    @admin.display(description=_("会员"))
    def member(self, obj):
        return obj.application.applicant_member.name if obj.application.applicant_member_id else "—"

    def get_readonly_fields(self, request, obj=None):
        locked = ["reference", "member", "category", "status", "claimed_by", "claimed_at", "fulfilled_on", "created_at"]
        if obj is not None and obj.status != "open":
            locked.append("description")
        return locked

    def has_add_permission(self, request):
        return False  # published when the district approves the application

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if "description" in form.changed_data:
            services.micro_wish_describe(user=request.user, wish=obj, description=data["description"])
        if "note" in form.changed_data:
            services.micro_wish_note(user=request.user, wish=obj, note=data["note"])

    # --- moves ----------------------------------------------------------------------

    def _move(self, request, queryset, form_class, title: str, action_name: str, perform):
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for wish in queryset:
                try:
                    perform(wish, form.cleaned_data)
                    done += 1
                except (ApplicationError, ValidationError) as exc:
                    self.message_user(request, f"{wish.application.reference}：{error_text(exc)}", messages.ERROR)
            if done:
                self.message_user(
                    request, _("%(title)s：已处理 %(n)d 条。") % {"title": title, "n": done}, messages.SUCCESS
                )
            return None
        return render(
            request,
            "micro_wishes/admin/move_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "wishes": queryset,
                "form": form,
                "action_name": action_name,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("登记认领（需填写认领单位）"), permissions=["change"])
    def claim_selected(self, request, queryset):
        return self._move(
            request,
            queryset,
            ClaimForm,
            _("登记认领"),
            "claim_selected",
            lambda wish, data: services.micro_wish_claim(user=request.user, wish=wish, donor=data["donor"]),
        )

    @admin.action(description=_("确认心愿已实现"), permissions=["change"])
    def fulfil_selected(self, request, queryset):
        return self._move(
            request,
            queryset,
            FulfilForm,
            _("确认心愿已实现"),
            "fulfil_selected",
            lambda wish, data: services.micro_wish_fulfil(
                user=request.user, wish=wish, fulfilled_on=data["fulfilled_on"], note=data["note"]
            ),
        )

    @admin.action(description=_("取消认领（需填写原因）"), permissions=["change"])
    def release_selected(self, request, queryset):
        return self._move(
            request,
            queryset,
            ReleaseForm,
            _("取消认领"),
            "release_selected",
            lambda wish, data: services.micro_wish_release(user=request.user, wish=wish, reason=data["reason"]),
        )
