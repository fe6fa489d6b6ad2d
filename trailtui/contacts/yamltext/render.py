"""One contact as the YAML people write by hand; strings quoted only when they
must be, so any text loads back as the same string."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import yaml

from trailtui.contacts.durations import format_duration

# A readable order for a contact's keys; keys not listed follow in their own order.
CONTACT_ORDER = (
    "name",
    "id",
    "tier",
    "circles",
    "why",
    "help",
    "cadence",
    "max_cadence",
    "snooze_until",
    "tags",
    "links",
    "feeds",
    "notes",
)
# In a feed mapping the source comes first (url, blog or a platform) and the label last.
_FEED_LAST = ("label",)
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
# What PyYAML's reader accepts unescaped (its NON_PRINTABLE complement), less
# the characters that YAML 1.1 treats as line breaks or a byte-order mark.
_UNPRINTABLE = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
REST_OF_LINE = re.compile(r"[ \t]*(#[^\r\n]*)?(\r\n|\n)")  # spaces and a comment, if any
_FLOW_WIDTH = 88  # a list longer than this on one line is written one item a line
STEP = "  "


# -- scalars -------------------------------------------------------------------------


def _plain_ok(text: str, *, flow: bool) -> bool:
    """Whether text can be written unquoted and still load as the same string."""
    if not text or text != text.strip(" ") or text[0] in "-?:,[]{}#&*!|>'\"%@`= \t":
        return False
    if _UNPRINTABLE.search(text) or "\t" in text:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(ch in text for ch in ",[]{}:#?"):
        return False
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == _STR_TAG)


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar that loads back as exactly text."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _UNPRINTABLE.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(value: Any, *, flow: bool = False) -> str:
    """One value on one line: plain when that is safe, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return text if _plain_ok(text, flow=flow) else double_quoted(text)


def _literal_ok(text: str) -> bool:
    """Whether a multi-line string can be a `|` block and load back unchanged."""
    if "\n" not in text or "\r" in text or text[0] in " \t\n":
        return False
    if _UNPRINTABLE.search(text.replace("\n", "").replace("\t", "")):
        return False
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n"):
        return False  # more than one trailing line break: keep it exact, quoted
    return all(line.strip(" \t") or not line for line in body.split("\n"))


def _literal(text: str, pad: str) -> tuple[str, list[str]]:
    """The `|` header and the content lines (indented by pad)."""
    header = "|" if text.endswith("\n") else "|-"
    body = text[:-1] if text.endswith("\n") else text
    return header, [f"{pad}{line}" if line else "" for line in body.split("\n")]


# -- block and flow collections ------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict | Mapping) and not value)


def _ordered(
    mapping: Mapping[str, Any], order: Sequence[str], last: Sequence[str] = ()
) -> list[str]:
    keys = [k for k in order if k in mapping]
    keys += [k for k in mapping if k not in order and k not in last]
    keys += [k for k in last if k in mapping and k not in keys]
    return keys


def flow(value: Any, *, contact: bool = False) -> str:
    """value on one line in YAML flow style ({a: b, c: [d]}); a contact's empty
    values are left out."""
    if isinstance(value, Mapping):
        keys = _ordered(value, CONTACT_ORDER if contact else (), _FEED_LAST)
        inner = ", ".join(
            f"{scalar(k, flow=True)}: {flow(value[k])}"
            for k in keys
            if value[k] is not None and not (contact and _is_empty(value[k]))
        )
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value, flow=True)


def entry_lines(key: str, value: Any, pad: str) -> list[str]:
    """`key: value` at indentation pad, the value in block style when it needs lines."""
    head = f"{pad}{scalar(key)}:"
    if isinstance(value, Mapping):
        return [head, *mapping_lines(value, pad + STEP)] if value else [f"{head} {{}}"]
    if isinstance(value, list | tuple):
        # Short lists of plain words read best on one line: tags: [mentor, writing].
        if all(
            not isinstance(v, Mapping | list | tuple) and _plain_ok(scalar(v), flow=True)
            for v in value
        ):
            line = f"{head} {flow(value)}"
            if len(line) <= _FLOW_WIDTH:
                return [line]
        return [head, *sequence_lines(value, pad + STEP)]
    if isinstance(value, str) and _literal_ok(value):
        header, lines = _literal(value, pad + STEP)
        return [f"{head} {header}", *lines]
    return [f"{head} {scalar(value)}"]


def mapping_lines(
    mapping: Mapping[str, Any], pad: str, order: Sequence[str] = (), *, skip_empty: bool = False
) -> list[str]:
    lines: list[str] = []
    for key in _ordered(mapping, order, _FEED_LAST):
        value = mapping[key]
        if value is not None and not (skip_empty and _is_empty(value)):
            lines.extend(entry_lines(str(key), value, pad))
    return lines


def sequence_lines(items: Sequence[Any], pad: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            inner = mapping_lines(item, pad + STEP)
            if not inner:
                lines.append(f"{pad}- {{}}")
                continue
            lines.append(f"{pad}- {inner[0][len(pad) + len(STEP) :]}")
            lines.extend(inner[1:])
        elif isinstance(item, list | tuple):
            lines.append(f"{pad}- {flow(item)}")
        elif isinstance(item, str) and _literal_ok(item):
            header, body = _literal(item, pad + STEP)
            lines.extend([f"{pad}- {header}", *body])
        else:
            lines.append(f"{pad}- {scalar(item)}")
    return lines


def contact_yaml(contact: Mapping[str, Any], indent: str = "  ") -> str:
    """One contact as a block-style list item (`- name: ...`), indent before the dash.

    Keys come in a readable order (name, id, tier, circles, why, help, cadence,
    tags, links, feeds, notes); empty values are left out. Feeds may be URL
    strings or mappings such as {blog: URL}, {github: handle}, {url: U, label: L}.
    """
    if not isinstance(contact.get("name"), str) or not contact["name"].strip():
        raise ValueError("a contact needs a name")
    inner = mapping_lines(contact, indent + STEP, CONTACT_ORDER, skip_empty=True)
    first = inner[0][len(indent) + len(STEP) :]
    return "\n".join([f"{indent}- {first}", *inner[1:]]) + "\n"
