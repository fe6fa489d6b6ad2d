"""LinkedIn's Connections.csv (Settings → Data privacy → Get a copy of your data).

The export opens with a few "Notes:" lines before the real header
`First Name,Last Name,URL,Email Address,Company,Position,Connected On`.
Each row becomes a contact tagged `linkedin`, with the profile and (when the
person shares it) the email address as links, and "Position at Company;
connected on DATE" as the first line of notes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from trailtui.interop.model import Candidate, InteropError, Reading, Rejected
from trailtui.interop.profiles import is_email, is_web_url, normalize_email
from trailtui.interop.vcard import decode_text

HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")
_REQUIRED = ("first name", "last name")
TAG = "linkedin"


def _header_index(lines: list[str]) -> int | None:
    """The line holding the real header (after LinkedIn's notes), if any."""
    for index, line in enumerate(lines[:50]):
        fields = [f.strip().strip('"').strip().lower() for f in line.split(",")]
        if all(name in fields for name in _REQUIRED):
            return index
    return None


def looks_like_linkedin(text: str) -> bool:
    return _header_index(text.splitlines()) is not None


def read_linkedin(data: bytes) -> Reading:
    """Candidates from Connections.csv; raises InteropError without its header."""
    text = decode_text(data)
    lines = text.splitlines(keepends=True)
    start = _header_index([line.rstrip("\r\n") for line in lines])
    if start is None:
        raise InteropError(
            "no 'First Name,Last Name,...' header found in the first 50 lines; "
            "expected LinkedIn's Connections.csv"
        )
    reader = csv.reader(io.StringIO("".join(lines[start:]), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:  # pragma: no cover - found above
        raise InteropError(f"cannot read the CSV header: {exc}") from None

    def column(row: list[str], name: str) -> str:
        try:
            return " ".join(row[header.index(name.lower())].split())
        except (ValueError, IndexError):
            return ""

    candidates: list[Candidate] = []
    rejected: list[Rejected] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = start + reader.line_num
            source = f"line {line}"
            name = " ".join(f"{column(row, 'First Name')} {column(row, 'Last Name')}".split())
            if not name:
                rejected.append(Rejected(source, "the row has no name", line=line))
                continue
            candidates.append(Candidate(_contact(name, row, column), source, line))
    except csv.Error as exc:
        raise InteropError(f"line {start + reader.line_num}: not valid CSV: {exc}") from None
    return Reading("linkedin", candidates, rejected)


def _contact(name: str, row: list[str], column: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "tags": [TAG]}
    links: dict[str, str] = {}
    url = column(row, "URL")
    if url and is_web_url(url):
        links["linkedin"] = url
    email = normalize_email(column(row, "Email Address"))
    if email and is_email(email):
        links["email"] = email
    if links:
        data["links"] = links
    position, company = column(row, "Position"), column(row, "Company")
    connected = column(row, "Connected On")
    role = f"{position} at {company}" if position and company else position or company
    parts = [role] if role else []
    if connected:
        parts.append(f"connected on {connected}")
    if parts:
        data["notes"] = "; ".join(parts)
    return data
