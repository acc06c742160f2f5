"""Typed extraction failures."""

from __future__ import annotations


class ExtractionError(Exception):
    """A posting could not be extracted by a backend; says which posting, which backend and why."""

    def __init__(self, posting_id: str, backend: str, cause: str) -> None:
        self.posting_id = posting_id
        self.backend = backend
        self.cause = cause
        super().__init__(f"[{backend}] posting {posting_id}: {cause}")


class TaxonomyError(ValueError):
    """The taxonomy or a roadmap file is invalid (duplicate id, alias on two ids, unknown skill id...)."""


class CVError(ValueError):
    """A CV could not be read: a missing file, an unsupported format, or a PDF without a text layer."""
