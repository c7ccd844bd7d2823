"""Decoding an export file in one streaming pass, without holding it in memory.

The pass finds the encoding (UTF-8, UTF-8 with BOM, Windows-1252, UTF-16 with
or without a BOM), rejects binary files, and counts the file's physical lines
and where its empty lines are: the loader checks the rows DuckDB read against
these counts, so no line can vanish unnoticed. A file that is not UTF-8 is
written out as UTF-8 next to the work files, once, for DuckDB to read.
"""

from __future__ import annotations

import codecs
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20
HEAD = 1 << 16
#: bytes Windows-1252 leaves undefined: a file holding one is not Windows-1252 text
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_EMPTY = re.compile(rb"\n\r?(?=\n)")
#: bytes whose absence from a file rules out some white space at a cell's edge: a tab, a carriage return, a quote
#: (without one, no value holds a line break), and the last byte of a no-break space (or of another character)
MARKS = (b"\t", b"\r", b'"', b"\xa0")


class NotText(Exception):
    """The file cannot be decoded as text; `message` says why, for a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Decoded:
    path: Path  # a UTF-8 file (the original, or a transcoded copy)
    encoding: str  # as the load report names it
    lines: int = 0  # physical lines
    empty_lines: array = field(default_factory=lambda: array("q"))  # 1-based numbers of empty lines
    head: str = ""  # the start of the text, for finding the delimiter and the header
    marks: frozenset = frozenset(MARKS)  # which of MARKS the text holds


class _LineCounter:
    """Counts lines and notes the empty ones across chunk boundaries."""

    def __init__(self):
        self.newlines = 0
        self.empty = array("q")
        self.carry = b""
        self.started = False
        self.last = b""
        self.marks: set[bytes] = set()

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        if not self.started:
            self.started = True
            if chunk.removeprefix(b"\xef\xbb\xbf").startswith((b"\n", b"\r\n")):
                self.empty.append(1)
        buf = self.carry + chunk
        before = self.newlines - self.carry.count(b"\n")  # newlines ahead of buf
        pos, seen = 0, before
        for m in _EMPTY.finditer(buf):
            if m.end() < len(self.carry):
                continue  # found in the previous chunk already
            seen += buf.count(b"\n", pos, m.start())
            pos = m.start()
            self.empty.append(seen + 2)
        self.newlines += chunk.count(b"\n")
        self.marks.update(m for m in MARKS if m not in self.marks and m in chunk)
        self.carry = buf[-2:]
        self.last = chunk[-1:]

    @property
    def lines(self) -> int:
        return self.newlines + (1 if self.started and self.last != b"\n" else 0)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= pairs * 0.4 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.4 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def utf8_head(path: Path) -> str | None:
    """The start of a file's text as `decode_file` finds it, if the file starts as UTF-8 (else None), so that a
    reader may start on the file while `decode_file` checks the rest."""
    with open(path, "rb") as fh:
        start = fh.read(CHUNK)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(start[:HEAD]):
        return None
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(start)[:HEAD]
    except UnicodeDecodeError:
        return None


def decode_file(path: Path, workdir: Path) -> Decoded:
    """Decode `path` in one pass; raise `NotText` for a file that is not text in a known encoding."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _transcode(path, workdir, "utf-16", "UTF-16")
    codec = _utf16_without_bom(head)
    if codec:
        return _transcode(path, workdir, codec, "UTF-16")
    bom = head.startswith(b"\xef\xbb\xbf")
    try:
        return _check_utf8(path, "UTF-8 with BOM" if bom else "UTF-8")
    except UnicodeDecodeError:
        if bom:
            raise NotText("starts as UTF-8 (it has a BOM) but holds bytes that are not UTF-8. "
                          "Export it again as CSV (UTF-8) or as an Excel workbook.") from None
    return _transcode(path, workdir, "cp1252", "Windows-1252")


def _binary_check(text: str) -> None:
    if "\x00" in text:
        raise NotText("is not a text export: it holds binary data (is it a ZIP, PDF or workbook renamed .csv?). "
                      "Export it again as CSV or as an Excel workbook.")


def _check_utf8(path: Path, name: str) -> Decoded:
    counter = _LineCounter()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    head = []
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            text = decoder.decode(chunk)
            _binary_check(text)
            if size < HEAD:
                head.append(text[:HEAD])
                size += len(text)
            counter.feed(chunk)
        decoder.decode(b"", final=True)
    return Decoded(path, name, counter.lines, counter.empty, "".join(head)[:HEAD], frozenset(counter.marks))


def _transcode(path: Path, workdir: Path, codec: str, name: str) -> Decoded:
    out = workdir / (path.stem + ".utf8.csv")
    counter = _LineCounter()
    decoder = codecs.getincrementaldecoder(codec)()
    head = []
    size = 0
    offset = 0
    with open(path, "rb") as fh, open(out, "wb") as dst:
        while chunk := fh.read(CHUNK):
            if codec == "cp1252" and (bad := CP1252_UNDEFINED.search(chunk)):
                raise NotText(f"cannot be decoded: byte {offset + bad.start()} is not UTF-8 or Windows-1252 text. "
                              "Export it again as CSV (UTF-8) or as an Excel workbook.")
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise NotText(f"cannot be decoded as {name}: byte {offset + exc.start} is not {name} text. "
                              "Export it again as CSV (UTF-8) or as an Excel workbook.") from None
            offset += len(chunk)
            if text.startswith("\ufeff") and size == 0:
                text = text[1:]
            _binary_check(text)
            data = text.encode("utf-8")
            if size < HEAD:
                head.append(text[:HEAD])
                size += len(text)
            counter.feed(data)
            dst.write(data)
        try:
            tail = decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise NotText(f"cannot be decoded as {name}: it ends part-way through a character. "
                          "Export it again as CSV (UTF-8) or as an Excel workbook.") from None
        if tail:
            data = tail.encode("utf-8")
            counter.feed(data)
            dst.write(data)
    return Decoded(out, name, counter.lines, counter.empty, "".join(head)[:HEAD], frozenset(counter.marks))
