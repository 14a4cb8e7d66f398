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

from members.models import Organisation, User
from projects.services import permissions
from projects.services.permissions import check_street_keeper

from .models import SERVICE_FIELDS, CareService, CareStation

NO_SERVICE = "请至少选择一项服务内容。"
UNKNOWN_SERVICE = "未知的服务内容：{codes}。"

# The shared messages, as this app's users read them (tests assert on these).
NOT_MANAGER = permissions.NOT_MANAGER.format(thing="爱心接力站")
NOT_YOUR_STREET = permissions.NOT_YOUR_STREET.format(thing="爱心接力站")
NOT_A_STREET = permissions.NOT_A_STREET


def check_station_manager(*, user: User, street: Organisation) -> None:
    """May this user keep this street's 爱心接力站? Raises ApplicationError naming the field."""
    check_street_keeper(user=user, street=street, thing="爱心接力站")


def service_flags(services: Iterable[str]) -> dict[str, bool]:
    """{"offers_water": True, …} for the given service codes; ValidationError on none or unknown codes."""
    codes = set(services)
    unknown = sorted(codes - set(CareService.values))
    if unknown:
        raise ValidationError({"services": UNKNOWN_SERVICE.format(codes="、".join(unknown))})
    if not codes:
        raise ValidationError({"services": NO_SERVICE})
    return {field: code in codes for code, field in SERVICE_FIELDS.items()}


def _fill(
    station: CareStation,
    *,
    name: str,
    street: Organisation,
    address: str,
    services: Iterable[str],
    opening_hours: str,
    contact_phone: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    is_active: bool,
) -> CareStation:
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
def care_station_create(
    *,
    user: User,
    name: str,
    street: Organisation,
    address: str,
    services: Iterable[str],
    opening_hours: str,
    contact_phone: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_active: bool = True,
) -> CareStation:
    check_station_manager(user=user, street=street)
    return _fill(
        CareStation(),
        name=name,
        street=street,
        address=address,
        services=services,
        opening_hours=opening_hours,
        contact_phone=contact_phone,
        latitude=latitude,
        longitude=longitude,
        is_active=is_active,
    )


@transaction.atomic
def care_station_update(
    *,
    user: User,
    station: CareStation,
    name: str,
    street: Organisation,
    address: str,
    services: Iterable[str],
    opening_hours: str,
    contact_phone: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_active: bool = True,
) -> CareStation:
    """Replace a station's details. Street staff may not move a station out of (or into) another street."""
    locked = CareStation.objects.select_for_update().get(pk=station.pk)
    check_station_manager(user=user, street=locked.street)
    check_station_manager(user=user, street=street)
    return _fill(
        locked,
        name=name,
        street=street,
        address=address,
        services=services,
        opening_hours=opening_hours,
        contact_phone=contact_phone,
        latitude=latitude,
        longitude=longitude,
        is_active=is_active,
    )
