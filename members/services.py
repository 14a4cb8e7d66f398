"""Writes for members and organisations. Views, admin, API and commands call these."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .identity import IdentityError, normalize_card_number, normalize_id_number, parse_id_number
from .models import ROLE_LEVEL, DuesRecord, Member, Organisation, OrganisationLevel, StaffRole, User
from .roles import group_for

MEMBER_ORGANISATION_LEVEL = "会员的所属工会必须是基层工会或街镇（园区、行业）工会，不能是区总工会。"
FLEXIBLE_INDUSTRY_REQUIRED = "灵活就业人员必须填写灵活就业行业。"
FLEXIBLE_INDUSTRY_NOT_ALLOWED = "只有灵活就业人员才填写灵活就业行业。"
HARDSHIP_PAIR = "困难职工认定工会和认定日期必须同时填写。"
STAFF_ROLE_LEVEL = "{role}必须属于{level}。"
ORGANISATION_PARENT_LEVEL = "{level}的上级必须是{parent_level}。"
ORGANISATION_LEVEL_FIXED = "组织层级不能修改：请新建组织。"

_PARENT_LEVEL = {
    OrganisationLevel.STREET: OrganisationLevel.DISTRICT,
    OrganisationLevel.GRASSROOTS: OrganisationLevel.STREET,
}


def organisation_street(organisation: Organisation) -> Organisation | None:
    """The street/town (or park, industry) union an organisation belongs to."""
    if organisation.level == OrganisationLevel.STREET:
        return organisation
    if organisation.level == OrganisationLevel.GRASSROOTS:
        return organisation.parent
    return None


def check_organisation_parent(level: str, parent: Organisation | None) -> None:
    expected_parent = _PARENT_LEVEL.get(level)
    if expected_parent and (parent is None or parent.level != expected_parent):
        raise ValidationError(
            {
                "parent": ORGANISATION_PARENT_LEVEL.format(
                    level=OrganisationLevel(level).label, parent_level=OrganisationLevel(expected_parent).label
                )
            }
        )


@transaction.atomic
def organisation_create(*, code: str, name: str, level: str, parent: Organisation | None, **fields) -> Organisation:
    check_organisation_parent(level, parent)
    organisation = Organisation(code=code, name=name, level=level, parent=parent, **fields)
    organisation.street = organisation_street(organisation) if level != OrganisationLevel.STREET else None
    organisation.full_clean(exclude=["street"])
    organisation.save()
    if level == OrganisationLevel.STREET:
        organisation.street = organisation
        organisation.save(update_fields=["street"])
    return organisation


def member_fill_derived(member: Member) -> Member:
    """Normalise identifiers and derive birth date, sex, ID tail and street.

    Used by member_create/member_update and by bulk loads (seed, imports), so a
    member row never disagrees with its own ID number. Raises IdentityError.
    """
    member.card_number = normalize_card_number(member.card_number)
    member.id_number = normalize_id_number(member.id_number)
    national_id = parse_id_number(member.id_number)
    member.birth_date = national_id.birth_date
    member.sex = national_id.sex
    member.id_number_last4 = member.id_number[-4:]
    if member.organisation_id is not None:
        member.street = organisation_street(member.organisation)
    return member


def _member_validate(member: Member) -> None:
    errors: dict[str, list[str]] = {}
    try:
        member_fill_derived(member)
    except IdentityError as exc:
        errors.setdefault("id_number", []).append(str(exc))
    if member.organisation_id is not None and member.organisation.level == OrganisationLevel.DISTRICT:
        errors.setdefault("organisation", []).append(MEMBER_ORGANISATION_LEVEL)
    if member.employment_type == "flexible_worker" and not member.flexible_industry:
        errors.setdefault("flexible_industry", []).append(FLEXIBLE_INDUSTRY_REQUIRED)
    if member.employment_type != "flexible_worker" and member.flexible_industry:
        errors.setdefault("flexible_industry", []).append(FLEXIBLE_INDUSTRY_NOT_ALLOWED)
    if (member.hardship_certified_by_id is None) != (member.hardship_certified_on is None):
        errors.setdefault("hardship_certified_on", []).append(HARDSHIP_PAIR)
    try:
        # Derived fields were set above; an invalid ID has already been reported.
        member.full_clean(exclude=["birth_date", "sex", "street", "id_number_last4"] if errors else ["street"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def member_create(
    *,
    card_number: str,
    name: str,
    id_number: str,
    organisation: Organisation,
    phone: str = "",
    employment_type: str = "employee",
    flexible_industry: str = "",
    monthly_income: Decimal | None = None,
    joined_union_on: date | None = None,
    card_issued_on: date | None = None,
    has_city_medical_insurance: bool = True,
    marital_status: str = "unknown",
    hardship_certified_by: Organisation | None = None,
    hardship_certified_on: date | None = None,
    user: User | None = None,
) -> Member:
    member = Member(
        card_number=card_number,
        name=name.strip(),
        id_number=id_number,
        organisation=organisation,
        phone=phone.strip(),
        employment_type=employment_type,
        flexible_industry=flexible_industry,
        monthly_income=monthly_income,
        joined_union_on=joined_union_on,
        card_issued_on=card_issued_on,
        has_city_medical_insurance=has_city_medical_insurance,
        marital_status=marital_status,
        hardship_certified_by=hardship_certified_by,
        hardship_certified_on=hardship_certified_on,
        user=user,
    )
    _member_validate(member)
    member.save()
    return member


MEMBER_EDITABLE = {
    "card_number",
    "name",
    "id_number",
    "organisation",
    "phone",
    "employment_type",
    "flexible_industry",
    "monthly_income",
    "joined_union_on",
    "card_issued_on",
    "has_city_medical_insurance",
    "marital_status",
    "hardship_certified_by",
    "hardship_certified_on",
    "is_active",
    "user",
}


@transaction.atomic
def member_update(*, member: Member, **fields) -> Member:
    unknown = set(fields) - MEMBER_EDITABLE
    if unknown:
        raise TypeError(f"member_update: not editable: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(member, field, value)
    _member_validate(member)
    member.save()
    if member.user_id is not None and member.user.is_active != member.is_active:
        # A member who leaves loses the portal login with the membership.
        member.user.is_active = member.is_active
        member.user.save(update_fields=["is_active"])
    return member


@transaction.atomic
def dues_record_create(
    *, member: Member, year: int, amount: Decimal, paid_on: date, paid_in_one_go: bool
) -> DuesRecord:
    record = DuesRecord(member=member, year=year, amount=amount, paid_on=paid_on, paid_in_one_go=paid_in_one_go)
    record.full_clean()
    record.save()
    return record


def check_role_level(role: str, organisation: Organisation | None) -> None:
    expected_level = ROLE_LEVEL.get(StaffRole(role))
    if expected_level is None or organisation is None or organisation.level != expected_level:
        raise ValidationError(
            {
                "organisation": STAFF_ROLE_LEVEL.format(
                    role=StaffRole(role).label,
                    level=OrganisationLevel(expected_level).label if expected_level else "—",
                )
            }
        )


ACCOUNT_ABOVE_YOU = "您不能创建或修改与您同级或更高权限的账号（密码、状态、角色）：请联系系统管理员。"
MEMBER_PASSWORD_OWN_ONLY = "会员的登录密码只能由会员本人通过登记手机的短信验证码设置。"

# Who outranks whom over accounts. An account holding any grant beyond its role's group (a
# counsellor's confidential access, say) is managed by the superuser alone.
_AUTHORITY = {StaffRole.MEMBER: 0, StaffRole.GRASSROOTS: 1, StaffRole.STREET: 2, StaffRole.DISTRICT: 3}
_SUPERUSER = 4


def account_authority(user: User) -> int:
    if user.is_superuser:
        return _SUPERUSER
    if user.pk is not None:
        from .roles import ROLE_GROUPS

        own_group = ROLE_GROUPS.get(user.role)
        if user.user_permissions.exists() or user.groups.exclude(name=own_group).exists():
            return _SUPERUSER
    return _AUTHORITY.get(user.role, 0)


def check_account_management(actor: User | None, target: User | None = None, *, role: str | None = None) -> None:
    """Nobody creates or changes an account at or above their own authority (None: a command run by
    the operators). This keeps maker-checker real: a district clerk cannot take over the other
    payout reviewer, a counsellor or the superuser."""
    if actor is None:
        return
    mine = account_authority(actor)
    theirs = max(
        account_authority(target) if target is not None and target.pk else 0, _AUTHORITY.get(role, 0) if role else 0
    )
    if theirs >= mine:
        raise PermissionDenied(ACCOUNT_ABOVE_YOU)


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    password: str,
    role: str,
    organisation: Organisation,
    full_name: str = "",
    email: str = "",
    actor: User | None = None,
) -> User:
    check_account_management(actor, role=role)
    check_role_level(role, organisation)
    user = User(username=username, role=role, organisation=organisation, first_name=full_name, email=email)
    user.is_staff = True
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([group_for(role)])
    return user


STAFF_EDITABLE = {"role", "organisation", "first_name", "email", "is_active", "username"}


@transaction.atomic
def staff_user_update(*, user: User, actor: User | None = None, **fields) -> User:
    """Edit a staff account. The role must fit the organisation's level, and the account's
    permission group follows its role (a promoted clerk must not keep the old role's rights).
    The actor must outrank the account before and after the change."""
    unknown = set(fields) - STAFF_EDITABLE
    if unknown:
        raise TypeError(f"staff_user_update: not editable: {sorted(unknown)}")
    check_account_management(actor, user, role=fields.get("role"))
    for field, value in fields.items():
        setattr(user, field, value)
    if not (user.is_superuser and user.role == StaffRole.MEMBER):  # a bare technical superuser has no role
        check_role_level(user.role, user.organisation)
    user.full_clean(exclude=["password"])
    user.save()
    group = group_for(user.role)
    user.groups.set([group] if group else [])
    return user


@transaction.atomic
def staff_user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """A new password for a staff account, set by someone who outranks it. Members' passwords are
    set only by the members themselves (SMS code), never by staff."""
    if user.role == StaffRole.MEMBER and not user.is_superuser:
        raise PermissionDenied(MEMBER_PASSWORD_OWN_ONLY)
    check_account_management(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    """Edit an organisation. Its level is fixed; a new parent must be of the right level, and moving
    a unit to another street/town moves its members' denormalised street (scope) with it."""
    if "level" in fields and fields["level"] != organisation.level:
        raise ValidationError({"level": ORGANISATION_LEVEL_FIXED})
    for field, value in fields.items():
        setattr(organisation, field, value)
    check_organisation_parent(organisation.level, organisation.parent)
    new_street = organisation_street(organisation)
    moved = organisation.level == OrganisationLevel.GRASSROOTS and new_street != organisation.street
    organisation.street = new_street
    organisation.full_clean()
    organisation.save()
    if moved:
        Member.objects.filter(organisation=organisation).update(street=new_street)
    return organisation


@transaction.atomic
def member_account_create(*, member: Member, password: str) -> User:
    """A portal login for a member: username is the card number."""
    user = User(username=member.card_number, role=StaffRole.MEMBER, first_name=member.name)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    member.user = user
    member.save(update_fields=["user"])
    return user
