"""Small helpers shared by the pure parsers: shape checks that fail loudly, and tolerant item building.

A payload whose overall shape is wrong raises `MalformedPayload`; one bad item inside an otherwise good
list is skipped and named in `Postings.skipped`, so a single odd job never costs the whole board.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from scrapers.errors import MalformedPayload
from scrapers.models import RawPosting
from scrapers.models import number_or_none as number_or_none  # the parsers' helper, kept with the model


class Postings(list[RawPosting]):
    """A parse result: the postings, a note for every item that could not be turned into one (`skipped`:
    the board is incomplete), and a note for every posting that landed with a detail missing (`warnings`:
    the list is complete, but e.g. a per-job pay or description call failed)."""

    def __init__(self, items: Iterable[RawPosting] = (), skipped: list[str] | None = None) -> None:
        super().__init__(items)
        self.skipped: list[str] = skipped or []
        self.warnings: list[str] = []


def expect_dict(payload: Any, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise MalformedPayload(f"expected a JSON object for {what}, got {type(payload).__name__}")
    return payload


def expect_list(payload: Any, what: str) -> list[Any]:
    if not isinstance(payload, list):
        raise MalformedPayload(f"expected a JSON array for {what}, got {type(payload).__name__}")
    return payload


def list_field(payload: Any, key: str, what: str) -> list[Any]:
    """`payload[key]` as a list; missing or wrong-typed means the API changed under us."""
    body = expect_dict(payload, what)
    if key not in body:
        raise MalformedPayload(f"{what} has no {key!r} field (keys: {', '.join(list(body)[:8])})")
    return expect_list(body[key], f"{what}.{key}")


def build_postings(items: Iterable[Any], build: Callable[[dict[str, Any]], RawPosting | None]) -> Postings:
    """Apply `build` to each item; keep the valid postings and name the ones that failed validation."""
    result = Postings()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.skipped.append(f"item {index}: not an object ({type(item).__name__})")
            continue
        try:
            posting = build(item)
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            ident = item.get("id") or item.get("slug") or index
            summary = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            result.skipped.append(f"item {ident}: {type(exc).__name__}: {summary}")
            continue
        if posting is not None:
            result.append(posting)
    return result


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def ordered_pay(low: float | None, high: float | None) -> tuple[float | None, float | None]:
    """Some feeds swap min and max; keep them in order rather than rejecting the posting."""
    if low is not None and high is not None and low > high:
        return high, low
    return low, high


def failed_details(details: dict[str, Any], what: str) -> list[str]:
    """Warnings for the per-item detail calls that failed (see `PoliteClient.get_json_each`)."""
    return [
        f"{key}: {what} unavailable ({detail['error']})"
        for key, detail in details.items()
        if isinstance(detail, dict) and "error" in detail
    ]


def with_workplace(location: str | None, *, hybrid: bool) -> str | None:
    """A location with the source's hybrid flag written into it ("Montreal, QC, Canada (Hybrid)"), so the
    flag reaches extraction the way a location that says so itself does; unchanged when it already says."""
    if not hybrid or (location and "hybrid" in location.lower()):
        return location
    return f"{location} (Hybrid)" if location else "Hybrid"
