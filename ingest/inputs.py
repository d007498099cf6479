"""Reading inputs: files and folders to clean, their bytes, and their text.

Decoding order: UTF-8 (with or without BOM); UTF-16 with a BOM; then cp1252 when the bytes
look like a Western European text (accented letters a minority of all letters); only then
charset-normalizer, whose guesses on short Western texts are unreliable ("président" in
Latin-1 comes back as "prﻠsident").
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from ingest.errors import InputError
from ingest.html import html_charset

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
RECORD_SUFFIX = ".http.json"  # the HTTP record saved beside a fetched page
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Valid multi-byte characters per broken byte that make an input UTF-8 all the same.
_UTF8_EVIDENCE = 20
_BINARY_SAMPLE = 8192
# Unicode's Cc category, less the whitespace controls text may hold
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Document:
    source: str  # as shown to people and recorded in the metadata
    key: str  # output file stem
    data: bytes
    text: str
    encoding: str
    is_html: bool = False
    record: dict[str, Any] | None = None  # the HTTP record of a fetched page


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to clean: files as given, folders walked (sorted) for text files.

    A missing path is yielded as is, so that reading it reports the error in the batch.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES
            )
        else:
            yield path


def display_path(path: Path) -> str:
    """The path relative to the working folder when inside it (stable across machines)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_document(path: Path, options: ReadOptions | None = None) -> Document:
    options = options or ReadOptions()
    source = display_path(path)
    if not path.exists():
        raise InputError(source, "no such file", "check the path")
    if not path.is_file():
        raise InputError(source, "is not a regular file", "pass a file or a folder of .txt files")
    size = path.stat().st_size
    if size > options.max_bytes:
        raise InputError(
            source,
            f"is {size:,} bytes, over the {options.max_bytes:,}-byte limit",
            "split it, or raise the limit with --max-bytes",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(source, f"cannot be read: {exc.strerror}", "check permissions") from exc
    if path.suffix.lower() in HTML_SUFFIXES:
        record = read_record(path)
        text, encoding = decode_page(data, source, record)
        return Document(source, path.stem, data, text, encoding, is_html=True, record=record)
    text, encoding = decode_bytes(data, source)
    return Document(source=source, key=path.stem, data=data, text=text, encoding=encoding)


def decode_page(data: bytes, source: str, record: dict[str, Any] | None) -> tuple[str, str]:
    """A page's text: the charset its HTTP record gives, else its <meta>, else detection."""
    declared = (record or {}).get("charset") or html_charset(data)
    return decode_bytes(data, source, declared)


def record_path(page: Path) -> Path:
    return page.with_name(page.stem + RECORD_SUFFIX)


def read_record(page: Path) -> dict[str, Any] | None:
    """The HTTP record saved beside a fetched page, if there is one."""
    path = record_path(page)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            display_path(path),
            f"is not a readable HTTP record: {exc}",
            "fetch the page again with --refresh, or delete the record",
        ) from exc
    return record if isinstance(record, dict) else None


def decode_bytes(
    data: bytes, source: str = "<stdin>", declared: str | None = None
) -> tuple[str, str]:
    """Decode an input's bytes to text, refusing empty and binary inputs.

    `declared` is a charset the input states (HTTP header, <meta>); it is used when it decodes
    the bytes cleanly, and detection takes over when it does not (servers lie).
    """
    if not data.strip():
        raise InputError(source, "is empty", "nothing to clean; remove it from the batch")
    if declared and declared.lower().replace("_", "-") not in {"utf-8", "utf8"}:
        try:
            return _check_text(data.decode(declared), source), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _check_text(data.decode("utf-16"), source), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:_BINARY_SAMPLE]:
        raise InputError(source, "is binary, not text", "pass a .txt file (or a saved .html page)")
    try:
        return _check_text(data.decode("utf-8-sig"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken bytes (a truncated character, one pasted-in Latin-1 quote) is
    # still UTF-8: browsers show it with replacement characters, and so does ingest. Detection
    # would read the whole page as some 8-bit charset instead (measured on the dev set).
    text = data.decode("utf-8-sig", "replace")
    broken = text.count("\ufffd")
    if sum(1 for ch in text if not ch.isascii()) - broken >= _UTF8_EVIDENCE * broken:
        return _check_text(text, source), "utf-8"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_western(text):
        return _check_text(text, source), "cp1252"
    best = from_bytes(data).best()
    if best is None:
        raise InputError(source, "has no recognisable text encoding", "convert it to UTF-8")
    return _check_text(str(best), source), str(best.encoding)


def _looks_western(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    accented = sum(1 for ch in letters if not ch.isascii())
    return accented / len(letters) < 0.3


def _check_text(text: str, source: str) -> str:
    sample = text[:_BINARY_SAMPLE]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise InputError(source, "is binary, not text", "pass a .txt file (or a saved .html page)")
    return text
