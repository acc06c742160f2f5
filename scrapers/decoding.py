"""Response bodies decoded under one byte cap, however many `Content-Encoding` layers they come in.

httpx decodes a gzip chunk in one call with no limit, so a few kilobytes sent as `gzip, gzip` can expand
to gigabytes before any size check sees them. Here the raw bytes are read and every layer is inflated with
`max_length`, so no layer ever holds more than the cap, and the body stops at the cap.
"""

from __future__ import annotations

import zlib

from scrapers.errors import MalformedPayload, ResponseTooLarge

# zlib's wbits for each encoding we ask for (`Accept-Encoding: gzip, deflate`): 31 reads a gzip header,
# 47 (32 + 15) reads a zlib or gzip header (HTTP deflate is zlib-wrapped, RFC 9110 8.4.1.2).
_WBITS = {"gzip": 31, "x-gzip": 31, "deflate": 47}


def encodings(header: str | None) -> list[str]:
    """The layers of a `Content-Encoding` header in the order they were applied, `identity` left out."""
    return [
        e.strip().lower() for e in (header or "").split(",") if e.strip() and e.strip().lower() != "identity"
    ]


class BoundedDecoder:
    """Feed raw chunks, get the decoded body; `ResponseTooLarge` as soon as any layer passes `cap` bytes."""

    def __init__(self, layers: list[str], cap: int, url: str = "") -> None:
        unknown = [layer for layer in layers if layer not in _WBITS]
        if unknown:
            raise MalformedPayload(f"unsupported Content-Encoding {', '.join(unknown)}", url=url)
        # decoding undoes the last encoding applied first
        self._inflaters = [zlib.decompressobj(_WBITS[layer]) for layer in reversed(layers)]
        self._cap = cap
        self._url = url
        self._chunks: list[bytes] = []
        self._fed = False
        self.size = 0

    def _inflate(self, index: int, data: bytes) -> bytes:
        inflater = self._inflaters[index]
        try:
            out = inflater.decompress(data, self._cap + 1)
        except zlib.error as exc:
            raise MalformedPayload(f"body is not the encoding it claims ({exc})", url=self._url) from exc
        if len(out) > self._cap or inflater.unconsumed_tail:
            raise ResponseTooLarge(f"decoded body exceeds the {self._cap:,}-byte cap", url=self._url)
        return out

    def _keep(self, decoded: bytes) -> None:
        self.size += len(decoded)
        if self.size > self._cap:
            raise ResponseTooLarge(f"body exceeds the {self._cap:,}-byte cap", url=self._url)
        self._chunks.append(decoded)

    def feed(self, chunk: bytes) -> None:
        self._fed = self._fed or bool(chunk)
        for index in range(len(self._inflaters)):
            chunk = self._inflate(index, chunk)
        self._keep(chunk)

    def body(self) -> bytes:
        """The whole decoded body, once every raw chunk was fed."""
        for index, inflater in enumerate(self._inflaters):
            rest = inflater.flush()
            for later in range(index + 1, len(self._inflaters)):
                rest = self._inflate(later, rest)
            self._keep(rest)
            if self._fed and not inflater.eof:
                raise MalformedPayload("body ends before its compressed stream does", url=self._url)
        return b"".join(self._chunks)
