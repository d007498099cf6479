"""Reading inputs: files and folders to clean, their bytes, and their text.

Decoding order: the charset the input declares (HTTP header, <meta>) when it is a page charset
that decodes the bytes cleanly and is plausible for them; UTF-8 (with or without BOM); UTF-16
with a BOM; then cp1252 when the bytes look like a Western European text (accented letters a
minority of all letters); only then charset-normalizer, whose guesses on short Western texts
are unreliable ("président" in Latin-1 comes back as "prﻠsident").
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from ingest.errors import InputError
from ingest.text import CONTROLS

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
RECORD_SUFFIX = ".http.json"  # the HTTP record saved beside a fetched page
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Valid multi-byte characters per broken byte that make an input UTF-8 all the same.
_UTF8_EVIDENCE = 20
_BINARY_SAMPLE = 8192
# Python codecs that are no page's charset: a declaration naming one is a mistake or a trap
# ('undefined' always raises; the escape codecs interpret backslashes; UTF-7 is refused by
# browsers since it smuggles markup past filters; 'charmap' is Latin-1 under another name).
_NOT_PAGE_CHARSETS = frozenset({
    "undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "charmap", "utf-7",
})  # fmt: skip


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


def find_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[InputError]]:
    """Files to clean, and what could not be looked into.

    Files are taken as given; folders are walked (links to folders followed, each folder once,
    so a link loop ends) for text and page files, sorted. A path that does not exist is
    returned as a file, so that reading it reports the error in the batch; a folder that
    cannot be read and a link that leads nowhere are errors, named rather than skipped.
    """
    files: list[Path] = []
    problems: list[InputError] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found: list[Path] = []
        seen: set[tuple[int, int]] = set()

        def unreadable(exc: OSError, top: Path = path) -> None:
            where = display_path(Path(exc.filename)) if exc.filename else display_path(top)
            problems.append(
                InputError(where, f"cannot be read: {exc.strerror}", "check its permissions")
            )

        for folder, dirs, names in os.walk(path, onerror=unreadable, followlinks=True):
            try:
                info = Path(folder).stat()
            except OSError as exc:
                unreadable(exc)
                dirs.clear()
                continue
            if (info.st_dev, info.st_ino) in seen:
                dirs.clear()  # a link back to a folder already walked
                continue
            seen.add((info.st_dev, info.st_ino))
            for name in names:
                file = Path(folder, name)
                if file.suffix.lower() not in TEXT_SUFFIXES | HTML_SUFFIXES:
                    continue
                if file.is_symlink() and not file.exists():
                    problems.append(
                        InputError(
                            display_path(file),
                            "is a link that leads nowhere (its target is missing, or a loop)",
                            "fix or remove the link",
                        )
                    )
                    continue
                found.append(file)
            # a link to a folder that leads nowhere comes as a name in `dirs`
            for name in dirs:
                sub = Path(folder, name)
                if sub.is_symlink() and not sub.exists():
                    problems.append(
                        InputError(
                            display_path(sub),
                            "is a link that leads nowhere (its target is missing, or a loop)",
                            "fix or remove the link",
                        )
                    )
        files.extend(sorted(found))
    return files, problems


def looks_like_html(start: str | bytes) -> bool:
    """Whether a document reads as an HTML page from its start: a doctype or an html, head or
    body tag first (after comments), or a <body> tag in its first 4 KiB. For documents whose
    kind no file name tells: a fetched body without a media type, a datatrove document."""
    head = start[:_HTML_SNIFF]
    text = head.decode("latin-1") if isinstance(head, bytes) else head
    return bool(_HTML_START.match(text)) or "<body" in text.lower()


def starts_as_page(data: bytes) -> bool:
    """Whether a document whose kind nothing tells (stdin) is a page: it starts with a tag,
    after a byte-order mark and white space, and reads as HTML (`looks_like_html`). Pasted
    text can mention a tag ("the <body> tag"); a saved page starts with one."""
    start = data[:_HTML_SNIFF].removeprefix(b"\xef\xbb\xbf").lstrip()
    return start.startswith(b"<") and looks_like_html(start)


_HTML_SNIFF = 4096
_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)


def html_charset(data: bytes) -> str | None:
    """The charset a page declares, if any: in a <meta> tag or an XML declaration, as
    beautifulsoup4 finds it (in the first 2 KiB, or 5 % of a long page). Our own pattern
    before it read <meta> tags in the first 4 KiB only; on the 1,215 dev-set pages both give
    the same text."""
    from bs4.dammit import EncodingDetector  # pages only: reading text needs none of bs4

    found = EncodingDetector.find_declared_encoding(data, is_html=True)
    return found.lower() if found else None


def declared_url(html: str) -> str | None:
    """The address a saved page declares for itself: its canonical link or og:url (in the
    first 64 KiB, where a page's <head> is), when absolute http(s); else None."""
    head = html[:65536]
    for tag in _HEAD_TAG.finditer(head):
        attrs: dict[str, str] = {
            m[0].lower(): m[1] or m[2] or m[3] for m in _ATTR.findall(tag.group(0))
        }
        rel, prop = attrs.get("rel", "").lower(), attrs.get("property", "").lower()
        value = attrs.get("href") if tag.group(1).lower() == "link" else attrs.get("content")
        if (rel == "canonical" or prop == "og:url") and value and _ABSOLUTE.match(value):
            return value.strip()
    return None


# <link ...> and <meta ...> tags, and their attributes, quoted or not
_HEAD_TAG = re.compile(r"<(link|meta)\b[^>]{0,2000}>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_ABSOLUTE = re.compile(r"\s*https?://[^/\s]", re.IGNORECASE)


def display_path(path: Path) -> str:
    """The path relative to the working folder when inside it (stable across machines).

    A link is shown as itself, not as what it points to: that is the name people gave it,
    and a link that leads nowhere has nothing else to show."""
    try:
        shown = path.parent.resolve() / path.name if path.name else path.resolve()
        return shown.relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside it; or a link loop, an unreadable cwd
        return path.as_posix()


def read_document(path: Path, options: ReadOptions | None = None) -> Document:
    options = options or ReadOptions()
    source = display_path(path)
    if not path.exists():
        if path.is_symlink():
            raise InputError(
                source,
                "is a link that leads nowhere (its target is missing, or a loop)",
                "fix or remove the link",
            )
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
    declared = (record or {}).get("charset")
    if not isinstance(declared, str):  # a record edited by hand can hold anything
        declared = None
    return decode_bytes(data, source, declared or html_charset(data))


def record_path(page: Path) -> Path:
    return page.with_name(page.stem + RECORD_SUFFIX)


def read_record(page: Path) -> dict[str, Any] | None:
    """The HTTP record saved beside a fetched page, if there is one."""
    path = record_path(page)
    if not path.exists():
        return None
    record: dict[str, Any] = read_json(
        path,
        _record_problem,
        "HTTP record",
        "fetch the page again with --refresh, or delete the record",
    )
    return record


def read_json(path: Path, problem_of: Callable[[Any], str | None], what: str, fix: str) -> Any:
    """A JSON file that `problem_of` finds nothing wrong with, or an InputError that names it
    (unreadable, not JSON, or not `what`) and says what to do (`fix`)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        problem = problem_of(value)
        if problem is not None:
            raise ValueError(problem)
    except (OSError, ValueError) as exc:
        raise InputError(display_path(path), f"is not a readable {what}: {exc}", fix) from exc
    return value


# The fields of an HTTP record ingest reads, and the types they may have (besides null).
_RECORD_FIELDS: dict[str, type] = {
    "url": str, "final_url": str, "charset": str, "etag": str, "last_modified": str,
    "fetched_at": str, "status": int, "headers": dict, "redirects": list,
}  # fmt: skip


_KINDS = {str: "text", int: "a whole number", dict: "an object", list: "a list"}


def _record_problem(record: Any) -> str | None:
    """What makes a parsed HTTP record unusable (hand-edited, another tool's), or None."""
    if not isinstance(record, dict):
        return f"holds a JSON {type(record).__name__}, not an object"
    for name, kind in _RECORD_FIELDS.items():
        value = record.get(name)
        if value is not None and not isinstance(value, kind):
            return f"its '{name}' is not {_KINDS[kind]}"
    return None


def decode_bytes(
    data: bytes, source: str = "<stdin>", declared: str | None = None
) -> tuple[str, str]:
    """Decode an input's bytes to text, refusing empty and binary inputs.

    `declared` is a charset the input states (HTTP header, <meta>); it is used when it decodes
    the bytes cleanly, and detection takes over when it does not (servers lie).
    """
    if not data.strip():
        raise InputError(source, "is empty", "nothing to clean; remove it from the batch")
    if declared:
        found = _declared_text(data, declared, source)
        if found is not None:
            return found
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _check_text(data.decode("utf-16"), source), "utf-16"
        except UnicodeDecodeError:
            pass
    # NULs over all the bytes, wherever they stand: a few are strays (dropped with the other
    # controls when cleaning); more than one in a thousand bytes is no text in any charset
    # detection could offer (random bytes have four), UTF-16 without a BOM aside
    if data.count(b"\x00") > max(2, len(data) // 1000):
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


def _declared_text(data: bytes, declared: str, source: str) -> tuple[str, str] | None:
    """The text by a declared charset, or None for detection to decide.

    A declaration is a claim: it wins only for a charset a page can be written in that decodes
    the bytes cleanly and is plausible for them. Anything else about it failing, even a codec
    that raises something other than UnicodeDecodeError ('undefined' raises UnicodeError), is
    the declaration being wrong, not the input.
    """
    try:
        codec = codecs.lookup(declared)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        return None
    if codec.name == "utf-8" or codec.name in _NOT_PAGE_CHARSETS:
        return None  # UTF-8 is tried below, with its own repair of broken bytes
    if not getattr(codec, "_is_text_encoding", True):
        return None  # base64, zlib, rot13...: bytes-to-bytes codecs, not charsets
    if codec.name.startswith(("utf-16", "utf-32")) and b"\x00" not in data[:_BINARY_SAMPLE]:
        # Markup in UTF-16 or UTF-32 has a NUL byte in every ASCII character; without one the
        # bytes are an 8-bit or UTF-8 page that the declaration would turn into CJK noise.
        return None
    if not data.isascii() and _is_utf8(data):
        # Non-ASCII bytes that are all well-formed UTF-8 are UTF-8: text in a legacy charset
        # practically never is (a Latin-1 "é" would have to be followed by a continuation
        # byte every time), while "charset=iso-8859-1" over UTF-8 is a common server default.
        return None
    try:
        text = data.decode(codec.name)
        return _check_text(text, source), declared.lower()
    except (ValueError, InputError):  # UnicodeError is a ValueError; InputError: binary noise
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _looks_western(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    accented = sum(1 for ch in letters if not ch.isascii())
    return accented / len(letters) < 0.3


def _check_text(text: str, source: str) -> str:
    """The text, unless control characters make it binary.

    The whole text is judged, NULs like other controls: a stray NUL in a pasted text is
    dropped with the other controls when cleaning, wherever it stands, and a file that turns
    binary after a first page of text is binary."""
    controls = len(text) - len(CONTROLS.sub("", text))
    if controls > max(8, len(text) // 100):
        raise InputError(source, "is binary, not text", "pass a .txt file (or a saved .html page)")
    return text
