"""Dates and times the Indonesian way ("Jumat, 10 Oktober 2025 23.59 WITA")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

ZONE_NAMES = {
    "Asia/Makassar": "WITA",
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Jayapura": "WIT",
}


def zone_label(zone: str) -> str:
    return ZONE_NAMES.get(zone, zone)


def long_date(day: date, *, weekday: bool = False) -> str:
    """10 Oktober 2025, or Jumat, 10 Oktober 2025."""
    pattern = "EEEE, d MMMM y" if weekday else "d MMMM y"
    return format_date(day, pattern, locale="id")


def local_datetime(moment: datetime, zone: str) -> str:
    """29 November 2026 16.05 WITA: the person's office time, never UTC."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{long_date(local.date())} {local:%H.%M} {zone_label(zone)}"
