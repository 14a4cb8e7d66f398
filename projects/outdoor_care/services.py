"""Writes for the outdoor-worker care stations.

Street/town union staff keep their own street's stations; district staff keep
all. Every door (admin, API, commands) calls these, so the scope check and the
validation are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import Organisation, OrganisationLevel, User
from members.selectors import scope_for
from projects.services.errors import ApplicationError

from .models import SERVICE_FIELDS, CareService, CareStation

NOT_MANAGER = "只有街镇工会或区总工会工作人员可以维护爱心接力站。"
NOT_YOUR_STREET = "您只能维护本街镇的爱心接力站。"
NOT_A_STREET = "所属街镇须为街镇（园区、行业）工会。"
NO_SERVICE = "请至少选择一项服务内容。"
UNKNOWN_SERVICE = "未知的服务内容：{codes}。"


def check_station_manager(*, user: User, street: Organisation) -> None:
    """May this user keep stations of this street? Raises ApplicationError naming the field."""
    scope = scope_for(user)
    if scope.level not in ("district", "street"):
        raise ApplicationError(NOT_MANAGER)
    if street.level != OrganisationLevel.STREET:
        raise ApplicationError(NOT_A_STREET, field="street")
    if scope.level == "street" and street.pk != scope.organisation_id:
        raise ApplicationError(NOT_YOUR_STREET, field="street")


def service_flags(services: Iterable[str]) -> dict[str, bool]:
    """{"offers_water": True, …} for the given service codes; ValidationError on none or unknown codes."""
    codes = set(services)
    unknown = sorted(codes - set(CareService.values))
    if unknown:
        raise ValidationError({"services": UNKNOWN_SERVICE.format(codes="、".join(unknown))})
    if not codes:
        raise ValidationError({"services": NO_SERVICE})
    return {field: code in codes for code, field in SERVICE_FIELDS.items()}


def _fill(station: CareStation, *, name: str, street: Organisation, address: str, services: Iterable[str],
          opening_hours: str, contact_phone: str, latitude: Decimal | None, longitude: Decimal | None,
          is_active: bool) -> CareStation:
    station.name = name.strip()
    station.street = street
    station.address = address.strip()
    for field, offered in service_flags(services).items():
        setattr(station, field, offered)
    station.opening_hours = opening_hours.strip()
    station.contact_phone = contact_phone.strip()
    station.latitude, station.longitude = latitude, longitude
    station.is_active = is_active
    station.full_clean()  # field validators and the Meta constraints, by field
    station.save()
    return station


@transaction.atomic
def care_station_create(*, user: User, name: str, street: Organisation, address: str, services: Iterable[str],
                        opening_hours: str, contact_phone: str, latitude: Decimal | None = None,
                        longitude: Decimal | None = None, is_active: bool = True) -> CareStation:
    check_station_manager(user=user, street=street)
    return _fill(CareStation(), name=name, street=street, address=address, services=services,
                 opening_hours=opening_hours, contact_phone=contact_phone, latitude=latitude, longitude=longitude,
                 is_active=is_active)


@transaction.atomic
def care_station_update(*, user: User, station: CareStation, name: str, street: Organisation, address: str,
                        services: Iterable[str], opening_hours: str, contact_phone: str,
                        latitude: Decimal | None = None, longitude: Decimal | None = None,
                        is_active: bool = True) -> CareStation:
    """Replace a station's details. Street staff may not move a station out of (or into) another street."""
    locked = CareStation.objects.select_for_update().get(pk=station.pk)
    check_station_manager(user=user, street=locked.street)
    check_station_manager(user=user, street=street)
    return _fill(locked, name=name, street=street, address=address, services=services,
                 opening_hours=opening_hours, contact_phone=contact_phone, latitude=latitude, longitude=longitude,
                 is_active=is_active)
