"""The merge plan: for each candidate, add it, merge it into someone, or skip it.

A candidate is the same person as a contact already in the file (or one met
earlier in the same import) when they share an email address, a profile URL
(compared without scheme, `www.` or trailing slash), a feed (by the location
it is fetched from, so `github: ada` matches `https://github.com/ada.atom`),
or an id (the slug of the name). A same-name match is not trusted when both
sides have email addresses and none is shared: that is a namesake, added as
a new contact with its own id.

- **add**: nobody matches. The contact gets an id: the slug of the name, with
  -2, -3 ... when that id is taken.
- **merge**: it matches a contact in the file and brings links, feeds or tags
  that contact does not have. Applying the plan inserts them into that
  contact's lines (`yamltext.merge_into_contacts`); a link key the contact
  already has keeps the user's value (a note says so). A contact written with
  YAML anchors, aliases or merge keys cannot take insertions safely: its merge
  is marked `by_hand` (with the reason) when the plan is given the file's text.
- **skip**: it matches and brings nothing new, or it repeats an entry earlier
  in the same file (whose pending contact then takes its new links, feeds and
  tags: the item is `part_of` that entry), or the reader could not use it, or
  the user left it out.

Every item has a `key`, the same in every plan made from one reading, so an
import screen can let the user leave entries out and rename people before
applying: `plan.with_choices(skip={key, ...}, rename={key: name})` plans the
reading again with those choices and returns a new plan (ids derived from the
new names, still unique), or refuses a choice with a `ChoiceError` saying why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from trailtui.contacts.errors import ContactsError
from trailtui.contacts.loader import error_message
from trailtui.contacts.schema import Contact, ContactBook, FeedSpec, feed_mapping, slugify
from trailtui.contacts.yamltext import unmergeable
from trailtui.interop.model import Candidate, Reading
from trailtui.interop.profiles import is_email, is_web_url, normalize_email, normalize_url

ADD, MERGE, SKIP = "add", "merge", "skip"
LEFT_OUT = "left out of this import"
_NOT_IDENTITY = frozenset({"work"})  # an employer's site is shared by many people


class ChoiceError(ValueError):
    """A choice the plan cannot take: the item's key and why."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}")


@dataclass
class PlanItem:
    action: str  # ADD, MERGE or SKIP
    name: str
    source: str
    reason: str = ""
    contact: dict[str, Any] | None = None  # ADD: the contact as it will be written
    target: str | None = None  # MERGE / SKIP: the id of the contact it matches
    additions: dict[str, Any] = field(default_factory=dict)  # MERGE: links, feeds, tags
    notes: list[str] = field(default_factory=list)  # what was left out, and why
    by_hand: str = ""  # MERGE: why it cannot be applied (copy it by hand), if it cannot
    key: str = ""  # the entry's key, the same in every plan of one reading
    part_of: str | None = None  # SKIP: the key of the new contact this entry joined


@dataclass
class ImportPlan:
    format: str
    items: list[PlanItem]
    # What the plan was made from, so that it can be made again with choices.
    reading: Reading | None = None
    book: ContactBook | None = None
    text: str | None = None
    skipped: frozenset[str] = frozenset()  # keys the user left out
    renamed: dict[str, str] = field(default_factory=dict)  # key -> the user's name

    def of(self, action: str) -> list[PlanItem]:
        return [item for item in self.items if item.action == action]

    def item(self, key: str) -> PlanItem:
        """The item with this key. Raises KeyError."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def with_choices(
        self, skip: Iterable[str] = (), rename: Mapping[str, str] | None = None
    ) -> ImportPlan:
        """The plan again, with the entries whose keys are in skip left out and
        the people in rename (key -> name) renamed; these choices replace any
        this plan was made with. Nothing is written.

        Leaving out a new contact leaves out the entries that joined it;
        renaming one renames them too. Any other entry stays its own choice:
        one that repeats an entry left out comes in its place. Ids are
        derived again from the names, still unique. Raises ChoiceError for a
        key the plan does not have, an empty name, a name that is taken (by a
        contact in the file or another new one), or an entry that is not a
        new contact (nothing is renamed in the contacts file).
        """
        if self.reading is None:
            raise ValueError("only a plan made by plan_import can be planned again")
        base = self
        if self.skipped or self.renamed:
            base = _plan(self.reading, self.book, self.text, _Choices())
        keys = {item.key: item for item in base.items}
        left_out = frozenset(skip)
        names: dict[str, str] = {}
        for key in [*left_out, *(rename or {})]:
            if key not in keys:
                raise ChoiceError(key, "the plan has no entry with this key")
        for key, name in (rename or {}).items():
            cleaned = " ".join(str(name).split())
            if cleaned != keys[key].name:
                names[key] = cleaned
        # An entry that joined a new contact goes, and is named, with it.
        joined = {item.key: item.part_of for item in base.items if item.part_of}
        with_them = {k: parent for k, parent in joined.items() if parent in left_out}
        for key, name in names.items():
            refusal = base._rename_refusal(key, name, names, left_out | set(with_them))
            if refusal:
                raise ChoiceError(key, refusal)
        choices = _Choices(
            skipped=left_out,
            renamed=names,
            left_with=with_them,
            named_with={k: names[p] for k, p in joined.items() if p in names and k not in names},
        )
        plan = _plan(self.reading, self.book, self.text, choices)
        for item in base.of(ADD) if names else []:
            if item.key in left_out or item.key in with_them:
                continue
            again = plan.item(item.key)
            if again.action != ADD:  # a new name made it someone else's duplicate
                key, name = next(iter(names.items()))
                if item.key in names:
                    key, name = item.key, names[item.key]
                raise ChoiceError(
                    key,
                    f"{name!r} would make {item.name} [{item.source}] the same person as "
                    f"{again.target} ({again.reason}); choose a name that tells them apart",
                )
        return plan

    def _rename_refusal(
        self, key: str, name: str, names: Mapping[str, str], left_out: set[str] | frozenset[str]
    ) -> str:
        """Why the entry with key cannot be called name, or ""."""
        item = self.item(key)
        if not name:
            return "a contact needs a name"
        if item.part_of:
            parent = self.item(item.part_of)
            return f"this entry joined {parent.name} [{parent.source}]; rename that one"
        if item.action == MERGE or (item.action == SKIP and item.target):
            return (
                f"{item.name} is already in your contacts file as {item.target}; "
                "an import adds to a contact there but does not rename it"
            )
        if item.action != ADD:
            return f"this entry is not imported ({item.reason})"
        wanted = slugify(name) or "contact"
        for contact in self.book.contacts if self.book else []:
            if wanted in (contact.id, slugify(contact.name)):
                return (
                    f"{contact.name} ({contact.id}) in your contacts file has that name; "
                    "choose a name that tells them apart"
                )
        for other in self.of(ADD):
            if other.key == key or other.key in left_out:
                continue
            if slugify(names.get(other.key, other.name)) == wanted:
                shown = names.get(other.key, other.name)
                return (
                    f"{shown} [{other.source}] is also imported with that name; "
                    "choose a name that tells them apart, or leave one out"
                )
        return ""

    def new_contacts(self) -> list[dict[str, Any]]:
        return [item.contact for item in self.of(ADD) if item.contact is not None]

    def to_merge(self) -> list[PlanItem]:
        """The merges that applying the plan writes."""
        return [item for item in self.of(MERGE) if not item.by_hand]

    def by_hand(self) -> list[PlanItem]:
        """The merges left to the user (the contact cannot take insertions)."""
        return [item for item in self.of(MERGE) if item.by_hand]

    def merges(self) -> dict[str, dict[str, Any]]:
        """What each contact gains, by id: all its merges' additions, in plan order."""
        merged: dict[str, dict[str, Any]] = {}
        for item in self.to_merge():
            assert item.target is not None
            gains = merged.setdefault(item.target, {})
            if item.additions.get("links"):
                gains.setdefault("links", {}).update(item.additions["links"])
            for key in ("feeds", "tags"):
                if item.additions.get(key):
                    gains.setdefault(key, []).extend(item.additions[key])
        return merged


@dataclass(frozen=True)
class _Choices:
    """What the user chose, and what follows from it, by item key."""

    skipped: frozenset[str] = frozenset()
    renamed: Mapping[str, str] = field(default_factory=dict)
    left_with: Mapping[str, str] = field(default_factory=dict)  # joined a skipped entry
    named_with: Mapping[str, str] = field(default_factory=dict)  # joined a renamed one


@dataclass
class _Person:
    """A contact already in the file, or one this import will add."""

    id: str
    name: str
    source: str
    key: str = ""  # the plan item that adds them
    pending: dict[str, Any] | None = None  # the data of a contact being added
    links: dict[str, str] = field(default_factory=dict)  # key -> value, as known so far
    written: frozenset[str] = frozenset()  # the link keys the contacts file has
    emails: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)  # normalized profile URLs and feeds
    tags: set[str] = field(default_factory=set)


def feed_location(feed: Any) -> str:
    """Where a feed (as written in YAML) is fetched from. Raises ValueError."""
    try:
        spec = FeedSpec.model_validate(feed_mapping(feed), context={"base_dir": None})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        message = error_message(error)
        raise ValueError(message) from None
    return spec.location


def _emails(links: Mapping[str, str]) -> set[str]:
    found = set()
    for value in links.values():
        email = normalize_email(str(value))
        if is_email(email):
            found.add(email)
    return found


def _urls(links: Mapping[str, str]) -> set[str]:
    return {
        normalize_url(str(value))
        for key, value in links.items()
        if key not in _NOT_IDENTITY and is_web_url(str(value))
    }


class _Index:
    def __init__(self) -> None:
        self.people: list[_Person] = []
        self.ids: set[str] = set()
        self.by_email: dict[str, _Person] = {}
        self.by_url: dict[str, _Person] = {}
        self.by_slug: dict[str, _Person] = {}

    def register(self, person: _Person, slug: str) -> None:
        self.people.append(person)
        self.ids.add(person.id)
        self.by_slug.setdefault(slug, person)
        self.by_slug.setdefault(person.id, person)
        self.learn(person, person.emails, person.urls)

    def learn(self, person: _Person, emails: Iterable[str], urls: Iterable[str]) -> None:
        for email in emails:
            person.emails.add(email)
            self.by_email.setdefault(email, person)
        for url in urls:
            person.urls.add(url)
            self.by_url.setdefault(url, person)

    def unique_id(self, name: str) -> str:
        base = slugify(name) or "contact"
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}-{n}"
        return candidate


def _existing(book: ContactBook | None) -> _Index:
    index = _Index()
    for contact in book.contacts if book else []:
        person = _Person(
            id=contact.id,
            name=contact.name,
            source="contacts file",
            emails=_emails(contact.links),
            urls=_urls(contact.links) | {normalize_url(f.location) for f in contact.feeds},
            links=dict(contact.links),
            written=frozenset(contact.links),
            tags={t.lower() for t in contact.tags},
        )
        index.register(person, slugify(contact.name))
    return index


@dataclass
class _Prepared:
    data: dict[str, Any]
    emails: set[str]
    urls: dict[str, str]  # normalized URL -> what it is (for the reason)
    feeds: list[tuple[Any, str]]  # (feed as written, normalized location)
    notes: list[str]


def _prepare(candidate: Candidate) -> _Prepared:
    data = {k: v for k, v in candidate.data.items() if v not in (None, "", [], {})}
    notes: list[str] = []
    feeds: list[tuple[Any, str]] = []
    kept: list[Any] = []
    for feed in data.get("feeds", []):
        try:
            location = normalize_url(feed_location(feed))
        except ValueError as exc:
            notes.append(f"left out feed {_show_feed(feed)}: {exc}")
            continue
        if all(location != known for _, known in feeds):
            feeds.append((feed, location))
            kept.append(feed)
    if kept:
        data["feeds"] = kept
    else:
        data.pop("feeds", None)
    links = {str(k): str(v) for k, v in data.get("links", {}).items()}
    urls = {
        normalize_url(v): f"profile URL {v}"
        for k, v in links.items()
        if k not in _NOT_IDENTITY and is_web_url(v)
    }
    for feed, location in feeds:
        urls.setdefault(location, f"feed {_show_feed(feed)}")
    return _Prepared(data, _emails(links), urls, feeds, notes)


def _show_feed(feed: Any) -> str:
    if isinstance(feed, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in feed.items())
    return str(feed)


def _match(
    prepared: _Prepared, index: _Index, grouped: bool = False
) -> tuple[_Person | None, str, str]:
    """(the person it matches, why, a note) — by email, URL or feed, then id.

    grouped: the reader already joined its entries by person, so another new
    entry of the same name is someone else."""
    for email in sorted(prepared.emails):
        if email in index.by_email:
            return index.by_email[email], f"same email {email}", ""
    for url, what in prepared.urls.items():
        if url in index.by_url:
            return index.by_url[url], f"same {what}", ""
    wanted = str(prepared.data.get("id") or "")
    if wanted and wanted in index.by_slug:
        return index.by_slug[wanted], f"same id {wanted!r}", ""
    slug = slugify(str(prepared.data.get("name", "")))
    person = index.by_slug.get(slug)
    if person is None:
        return None, "", ""
    if prepared.emails and person.emails and not prepared.emails & person.emails:
        return None, "", f"a namesake of {person.name} ({person.id}) with other email addresses"
    if grouped and person.pending is not None:
        return None, "", f"a namesake of {person.name} [{person.source}] with other feeds"
    return person, f"same id {person.id!r} (from the name)", ""


def _same_link(a: str, b: str) -> bool:
    return (
        a == b or normalize_url(a) == normalize_url(b) or normalize_email(a) == normalize_email(b)
    )


def _additions(prepared: _Prepared, person: _Person) -> tuple[dict[str, Any], list[str]]:
    """What prepared brings that person lacks, and notes on links that differ."""
    additions: dict[str, Any] = {}
    notes: list[str] = []
    links = prepared.data.get("links", {})
    new_links: dict[str, str] = {}
    for key, value in links.items():
        known = normalize_url(value) in person.urls or normalize_email(value) in person.emails
        if key not in person.links:
            if not known:
                new_links[key] = value
            continue
        theirs = person.links.get(key)
        if theirs is not None and not known and not _same_link(value, theirs):
            kept = "kept yours" if key in person.written else "kept the first"
            notes.append(f"links.{key} differs ({value}); {kept} ({theirs})")
    if new_links:
        additions["links"] = new_links
    new_feeds = [feed for feed, location in prepared.feeds if location not in person.urls]
    if new_feeds:
        additions["feeds"] = new_feeds
    new_tags = [t for t in prepared.data.get("tags", []) if str(t).lower() not in person.tags]
    if new_tags:
        additions["tags"] = new_tags
    return additions, notes


def describe_additions(additions: Mapping[str, Any]) -> str:
    parts = [f"links.{k}: {v}" for k, v in additions.get("links", {}).items()]
    parts += [f"feed {_show_feed(f)}" for f in additions.get("feeds", [])]
    if additions.get("tags"):
        parts.append("tags " + ", ".join(additions["tags"]))
    return "; ".join(parts)


def _fold(
    person: _Person, additions: Mapping[str, Any], index: _Index, prepared: _Prepared
) -> None:
    """Remember what a merge or a folded duplicate adds, so it is not added twice."""
    links = additions.get("links", {})
    person.links.update(links)
    person.tags.update(str(t).lower() for t in additions.get("tags", []))
    feed_urls = {loc for feed, loc in prepared.feeds if feed in additions.get("feeds", [])}
    index.learn(person, _emails(links), _urls(links) | feed_urls)
    if person.pending is not None:
        data = person.pending
        if links:
            data.setdefault("links", {}).update(links)
        if additions.get("feeds"):
            data.setdefault("feeds", []).extend(additions["feeds"])
        if additions.get("tags"):
            data.setdefault("tags", []).extend(additions["tags"])


def plan_import(reading: Reading, book: ContactBook | None, text: str | None = None) -> ImportPlan:
    """What importing reading into book would do (nothing is written).

    text, the contacts file's text that book was read from, lets the plan
    mark the merges into contacts that cannot take insertions as `by_hand`.
    """
    return _plan(reading, book, text, _Choices())


def _keys(reading: Reading) -> tuple[list[str], list[str]]:
    """A key for each candidate and each rejected entry: its source, made unique."""
    seen: dict[str, int] = {}

    def key(source: str) -> str:
        seen[source] = seen.get(source, 0) + 1
        return source if seen[source] == 1 else f"{source} #{seen[source]}"

    return [key(c.source) for c in reading.candidates], [key(r.source) for r in reading.rejected]


def _plan(
    reading: Reading, book: ContactBook | None, text: str | None, choices: _Choices
) -> ImportPlan:
    index = _existing(book)
    candidate_keys, rejected_keys = _keys(reading)
    items: list[tuple[int, PlanItem]] = [
        (r.line, PlanItem(SKIP, r.name or "(no name)", r.source, r.reason, key=key))
        for r, key in zip(reading.rejected, rejected_keys, strict=True)
    ]
    for candidate, key in zip(reading.candidates, candidate_keys, strict=True):
        name = choices.renamed.get(key) or choices.named_with.get(key)
        if name is not None:
            note = f"renamed from {candidate.name!r}" if key in choices.renamed else ""
            candidate = replace(candidate, data={**candidate.data, "name": name}, name_note=note)
        if key in choices.skipped or key in choices.left_with:
            name = candidate.name or "(no name)"
            parent = choices.left_with.get(key)
            item = PlanItem(SKIP, name, candidate.source, LEFT_OUT, key=key, part_of=parent)
            items.append((candidate.line, item))
            continue
        items.append((candidate.line, _plan_one(candidate, index, key)))
    items.sort(key=lambda pair: pair[0])  # stable: the file's order
    plan = ImportPlan(
        reading.format,
        [item for _, item in items],
        reading=reading,
        book=book,
        text=text,
        skipped=choices.skipped,
        renamed=dict(choices.renamed),
    )
    if text is not None and book is not None and plan.of(MERGE):
        _mark_by_hand(plan, book, text)
    return plan


def _mark_by_hand(plan: ImportPlan, book: ContactBook, text: str) -> None:
    try:
        refused = unmergeable(text)
    except ContactsError as exc:  # pragma: no cover - the book was read from this text
        refused = dict.fromkeys(range(len(book.contacts)), str(exc))
    position = {contact.id: i for i, contact in enumerate(book.contacts)}
    for item in plan.of(MERGE):
        reason = refused.get(position.get(item.target or "", -1))
        if reason is not None:
            item.by_hand = f"{item.target} is not changed: {reason}; copy what you want by hand"


def _plan_one(candidate: Candidate, index: _Index, key: str) -> PlanItem:
    prepared = _prepare(candidate)
    name = str(prepared.data.get("name", "")).strip()
    person, why, note = _match(prepared, index, candidate.grouped)
    notes = list(prepared.notes) + ([note] if note else [])
    notes += [n for n in (candidate.name_note, *candidate.notes) if n]
    if person is not None:
        additions, link_notes = _additions(prepared, person)
        notes += link_notes
        _fold(person, additions, index, prepared)
        if person.pending is not None:
            reason = f"duplicate within the file of {person.name} ({person.source}): {why}"
            if additions:
                reason += f"; added to it: {describe_additions(additions)}"
            return PlanItem(
                SKIP,
                name,
                candidate.source,
                reason,
                target=person.id,
                notes=notes,
                key=key,
                part_of=person.key,
            )
        if additions:
            reason = f"{why}; would add {describe_additions(additions)}"
            return PlanItem(
                MERGE,
                name,
                candidate.source,
                reason,
                target=person.id,
                additions=additions,
                notes=notes,
                key=key,
            )
        reason = f"already in the contacts file as {person.name} ({person.id}): {why}"
        return PlanItem(
            SKIP, name, candidate.source, reason, target=person.id, notes=notes, key=key
        )
    wanted = str(prepared.data.get("id") or "")  # an id the file gives (a trailtui export)
    data = {"name": name, "id": wanted if wanted else index.unique_id(name)}
    data.update({k: v for k, v in prepared.data.items() if k not in ("name", "id")})
    try:
        Contact.model_validate(data, context={"base_dir": None})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"])
        message = error_message(error)
        reason = f"not usable: {where}: {message}"
        return PlanItem(SKIP, name or "(no name)", candidate.source, reason, key=key)
    person = _Person(data["id"], name, candidate.source, key=key, pending=data)
    person.links.update(prepared.data.get("links", {}))
    person.tags.update(str(t).lower() for t in data.get("tags", []))
    index.register(person, slugify(name))
    index.learn(person, prepared.emails, prepared.urls)
    return PlanItem(ADD, name, candidate.source, contact=data, notes=notes, key=key)
