"""The contact panel: who wrote the selected entry, why they matter, the trail."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from trailtui.contacts.durations import format_duration
from trailtui.trail.cadence import DAY, Health
from trailtui.trail.kinds import describe
from trailtui.trail.service import ContactCard

_HEALTH_STYLE = {
    Health.NEVER: "yellow",
    Health.FRESH: "green",
    Health.DUE: "yellow",
    Health.OVERDUE: "bold red",
}


def _ago(timestamp: int, at: int) -> str:
    seconds = max(0, at - timestamp)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < DAY:
        return f"{seconds // 3600} h ago"
    days = seconds // DAY
    return "yesterday" if days == 1 else f"{days} days ago"


def _field(label: str, value: str) -> Text:
    return Text.assemble((f"{label}\n", "bold"), value or "—")


class ContactPanel(Static):
    """Renders a ContactCard; every value is plain Text, never markup."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.card: ContactCard | None = None

    def show_card(self, card: ContactCard | None) -> None:
        self.card = card
        self.update(self.render_card(card) if card else self.empty_text)

    empty_text = Text("Select an entry to see who wrote it.", style="dim italic")

    @staticmethod
    def render_card(card: ContactCard) -> RenderableType:
        contact, rhythm, at = card.contact, card.rhythm, card.at
        parts: list[RenderableType] = [Text(contact.name, style="bold reverse")]
        if contact.archived:
            parts.append(Text("archived: no longer in contacts.yaml", style="italic yellow"))
        if contact.circles or contact.tags:
            parts.append(Text(" · ".join([*contact.circles, *contact.tags]), style="italic"))
        parts += [Text(""), _field("Why they matter", contact.why), Text("")]
        parts += [_field("How I can help", contact.help), Text("")]
        cadence = (
            format_duration_seconds(contact.cadence_seconds) if contact.cadence_seconds else "—"
        )
        status = Text(rhythm.health.value, style=_HEALTH_STYLE[rhythm.health])
        overdue = rhythm.days_overdue(at)
        if overdue:
            status.append(f" · {overdue} d overdue")
        elif rhythm.due_at is not None and rhythm.health is Health.FRESH:
            status.append(f" · due in {max(1, (rhythm.due_at - at) // DAY)} d")
        if rhythm.snoozed_until is not None:
            until = datetime.fromtimestamp(rhythm.snoozed_until).strftime("%b %d")
            status.append(f" · snoozed until {until}", style="italic")
        tier = f"tier {contact.tier} · " if contact.tier else ""
        parts.append(Text.assemble(("Cadence ", "bold"), f"{tier}every {cadence}  ", status))
        last = next((e for e in card.trail if not e.undone), None)
        parts.append(
            Text.assemble(
                ("Last trail ", "bold"),
                f"{describe(last.kind)} {_ago(last.created_at, at)}" if last else "none yet",
            )
        )
        parts += [Text(""), Text("Recent trail", style="bold")]
        if not card.trail:
            parts.append(Text("Nothing yet: press l to like, c to comment.", style="dim italic"))
        for engagement in card.trail:
            when = datetime.fromtimestamp(engagement.created_at).strftime("%b %d")
            line = Text(f"{when}  {describe(engagement.kind)}")
            if engagement.entry_title:
                line.append(f" · {engagement.entry_title}", style="dim")
            if engagement.text:
                line.append(f"\n        “{engagement.text}”", style="italic")
            if engagement.undone:
                line.stylize("strike dim")
            parts.append(line)
        if contact.notes:
            parts += [Text(""), _field("Notes", contact.notes.strip())]
        if contact.links:
            parts += [Text(""), Text("Links", style="bold")]
            parts += [Text(f"{name}: {url}") for name, url in contact.links.items()]
        return Group(*parts)


def format_duration_seconds(seconds: int) -> str:
    return format_duration(timedelta(seconds=seconds))
