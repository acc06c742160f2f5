"""Annualising pay and converting it to USD with offline ECB rates for the posting's date."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from currency_converter import CurrencyConverter, RateNotFoundError

from extract.schema import Period

PER_YEAR: dict[str, float] = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}
COUNTRY_CURRENCY = {
    "US": "USD", "CA": "CAD", "GB": "GBP", "IN": "INR", "AU": "AUD", "SG": "SGD", "CH": "CHF", "PL": "PLN",
    "SE": "SEK", "NO": "NOK", "DK": "DKK", "JP": "JPY", "BR": "BRL", "MX": "MXN", "NZ": "NZD", "IL": "ILS",
    "CZ": "CZK", "HU": "HUF", "RO": "RON", "ZA": "ZAR", "AE": "AED", "KR": "KRW", "CN": "CNY", "HK": "HKD",
    "UA": "UAH", "TR": "TRY",
    **{c: "EUR" for c in ["AT", "BE", "CY", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PT", "SK", "SI", "ES", "HR"]},
}  # fmt: skip


@cache
def _converter() -> CurrencyConverter:
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def local_currency(country: str | None) -> str:
    return COUNTRY_CURRENCY.get(country or "", "USD")


def annual_usd(
    amount: float | None, currency: str, period: Period, when: date | datetime | None
) -> float | None:
    """`amount` per `period` in `currency`, as a yearly USD figure at the ECB rate of `when` (or latest)."""
    if amount is None:
        return None
    yearly = amount * PER_YEAR[period]
    if currency == "USD":
        return round(yearly, 2)
    day = when.date() if isinstance(when, datetime) else when
    try:
        return round(float(_converter().convert(yearly, currency, "USD", date=day)), 2)
    except (RateNotFoundError, ValueError):
        return None
