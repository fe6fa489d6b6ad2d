"""What the draft screen asks of the domain: start (or resume) a draft, keep
it, post it.

Starting one resumes the open draft for that person and post with every
character, or fills in the template for the trail asked for from what the
store knows: the person (name, why, help), the post (title, link, its first
meaningful sentence as the quote) and the last trail left them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from trailtui.safety import clean_line, safe_link
from trailtui.store import Store, StoreError, queries
from trailtui.store.db import now
from trailtui.store.drafts import DraftRecord, PostResult, open_draft_for, post_draft, save_draft
from trailtui.store.plaintext import html_text
from trailtui.store.records import EngagementRecord, EntryDetail
from trailtui.trail.kinds import Kind
from trailtui.trail.platforms import Platform, platform_of
from trailtui.trail.templates import (
    DraftContext,
    Rendered,
    Template,
    render,
    template_for,
    template_set,
)

QUOTE_LIMIT = 280  # characters of a quoted sentence; a longer one is cut at a word
# How far into an entry's text a quote is looked for.
_SCAN = 20_000
_TRAILS_SCANNED = 20


@dataclass(frozen=True)
class DraftStart:
    """A draft as the screen opens it."""

    draft_id: int | None  # None: nothing saved yet (the first save makes the draft)
    contact_id: str
    entry_id: int | None
    body: str  # the resumed body, else the template filled in
    template: Template
    templates: tuple[Template, ...]
    context: DraftContext
    platform: Platform | None
    unknown: tuple[str, ...]  # names in `body` that are not placeholders (empty on resume)
    resumed: bool
    subject: str  # plain text for the title: "Ada Quill · “Ada on engines”" or "Ada Quill"
    link: str | None  # the post's link (http/https only)


def begin_draft(
    store: Store,
    *,
    contact_id: str,
    entry_id: int | None,
    kind: Kind = Kind.COMMENT,
    user_templates: Mapping[str, str] | None = None,
    selected: str | None = None,
    at: int | None = None,
) -> DraftStart:
    """The open draft for (contact, entry), resumed as it was saved (with the
    template it was started from), else `kind`'s template filled in.
    `selected`: text the user selected in the post, the quote."""
    templates = template_set(user_templates or {})
    detail = _detail(store, entry_id)
    context = _context(store, contact_id, detail, selected=selected, at=at)
    link = _web_link(detail.entry.link if detail is not None else None)
    platform = None
    if detail is not None:
        platform = platform_of(detail.entry.link) or platform_of(detail.feed_url)
    subject = context.name
    if context.title:
        subject = f"{context.name} · “{context.title}”"
    resumed = open_draft_for(store, contact_id, entry_id)
    if resumed is not None:
        return DraftStart(
            draft_id=resumed.id,
            contact_id=contact_id,
            entry_id=entry_id,
            body=resumed.body,
            template=_template_named(templates, resumed.template, kind),
            templates=templates,
            context=context,
            platform=platform,
            unknown=(),
            resumed=True,
            subject=subject,
            link=link,
        )
    template = template_for(templates, kind)
    rendered = render(template.body, context)
    return DraftStart(
        draft_id=None,
        contact_id=contact_id,
        entry_id=entry_id,
        body=rendered.text,
        template=template,
        templates=templates,
        context=context,
        platform=platform,
        unknown=rendered.unknown,
        resumed=False,
        subject=subject,
        link=link,
    )


def fill(start: DraftStart, template: Template) -> Rendered:
    """Another template of the picker, filled in for the same person and post."""
    return render(template.body, start.context)


def keep_draft(
    store: Store, start: DraftStart, *, draft_id: int | None, body: str, template: Template
) -> DraftRecord:
    """Save the draft's words (`draft_id` None: the first save makes the draft)."""
    return save_draft(
        store,
        draft_id=draft_id if draft_id is not None else start.draft_id,
        contact_id=start.contact_id,
        entry_id=start.entry_id,
        template=template.key,
        body=body,
    )


def post(
    store: Store, start: DraftStart, *, draft_id: int | None, body: str, template: Template
) -> PostResult:
    """Record the draft as the template's kind of trail, its text the body,
    and mark it posted (once: a second post records nothing, `already`)."""
    return post_draft(
        store,
        draft_id=draft_id if draft_id is not None else start.draft_id,
        contact_id=start.contact_id,
        entry_id=start.entry_id,
        template=template.key,
        body=body,
        kind=template.kind.value,
    )


def context_for(
    store: Store,
    contact_id: str,
    entry_id: int | None,
    *,
    selected: str | None = None,
    at: int | None = None,
) -> DraftContext:
    """What the placeholders stand for, for this person and post: plain text
    on one line each, "" where the store knows nothing."""
    return _context(store, contact_id, _detail(store, entry_id), selected=selected, at=at)


def _detail(store: Store, entry_id: int | None) -> EntryDetail | None:
    """The post a draft is about (None: about the person)."""
    if entry_id is None:
        return None
    detail = queries.entry_detail(store, entry_id)
    if detail is None:
        raise StoreError(f"no entry with id {entry_id}")
    return detail


def _context(
    store: Store,
    contact_id: str,
    detail: EntryDetail | None,
    *,
    selected: str | None,
    at: int | None,
) -> DraftContext:
    contact = queries.contact(store, contact_id)
    if contact is None:
        raise StoreError(f"no contact with id {contact_id!r}")
    name = clean_line(contact.name)
    title = link = quote = ""
    if detail is not None:
        title = clean_line(detail.entry.title)
        link = _web_link(detail.entry.link) or ""
        quote = first_sentence(detail.content, detail.summary, title=title)
    if selected and selected.strip():
        quote = clean_line(selected)
    stamp = at if at is not None else now()
    return DraftContext(
        name=name,
        first_name=name.split()[0] if name else "",
        title=title,
        link=link,
        quote=quote,
        help=clean_line(contact.help),
        why=clean_line(contact.why),
        last_trail=last_trail(queries.trail(store, contact_id, limit=_TRAILS_SCANNED), stamp),
    )


def last_trail(trail: list[EngagementRecord], at: int) -> str:
    """The newest live trail that touched the person, described: "liked
    “Looms” on 3 Nov" (the year too when it is not `at`'s). A private note
    and a snooze are never named: they were not said to the person."""
    for engagement in trail:
        if engagement.undone:
            continue
        try:
            kind = Kind(engagement.kind)
        except ValueError:
            continue
        if not kind.is_touch:
            continue
        when = datetime.fromtimestamp(engagement.created_at)
        day = f"{when.day} {when:%b}"
        if when.year != datetime.fromtimestamp(at).year:
            day += f" {when.year}"
        title = clean_line(engagement.entry_title)
        return f"{kind.past} “{title}” on {day}" if title else f"{kind.past} on {day}"
    return ""


# Lines that are a feed's furniture, not the post's words.
_BOILERPLATE = re.compile(
    r"(?:(?:continue|keep) reading\b.*|read (?:more|the rest)\b.*|\(?more…?\)?|\[?…\]?|\.\.\."
    r"|the post .* appeared first on .*|this (?:entry|post) was posted in .*"
    r"|share this:?|like this:?|related|comments?|https?://\S+)\W*",
    re.IGNORECASE,
)
# A sentence ends at . ! ? or … (closing quotes and brackets with it), before
# a space and what starts the next one.
_SENTENCE_END = re.compile(r"[.!?…][\"”\u2019)\]]*(?=\s+[\"“\u2018(\[]?[A-Z0-9À-Þ])")
_MEANINGFUL_WORDS = 4
# Where stored (sanitized, lower-case) HTML breaks into blocks: the lines of
# the post, each taken alone.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|pre|blockquote|tr|td|th|table|section|article"
    r"|figure|figcaption|hr|header|footer|aside|nav)\b[^>]*>",
    re.IGNORECASE,
)


def first_sentence(*fragments: str | None, title: str = "") -> str:
    """The first meaningful sentence of an entry's stored HTML, or of its
    summary (plain text): the first fragment that has one. Feed furniture
    ("Continue reading", "The post … appeared first on …"), bare links, the
    title repeated and short headings are skipped; a short line is taken
    only when nothing better comes. At most QUOTE_LIMIT characters, cut at
    a word."""
    fallback = ""
    for fragment in fragments:
        if not fragment:
            continue
        for block in _BLOCK_TAG.split(fragment[:_SCAN]):
            line = clean_line(html_text(block))
            if not line or _BOILERPLATE.fullmatch(line) or line.casefold() == title.casefold():
                continue
            end = _SENTENCE_END.search(line)
            sentence = line[: end.end()] if end is not None else line
            if len(sentence.split()) >= _MEANINGFUL_WORDS or sentence[-1] in ".!?…":
                return _bounded(sentence)
            fallback = fallback or sentence
    return _bounded(fallback)


def _bounded(sentence: str) -> str:
    if len(sentence) <= QUOTE_LIMIT:
        return sentence
    cut = sentence[: QUOTE_LIMIT - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _template_named(templates: tuple[Template, ...], key: str | None, kind: Kind) -> Template:
    for template in templates:
        if template.key == key:
            return template
    return template_for(templates, kind)


def _web_link(url: str | None) -> str | None:
    link = safe_link(url)
    return link if link is not None and link.lower().startswith(("http://", "https://")) else None
