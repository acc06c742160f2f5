"""`RawPosting`: what every source produces, validated and normalised at the boundary."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scrapers.text import clean_line, html_to_text

PayPeriod = Literal["hour", "day", "week", "month", "year"]

_PERIOD_ALIASES: dict[str, PayPeriod] = {
    "hour": "hour",
    "hourly": "hour",
    "per-hour-wage": "hour",
    "day": "day",
    "daily": "day",
    "per-day-wage": "day",
    "week": "week",
    "weekly": "week",
    "per-week-salary": "week",
    "month": "month",
    "monthly": "month",
    "per-month-salary": "month",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "per-year-salary": "year",
}


def normalise_period(value: object) -> PayPeriod | None:
    """Map the many spellings sources use for a pay period (`YEAR`, `per-year-salary`, Ashby's `1 HOUR`...)."""
    if value is None:
        return None
    key = str(value).strip().lower().replace("_", "-").removeprefix("1 ")
    return _PERIOD_ALIASES.get(key)


# lone surrogates; C0 controls but tab, line feed and carriage return (ESC starts terminal sequences); DEL.
# C1 controls stay: mojibake ("Youâ\x80\x99ll") holds them until ftfy repairs it (`scrapers.text.repair`).
_UNSAFE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitise(text: str) -> str:
    """`text` without lone surrogates and control characters (terminal escape sequences lose their ESC)."""
    return _UNSAFE.sub("", text)


def number_or_none(value: Any) -> float | None:
    """A positive number, or None for missing, zero, or junk (sources use 0 for 'not stated')."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def to_utc(value: object) -> datetime | None:
    """Parse ISO strings, epoch seconds or milliseconds into an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        seconds = value / 1000 if value > 10_000_000_000 else value
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    else:
        text = str(value).strip()
        if text.isdigit():
            return to_utc(int(text))
        if text.endswith((" UTC", " GMT")):  # Recruitee: "2026-09-18 13:27:28 UTC"
            text = text[:-4] + "+00:00"
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class RawPosting(BaseModel):
    """One job posting as a source published it, before any interpretation.

    `description_text` is derived from `description_html` when a source gives only HTML, so every
    consumer reads the same clean text. Structured pay is kept only when the source publishes it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(min_length=1)
    board: str = Field(min_length=1)
    external_id: str = Field(min_length=1)
    url: str | None = None
    company: str | None = None
    title: str = Field(min_length=1)
    location: str | None = None
    description_html: str = ""
    description_text: str = ""
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    pay_min: float | None = Field(default=None, ge=0)
    pay_max: float | None = Field(default=None, ge=0)
    pay_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    pay_period: PayPeriod | None = None
    pay_text: str | None = None
    remote_hint: bool | None = None
    valid_through: datetime | None = None  # the source's own closing date: past it, the posting is closed
    fetched_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("title", "company", "location", "pay_text", mode="before")
    @classmethod
    def _one_clean_line(cls, value: Any) -> Any:
        return clean_line(value) if value is not None else None

    @field_validator("external_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value).strip() if value is not None else value

    @field_validator("posted_at", "updated_at", "valid_through", "fetched_at", mode="before")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return to_utc(value)

    @field_validator("pay_currency", mode="before")
    @classmethod
    def _currency_code(cls, value: Any) -> Any:
        if value is None or str(value).strip() == "":
            return None
        return str(value).strip().upper()

    @field_validator("pay_period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        return normalise_period(value)

    @model_validator(mode="before")
    @classmethod
    def _sanitised(cls, data: Any) -> Any:
        """Text as feeds send it, made safe once here: lone surrogates (a string cut inside an emoji) and
        control characters other than line breaks and tabs are dropped, so nothing later (hashing, the
        warehouse, a terminal) meets them."""
        if not isinstance(data, dict):
            return data
        return {key: sanitise(value) if isinstance(value, str) else value for key, value in data.items()}

    @model_validator(mode="before")
    @classmethod
    def _derive_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("description_text"):
            data = {**data, "description_text": html_to_text(data.get("description_html") or "")}
        elif isinstance(data, dict):
            data = {**data, "description_text": html_to_text(data["description_text"])}
        return data

    @model_validator(mode="before")
    @classmethod
    def _no_token_yearly_pay(cls, data: Any) -> Any:
        """Pay published as yearly but under 1,000 is not a year's pay (a feed's placeholder, or an hourly
        rate with the period lost): it is dropped rather than stored as a salary every band would count."""
        if not isinstance(data, dict) or normalise_period(data.get("pay_period")) != "year":
            return data
        amounts = [
            number for key in ("pay_min", "pay_max") if (number := number_or_none(data.get(key))) is not None
        ]
        if amounts and max(amounts) < 1000:
            return {**data, "pay_min": None, "pay_max": None, "pay_currency": None, "pay_period": None}
        return data

    @model_validator(mode="after")
    def _pay_is_consistent(self) -> RawPosting:
        if self.pay_min is not None and self.pay_max is not None and self.pay_min > self.pay_max:
            raise ValueError(f"pay_min {self.pay_min} is above pay_max {self.pay_max}")
        return self

    @property
    def posting_id(self) -> str:
        return f"{self.source}:{self.board}:{self.external_id}"

    def content_hash(self) -> str:
        """Hash of what extraction reads: unchanged hash means nothing needs extracting again."""
        parts = [
            self.title,
            self.company or "",
            self.location or "",
            self.description_text,
            f"{self.pay_min}|{self.pay_max}|{self.pay_currency}|{self.pay_period}|{self.pay_text}",
            str(self.remote_hint),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
