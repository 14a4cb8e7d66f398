"""Members, organisations, dues and staff accounts in the admin.

Every queryset goes through the scope selector; saves go through members.services,
so the admin validates exactly like the portal and the API. ID numbers are shown
masked; only district staff see and edit them in full.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from jiading_union.admin import AuditedAdmin, ScopedAdmin, UserFormMixin, error_text, is_district
from jiading_union.admin_spreadsheets import SpreadsheetImportMixin

from . import services
from .imports import MemberResource
from .models import DuesRecord, Member, Organisation, StaffRole, User
from .selectors import member_search, members_visible_to, organisations_visible_to


class OrganisationForm(forms.ModelForm):
    """The service's checks, shown as form errors rather than a failed save."""

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level", self.instance.level)
        if self.instance.pk and level != self.instance.level:
            self.add_error("level", services.ORGANISATION_LEVEL_FIXED)
        elif "parent" in cleaned or not self.instance.pk:
            try:
                services.check_organisation_parent(level, cleaned.get("parent"))
            except ValidationError as exc:
                self.add_error("parent", exc.message_dict["parent"])
        return cleaned


class StaffUserChangeForm(UserChangeForm):
    user = None  # the request's user (UserFormMixin)

    def clean(self):
        cleaned = super().clean()
        try:
            services.check_account_management(self.user, self.instance, role=cleaned.get("role"))
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
        if not (self.instance.is_superuser and cleaned.get("role") == "member"):
            try:
                services.check_role_level(cleaned.get("role"), cleaned.get("organisation"))
            except ValidationError as exc:
                self.add_error("organisation", exc.message_dict["organisation"])
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    form = OrganisationForm
    list_display = ("code", "name", "level", "street", "unit_type", "industry", "employee_count", "union_established")
    list_filter = ("level", "street_kind", "unit_type", "industry", "union_established", "is_sanitation_operator")
    search_fields = ("=code", "name")
    list_select_related = ("street",)
    readonly_fields = ("street",)
    show_full_result_count = False

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=organisations_visible_to(request.user).values("pk")).select_related(
            "street", "parent"
        )

    def get_readonly_fields(self, request, obj=None):
        # Only the district reshapes the tree; street staff keep their units' details current.
        if is_district(request.user):
            return ("street",)
        return ("code", "level", "street_kind", "parent", "street")

    def save_model(self, request, obj, form, change):
        if change:
            stored = Organisation.objects.get(pk=obj.pk)
            services.organisation_update(organisation=stored, **{k: form.cleaned_data[k] for k in form.changed_data})
            return
        fields = {k: v for k, v in form.cleaned_data.items() if k not in ("code", "name", "level", "parent")}
        created = services.organisation_create(
            code=obj.code, name=obj.name, level=obj.level, parent=obj.parent, **fields
        )
        obj.pk, obj.street = created.pk, created.street


class DuesInline(admin.TabularInline):
    model = DuesRecord
    extra = 0
    fields = ("year", "amount", "paid_on", "paid_in_one_go")
    ordering = ("-paid_on",)


@admin.register(Member)
class MemberAdmin(SpreadsheetImportMixin, ScopedAdmin):
    resource_classes = [MemberResource]  # django-import-export, our engine underneath (members/imports.py)
    export_columns = (
        ("会员服务卡号", "card_number"),
        ("姓名", "name"),
        ("身份证号码", "id_number"),  # masked unless the role may read it (jiading_union/exports.py)
        ("性别", "sex"),
        ("出生日期", "birth_date"),
        ("手机号码", "phone"),
        ("所属工会", "organisation"),
        ("所属街镇", "street"),
        ("就业类型", "employment_type"),
        ("灵活就业行业", "flexible_industry"),
        ("入会日期", "joined_union_on"),
        ("会员服务卡生成日期", "card_issued_on"),
        ("在册", "is_active"),
    )
    list_display = (
        "card_number",
        "name",
        "masked_id",
        "sex",
        "birth_date",
        "organisation",
        "street",
        "employment_type",
        "hardship",
    )
    list_filter = ("employment_type", "sex", "marital_status", "has_city_medical_insurance", "is_active")
    search_fields = ("card_number",)  # see get_search_results: members.selectors.member_search
    search_help_text = _("按会员服务卡号、姓名（开头）、手机号或身份证后四位查找")
    list_select_related = ("organisation", "street")
    list_per_page = 50
    show_full_result_count = False
    inlines = (DuesInline,)
    autocomplete_fields = ()
    raw_id_fields = ("organisation", "hardship_certified_by", "user")

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("困难职工"), boolean=True)
    def hardship(self, obj):
        return obj.is_hardship

    def get_fields(self, request, obj=None):
        fields = [
            "card_number",
            "name",
            "id_number" if is_district(request.user) else "masked_id",
            "birth_date",
            "sex",
            "phone",
            "organisation",
            "street",
            "employment_type",
            "flexible_industry",
            "monthly_income",
            "joined_union_on",
            "card_issued_on",
            "has_city_medical_insurance",
            "marital_status",
            "hardship_certified_by",
            "hardship_certified_on",
            "user",
            "is_active",
        ]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        certifier = form.base_fields.get("hardship_certified_by")
        if certifier is not None:
            # The certifying union is one the user may see (a unit, its street, …), or the one recorded.
            allowed = organisations_visible_to(request.user)
            if obj is not None and obj.hardship_certified_by_id:
                allowed = allowed | Organisation.objects.filter(pk=obj.hardship_certified_by_id)
            certifier.queryset = allowed
        return form

    def get_readonly_fields(self, request, obj=None):
        locked = ["masked_id", "birth_date", "sex", "street", "user"]
        if not is_district(request.user):
            locked += ["card_number", "organisation"]
        return locked

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.MEMBER_EDITABLE}
        try:
            if change:
                services.member_update(member=obj, **{k: data[k] for k in form.changed_data if k in data})
            else:
                created = services.member_create(**{k: v for k, v in data.items() if k not in ("is_active",)})
                obj.pk = created.pk
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            raise

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(member_search(search_term)), False


@admin.register(DuesRecord)
class DuesRecordAdmin(ScopedAdmin):
    scope_organisation = "member__organisation"
    scope_street = "member__street"
    list_display = ("member", "year", "amount", "paid_on", "paid_in_one_go")
    list_filter = ("year", "paid_in_one_go")
    search_fields = ("=member__card_number",)
    raw_id_fields = ("member",)
    list_select_related = ("member",)
    show_full_result_count = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A dues record is added for, or moved to, a member of one's own scope only.
        if db_field.name == "member":
            kwargs["queryset"] = members_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffUserAddForm(AdminUserCreationForm):
    user = None

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)

    def clean(self):
        cleaned = super().clean()
        try:
            services.check_account_management(self.user, role=cleaned.get("role") or self.data.get("role"))
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        return cleaned


@admin.register(User)
class StaffUserAdmin(UserFormMixin, DjangoUserAdmin, AuditedAdmin):
    """Staff accounts. District staff manage grassroots and street accounts; district accounts,
    counsellors and superusers only the superuser; members' logins follow their member record and
    their passwords are the members' own (SMS code)."""

    form = StaffUserChangeForm
    add_form = StaffUserAddForm
    list_display = ("username", "first_name", "role", "organisation", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name")
    raw_id_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("工作人员"), {"fields": ("first_name", "email", "role", "organisation")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "first_name", "role", "organisation", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not is_district(request.user):
            return queryset.none()
        return queryset.exclude(role=StaffRole.MEMBER, is_superuser=False)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        try:
            # The stored account, not the instance a posted form may already have changed.
            services.check_account_management(request.user, User.objects.get(pk=obj.pk))
        except PermissionDenied:
            return False
        return True

    def save_model(self, request, obj, form, change):
        if change:
            stored = User.objects.get(pk=obj.pk)
            services.staff_user_update(
                user=stored,
                actor=request.user,
                **{k: form.cleaned_data[k] for k in form.changed_data if k in services.STAFF_EDITABLE},
            )
            return
        created = services.staff_user_create(
            username=obj.username,
            password=form.cleaned_data["password1"],
            role=obj.role,
            organisation=obj.organisation,
            full_name=obj.first_name,
            actor=request.user,
        )
        obj.pk = created.pk


# django-axes' records in the export (jiading_union.admin_spreadsheets.offer_export_everywhere): its
# field names have no Chinese words of their own.
SIGN_IN_EXPORT_COLUMNS = {
    "axes.accessattempt": (
        ("尝试时间", "attempt_time"),
        ("IP 地址", "ip_address"),
        ("用户名", "username"),
        ("浏览器", "user_agent"),
        ("访问路径", "path_info"),
        ("失败次数", "failures_since_start"),
    ),
    "axes.accesslog": (
        ("登录时间", "attempt_time"),
        ("退出时间", "logout_time"),
        ("IP 地址", "ip_address"),
        ("用户名", "username"),
        ("浏览器", "user_agent"),
        ("访问路径", "path_info"),
    ),
    "axes.accessfailurelog": (
        ("尝试时间", "attempt_time"),
        ("IP 地址", "ip_address"),
        ("用户名", "username"),
        ("浏览器", "user_agent"),
        ("访问路径", "path_info"),
        ("已锁定", "locked_out"),
    ),
}


class SignInAttemptAdmin(AccessAttemptAdmin):
    """django-axes' own admin of sign-in attempts, with its “clean up expired attempts” action made to
    work: axes reads the attempt time from the request, which it sets only during a sign-in, so the
    action was a 500 on every other request."""

    @admin.action(description=AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SignInAttemptAdmin)
