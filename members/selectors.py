"""Reads. `scope_for` is the one answer to "what may this staff user see";
every staff-facing queryset in the project filters through it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Member, Organisation, OrganisationLevel, StaffRole, User


@dataclass(frozen=True)
class Scope:
    """What part of the organisation tree a user may see. Deny by default."""

    level: str  # "none", "grassroots", "street" or "district"
    organisation_id: int | None = None

    @property
    def is_none(self) -> bool:
        return self.level == "none"

    def q(self, *, organisation: str = "organisation", street: str = "street") -> Q | None:
        """A Q for a model reaching the tree through `organisation` and `street`
        lookups; None means "everything" (district)."""
        if self.level == "district":
            return None
        if self.level == "street":
            return Q(**{f"{street}_id": self.organisation_id})
        if self.level == "grassroots":
            return Q(**{f"{organisation}_id": self.organisation_id})
        return Q(pk__in=[])

    def filter(self, queryset: QuerySet, *, organisation: str = "organisation", street: str = "street") -> QuerySet:
        if self.is_none:
            return queryset.none()
        condition = self.q(organisation=organisation, street=street)
        return queryset if condition is None else queryset.filter(condition)


NO_SCOPE = Scope("none")

_ROLE_SCOPE = {
    StaffRole.GRASSROOTS: (OrganisationLevel.GRASSROOTS, "grassroots"),
    StaffRole.STREET: (OrganisationLevel.STREET, "street"),
    StaffRole.DISTRICT: (OrganisationLevel.DISTRICT, "district"),
}


def active_member_id(user: User) -> int | None:
    """The id of the active member record behind a login: all a first-come request needs to queue."""
    return Member.objects.filter(user=user, is_active=True).values_list("pk", flat=True).first()


def scope_for(user: User | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return Scope("district")
    if not user.is_staff:
        return NO_SCOPE
    expected = _ROLE_SCOPE.get(user.role)
    organisation = user.organisation
    # A staff account whose organisation does not match its role sees nothing.
    if expected is None or organisation is None or organisation.level != expected[0] or not organisation.is_active:
        return NO_SCOPE
    return Scope(expected[1], organisation.pk)


def is_district_staff(user: User | None) -> bool:
    """District staff (or the superuser): the one test, wherever district-only work is guarded."""
    return scope_for(user).level == "district"


def may_read_full_id_numbers(user: User | None) -> bool:
    """Full national ID numbers: district staff only; everyone else sees them masked, downloads included."""
    return is_district_staff(user)


def organisations_visible_to(user: User | None) -> QuerySet[Organisation]:
    scope = scope_for(user)
    organisations = Organisation.objects.all()
    if scope.level == "district":
        return organisations
    if scope.level == "street":
        return organisations.filter(Q(pk=scope.organisation_id) | Q(street_id=scope.organisation_id))
    if scope.level == "grassroots":
        return organisations.filter(pk=scope.organisation_id)
    return organisations.none()


def members_visible_to(user: User | None) -> QuerySet[Member]:
    return scope_for(user).filter(Member.objects.select_related("organisation", "street"))


def member_search(term: str) -> Q:
    """One indexed lookup chosen by what the staff typed (a generic OR over fields would scan
    every member): card number, phone, the ID number's last four, or the beginning of a name."""
    term = term.strip()
    upper = term.upper()
    if term.isascii() and term.isdigit() and len(term) == 10:
        return Q(card_number=term)
    if term.isascii() and term.isdigit() and len(term) == 11:
        return Q(phone=term)
    if len(upper) == 4 and upper[:3].isdigit() and (upper[3].isdigit() or upper[3] == "X"):
        return Q(id_number_last4=upper)
    return Q(name__startswith=term)


def member_for_user(user: User | None) -> Member | None:
    """The member record behind a portal login, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.select_related("organisation", "street").filter(user=user, is_active=True).first()


def account_for_sign_in(identifier: str) -> User | None:
    """The one login account a sign-in identifier names, in one query.

    A 10-digit card number or an 11-digit registered phone names a member's login while the
    member record is active; otherwise the identifier is a staff username (or a superuser's).
    A member's login never signs in through the username path: its username is the card
    number, and a member who left must stay out.
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    staff = Q(username=identifier) & (~Q(role=StaffRole.MEMBER) | Q(is_superuser=True))
    condition = staff
    if identifier.isascii() and identifier.isdigit() and len(identifier) in (10, 11):
        field = "member__card_number" if len(identifier) == 10 else "member__phone"
        condition = Q(member__is_active=True, **{field: identifier}) | staff
    candidates = list(User.objects.filter(condition)[:2])
    # A card number or phone that is also some staff username: the member comes first, as it always did.
    candidates.sort(key=lambda user: user.role != StaffRole.MEMBER)
    return candidates[0] if candidates else None
