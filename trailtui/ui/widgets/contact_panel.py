"""The contact panel: the selected post in full, who wrote it, why they matter, the trail."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from trailtui.contacts.durations import format_duration
from trailtui.paths import tilde
from trailtui.safety import shown
from trailtui.store.records import EntryRecord, FeedHealth
from trailtui.trail.cadence import DAY, Health
from trailtui.trail.kinds import Kind, describe
from trailtui.trail.service import ContactCard
from trailtui.ui.keys import key_for

REASON_WIDTH = 48  # a failing feed's reason, shortened to about one line of the panel


def ago(timestamp: int, at: int) -> str:
    seconds = max(0, at - timestamp)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < DAY:
        return f"{seconds // 3600} h ago"
    days = seconds // DAY
    return "yesterday" if days == 1 else f"{days} days ago"


def _is_touch(kind: str) -> bool:
    try:
        return Kind(kind).is_touch
    except ValueError:
        return True


class ContactPanel(Static):
    """Renders a ContactCard; every value is plain Text, never markup.

    `keys` names the user's own keys for the hints ("press l to like"); the
    whole trail's key (binding `timeline`) is looked up on the panel's screen
    when `keys` does not name it."""

    COMPONENT_CLASSES = {
        "contact-panel--name",
        "contact-panel--label",
        "contact-panel--muted",
        "contact-panel--fresh",
        "contact-panel--due",
        "contact-panel--overdue",
        "contact-panel--never",
        "contact-panel--warning",
    }

    DEFAULT_CSS = """
    ContactPanel > .contact-panel--name { text-style: bold reverse; }
    ContactPanel > .contact-panel--label { text-style: bold; }
    ContactPanel > .contact-panel--muted { color: $text-muted; }
    ContactPanel > .contact-panel--fresh { color: $text-success; }
    ContactPanel > .contact-panel--due { color: $text-warning; }
    ContactPanel > .contact-panel--overdue { color: $text-error; text-style: bold; }
    ContactPanel > .contact-panel--never { color: $text-warning; }
    ContactPanel > .contact-panel--warning { color: $text-warning; text-style: italic; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.card: ContactCard | None = None
        self.entry: EntryRecord | None = None
        self.keys: dict[str, str] = {}

    def show_card(
        self,
        card: ContactCard | None,
        entry: EntryRecord | None = None,
        keys: dict[str, str] | None = None,
    ) -> None:
        self.card, self.entry = card, entry
        if keys is not None:
            self.keys = keys
        self._render_now()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._render_now()  # theme colours are read when rendering

    def _render_now(self) -> None:
        if self.card is None:
            self.update(Text("Select an entry to see who wrote it.", style=self._style("muted")))
        else:
            styles = {name: self._style(name) for name in STYLE_NAMES}
            keys = dict(self.keys)
            if "timeline" not in keys and self.is_attached:
                keys["timeline"] = key_for(self, "timeline")
            self.update(render_card(self.card, self.entry, styles=styles, keys=keys))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"contact-panel--{name}", partial=True)


STYLE_NAMES = ("name", "label", "muted", "fresh", "due", "overdue", "never", "warning")


def render_card(
    card: ContactCard,
    entry: EntryRecord | None = None,
    *,
    styles: dict[str, Style] | None = None,
    keys: dict[str, str] | None = None,
) -> RenderableType:
    """The card as plain Text (styles: the panel's theme colours, by name)."""
    style = styles or {}
    plain = Style()

    def named(name: str) -> Style:
        return style.get(name, plain)

    def field(label: str, value: str) -> Text:
        return Text.assemble((f"{label}\n", named("label")), shown(value) or "—")

    contact, rhythm, at = card.contact, card.rhythm, card.at
    label = named("label")
    muted = named("muted")
    parts: list[RenderableType] = []
    if entry is not None and entry.contact_id == contact.id:
        # The whole title, which the feed's column may have cut short.
        when = datetime.fromtimestamp(entry.sort_ts).strftime("%Y-%m-%d %H:%M")
        source = " · ".join(p for p in (entry.feed_label, entry.author or "", when) if p)
        parts += [
            Text(shown(entry.title) or "(untitled)", style=label),
            Text(shown(source), style=muted),
            Text(""),
        ]
    parts.append(Text(shown(contact.name), style=named("name")))
    if contact.archived:
        parts.append(Text("archived: no longer in contacts.yaml", style=named("warning")))
    if contact.circles or contact.tags:
        parts.append(Text(" · ".join(shown(t) for t in [*contact.circles, *contact.tags])))
    parts += [Text(""), field("Why they matter", contact.why), Text("")]
    parts += [field("How I can help", contact.help), Text("")]
    cadence = (
        format_duration(timedelta(seconds=contact.cadence_seconds))
        if contact.cadence_seconds
        else "—"
    )
    status = Text(rhythm.health.value, style=named(rhythm.health.name.lower()))
    overdue = rhythm.days_overdue(at)
    if overdue:
        status.append(f" · {overdue} d overdue")
    elif rhythm.due_at is not None and rhythm.health is Health.FRESH:
        status.append(f" · due in {max(1, (rhythm.due_at - at) // DAY)} d")
    if rhythm.snoozed_until is not None:
        until = datetime.fromtimestamp(rhythm.snoozed_until).strftime("%b %d")
        status.append(f" · snoozed until {until}", style=muted)
    tier = f"tier {contact.tier} · " if contact.tier else ""
    parts.append(Text.assemble(("Cadence ", label), f"{tier}every {cadence}  ", status))
    parts.append(Text.assemble(("Last touch ", label), last_touch(card)))
    if card.feeds:
        parts += [Text(""), Text("Feeds", style=label)]
        parts += [feed_line(feed, style) for feed in card.feeds]
    parts += [Text(""), Text("Recent trail", style=label)]
    if not card.trail:
        parts.append(Text(first_trail_hint(keys or {}, on_a_post=entry is not None), style=muted))
    for engagement in card.trail:
        when = datetime.fromtimestamp(engagement.created_at).strftime("%b %d")
        line = Text(f"{when}  {describe(engagement.kind)}")
        if not _is_touch(engagement.kind):
            line.append(" (not a touch)", style=muted)
        if engagement.entry_title:
            line.append(f" · {shown(engagement.entry_title)}", style=muted)
        if engagement.text:
            line.append(f"\n        “{shown(engagement.text)}”")
        if engagement.undone:
            line.stylize(Style(strike=True, dim=True))
            line.append("  undone", style=muted)
        parts.append(line)
    whole = (keys or {}).get("timeline")
    if whole and card.trail:
        parts.append(Text(f"Press {whole} to see the whole trail.", style=muted))
    if contact.notes:
        parts += [Text(""), field("Notes", contact.notes.strip())]
    if contact.links:
        parts += [Text(""), Text("Links", style=label)]
        parts += [
            Text(shown(f"{name}: {url}", one_line=True)) for name, url in contact.links.items()
        ]
    return Group(*parts)


def feed_state(feed: FeedHealth) -> tuple[str, str]:
    """How a feed is doing, in a few words, and the style name to draw them in:
    ok, failing (with its reason shortened), or never fetched yet."""
    if feed.failures:
        reason = shown(tilde(feed.last_error or "no reason given"), one_line=True)
        if len(reason) > REASON_WIDTH:
            reason = reason[: REASON_WIDTH - 1].rstrip() + "…"
        return f"failing: {reason}", "overdue"
    if feed.last_fetch_at is None:
        return "never fetched", "never"
    return "ok", "fresh"


def feed_line(feed: FeedHealth, styles: dict[str, Style] | None = None) -> Text:
    """One feed of the card: its name (label, title or address) and its state."""
    words, tone = feed_state(feed)
    name = shown(tilde(feed.label or feed.title or feed.url), one_line=True)
    line = Text(f"{name}  ")
    line.append(words, style=(styles or {}).get(tone, Style()))
    return line


def last_touch(card: ContactCard) -> str:
    """The last trail that counts as keeping in touch (notes do not), or
    'none yet': the same fact the cadence line is computed from."""
    touched = card.rhythm.last_touch_at
    if touched is None:
        return "none yet"
    last = next(
        (e for e in card.trail if not e.undone and _is_touch(e.kind) and e.created_at == touched),
        None,
    )
    kind = f"{describe(last.kind)} " if last else ""
    return f"{kind}{ago(touched, card.at)}"


def first_trail_hint(keys: dict[str, str], *, on_a_post: bool = True) -> str:
    """What to press for a first trail: on a post, like or comment; about the
    person alone (no post shown), reach out or offer help."""
    first, second = ("like", "comment") if on_a_post else ("reached_out", "help")
    words = {"like": "like", "comment": "comment", "reached_out": "reach out", "help": "offer help"}
    one, two = keys.get(first), keys.get(second)
    if one and two:
        return f"Nothing yet: press {one} to {words[first]}, {two} to {words[second]}."
    return "Nothing yet."
