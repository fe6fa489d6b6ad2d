"""Which reader a file needs: told by its content, with the extension as a hint."""

from __future__ import annotations

import re
from pathlib import Path

from trailtui.interop.model import FORMATS, MAX_IMPORT_BYTES, InteropError, Reading

_EXTENSIONS = {
    ".opml": "opml",
    ".xml": "opml",
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".csv": "linkedin",
}
_OPML = re.compile(rb"<opml[\s>]", re.I)
_VCARD = re.compile(rb"^\s*BEGIN:VCARD\s*$", re.I | re.M)


def _check_text(data: bytes) -> None:
    """Refuse what no reader can use: nothing, or binary data."""
    if not data.strip():
        raise InteropError("the file is empty")
    if b"\x00" in data[:8192]:
        raise InteropError("this is a binary file, not OPML, vCard or CSV text")


def _too_big(size: int) -> InteropError:
    return InteropError(
        f"the file is {size / 1e6:.1f} MB; the limit is {MAX_IMPORT_BYTES // 2**20} MB"
    )


def detect_format(data: bytes, filename: str = "") -> str:
    """ "opml", "vcard" or "linkedin"; InteropError when it is none of them."""
    head = data[:65536]
    _check_text(data)
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _OPML.search(head) and body.startswith(b"<"):
        return "opml"
    if _VCARD.search(head):
        return "vcard"
    from trailtui.interop.linkedin import looks_like_linkedin
    from trailtui.interop.vcard import decode_text

    if looks_like_linkedin(decode_text(head)):
        return "linkedin"
    hint = _EXTENSIONS.get(Path(filename).suffix.lower())
    if hint == "opml" and body.startswith(b"<"):
        return "opml"  # XML that is not OPML: its reader says what it found
    if hint is not None:
        raise InteropError(
            f"the file is named like {hint.upper() if hint != 'linkedin' else 'a LinkedIn CSV'}"
            " but its content is not: " + _expected(hint)
        )
    raise InteropError(
        "unknown format: expected OPML (<opml>), a vCard (BEGIN:VCARD) or LinkedIn's "
        "Connections.csv (First Name,Last Name,...); or say which with --format"
    )


def _expected(fmt: str) -> str:
    return {
        "opml": "expected an <opml> document",
        "vcard": "expected BEGIN:VCARD ... END:VCARD cards",
        "linkedin": "expected a header line 'First Name,Last Name,URL,Email Address,...'",
    }[fmt]


def read_data(data: bytes, fmt: str | None = None, filename: str = "") -> Reading:
    """Candidates from the bytes of an import file, in the given or detected format."""
    if len(data) > MAX_IMPORT_BYTES:
        raise _too_big(len(data))
    if fmt is None:
        fmt = detect_format(data, filename)
    else:
        _check_text(data)
    if fmt == "opml":
        from trailtui.interop.opml import read_opml

        return read_opml(data)
    if fmt == "vcard":
        from trailtui.interop.vcard import read_vcard

        return read_vcard(data)
    if fmt == "linkedin":
        from trailtui.interop.linkedin import read_linkedin

        return read_linkedin(data)
    raise InteropError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def read_file(path: str | Path, fmt: str | None = None) -> Reading:
    """Candidates from an import file; InteropError (never another exception) if unusable."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InteropError("this is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise _too_big(size)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InteropError("no such file") from None
    except OSError as exc:
        raise InteropError(f"cannot read the file: {exc.strerror or exc}") from None
    return read_data(data, fmt, path.name)
