"""The text of a CV or skill list: plain text and Markdown as they are, PDF through pypdf's text layer.

Kept apart from skill extraction so each says clearly what went wrong: a file that cannot be read, a PDF
that is a scan (pages, but no text), or a text in which no skill is found (`skillradar gap` says that).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError

from extract.errors import CVError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}


def cv_text(path: Path) -> str:
    """The text of the CV at `path` (.txt, .md or .pdf)."""
    if not path.is_file():
        raise CVError(f"{path} does not exist")
    return cv_text_of(str(path), path.read_bytes())


def cv_text_of(name: str, data: bytes) -> str:
    """The text of a CV named `name` (its suffix says its format) whose bytes are `data`: an upload, a file."""
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        return pdf_text(name, data)
    if suffix not in TEXT_SUFFIXES:
        raise CVError(f"{name}: give the CV as .txt, .md or .pdf (not {suffix})")
    return data.decode("utf-8", errors="replace")


def pdf_text(name: str, data: bytes) -> str:
    try:
        reader = PdfReader(BytesIO(data))
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
        text = "" if locked else "\n".join(page.extract_text() or "" for page in reader.pages)
    # DependencyError: an AES-encrypted PDF, which pypdf reads only with the `cryptography` package
    except (PyPdfError, DependencyError, OSError, ValueError) as exc:
        raise CVError(f"{name} is not a readable PDF ({exc})") from exc
    if locked:
        raise CVError(
            f"{name} is password-protected; give the CV as .txt or .md, or a PDF without a password"
        )
    if not text.strip():
        raise CVError(
            f"{name} has {len(reader.pages)} page(s) but no text layer (a scan?); give the CV as .txt or .md"
        )
    return text
