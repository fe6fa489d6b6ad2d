"""The weekly review (`trail.review`): who was touched this week, who was
skipped again and again — with an offer to loosen the cadence, move the
tier or retire them, written to contacts.yaml only once confirmed, through
the app's door (`WriteContacts`) — and the drafts left open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from trailtui.clock import now
from trailtui.contacts.retune import Change, Retune, retune_contact
from trailtui.safety import shown
from trailtui.text import plural
from trailtui.trail.kinds import describe
from trailtui.trail.review import Review, weekly_review
from trailtui.ui.errors import Failure
from trailtui.ui.keys import key_for
from trailtui.ui.messages import ContactsChange, ContactsWriteFailed, ContactsWritten, WriteContacts
from trailtui.ui.screens.base import TrailScreen
from trailtui.ui.screens.confirm import Confirm
from trailtui.ui.widgets.status_line import StatusLine
from trailtui.workspace import Workspace

TOUCHED_SHOWN = 8
DRAFTS_SHOWN = 4


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%b %d")


def touched_text(review: Review) -> Text:
    text = Text(f"Touched this week ({len(review.touched)})", style="bold")
    if not review.touched:
        text.append("\n  nobody yet", style="dim")
    for touched in review.touched[:TOUCHED_SHOWN]:
        kinds = ", ".join(describe(kind) for kind in touched.kinds)
        text.append(f"\n  {shown(touched.person.name, one_line=True)}")
        text.append(f"  {plural(touched.touches, 'trail')}: {kinds}", style="dim")
    more = len(review.touched) - TOUCHED_SHOWN
    if more > 0:
        text.append(f"\n  and {plural(more, 'other')}", style="dim")
    return text


def drafts_text(review: Review) -> Text:
    text = Text(f"Drafts left open ({len(review.drafts)})", style="bold")
    if not review.drafts:
        text.append("\n  none", style="dim")
    for draft in review.drafts[:DRAFTS_SHOWN]:
        about = draft.entry_title or (draft.body.strip().splitlines() or [""])[0]
        text.append(f"\n  {shown(draft.contact_name, one_line=True)}")
        text.append(f"  {shown(about, one_line=True)}  since {_day(draft.updated_at)}", style="dim")
    more = len(review.drafts) - DRAFTS_SHOWN
    if more > 0:
        text.append(f"\n  and {plural(more, 'other')}", style="dim")
    return text


class ReviewScreen(TrailScreen[None]):
    AUTO_FOCUS = "#review-offers"
    DEFAULT_CSS = """
    ReviewScreen #review-week { height: auto; padding: 0 1; color: $text-muted; }
    ReviewScreen #review-touched { height: auto; padding: 0 1; }
    ReviewScreen #review-skipped-title { height: 1; padding: 0 1; text-style: bold; margin-top: 1; }
    ReviewScreen #review-offers { height: 1fr; min-height: 4; border: none; }
    ReviewScreen #review-drafts { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Back to Today", id="review.close"),
        Binding(
            "enter",
            "apply",
            "Change",
            tooltip="Make the selected change to contacts.yaml (asks first)",
            priority=True,  # not the list's own Enter
            id="review.apply",
        ),
        Binding(
            "j,down", "cursor_down", "Down", show=False, tooltip="Next offer", id="review.down"
        ),
        Binding("k,up", "cursor_up", "Up", show=False, tooltip="Previous offer", id="review.up"),
    ]
    FAILURES = {"review": Failure("Could not read the week")}

    @dataclass
    class Read(Message):
        review: Review

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.review: Review | None = None
        self.offers: list[Retune | None] = []  # per option (None: a person's heading)
        self.writing: Retune | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Reading the week…"), id="review-week", markup=False)
        yield Static(id="review-touched", markup=False)
        yield Static(id="review-skipped-title", markup=False)
        yield OptionList(id="review-offers")
        yield Static(id="review-drafts", markup=False)
        yield StatusLine(id="review-status")
        yield Footer(compact=True)

    @property
    def list(self) -> OptionList:
        return self.query_one("#review-offers", OptionList)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.read()

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def read(self) -> None:
        self.post_message(self.Read(weekly_review(self.workspace.store, now())))

    @on(Read)
    def show_review(self, message: Read) -> None:
        review = self.review = message.review
        self.query_one("#review-week", Static).update(
            Text(f"The week of {_day(review.since)} to {_day(review.at)}")
        )
        self.query_one("#review-touched", Static).update(touched_text(review))
        self.query_one("#review-skipped-title", Static).update(
            Text(f"Skipped again and again ({len(review.skipped)})")
        )
        self.query_one("#review-drafts", Static).update(drafts_text(review))
        keep = self.list.highlighted
        self.list.clear_options()
        self.offers = []
        options: list[Option] = []
        for skipped in review.skipped:
            who = skipped.person
            heading = Text(f"  {shown(who.name, one_line=True)}", style="bold")
            heading.append(f"  {plural(skipped.weeks, 'week')} past due", style="dim")
            options.append(Option(heading, disabled=True))
            self.offers.append(None)
            for offer in skipped.offers:
                options.append(Option(Text(f"    {shown(offer.said, one_line=True)}")))
                self.offers.append(offer)
        if not options:
            options.append(
                Option(
                    Text("  Nobody: every skip this week is a first.", style="dim"), disabled=True
                )
            )
            self.offers.append(None)
        self.list.add_options(options)
        first = next((n for n, offer in enumerate(self.offers) if offer is not None), None)
        self.list.highlighted = keep if keep is not None and keep < len(self.offers) else first
        apply = key_for(self, "review.apply", "Enter")
        self.status.show(
            f"{apply}: make the selected change (asks first)" if first is not None else ""
        )

    @property
    def current(self) -> Retune | None:
        index = self.list.highlighted
        if index is None or not 0 <= index < len(self.offers):
            return None
        return self.offers[index]

    def action_apply(self) -> None:
        offer = self.current
        if offer is None:
            return
        if self.writing is not None:
            self.status.flash("Still saving the last change…")
            return
        what = {
            Change.CADENCE: "Only its cadence changes; every other line stays as you wrote it.",
            Change.TIER: "Only its tier changes; every other line stays as you wrote it.",
            Change.RETIRE: "Their entry leaves contacts.yaml; the trail you left is kept.",
        }[offer.change]
        self.app.push_screen(
            Confirm(f"{offer.said}?", f"{what} A .bak keeps the file as it was.", yes="Change it"),
            partial(self._confirmed, offer),
        )

    def _confirmed(self, offer: Retune, yes: bool | None) -> None:
        if not yes:
            return
        self.writing = offer
        path = self.workspace.contacts_path
        change = ContactsChange(offer.said, partial(retune_contact, path, offer))
        self.post_message(WriteContacts(change, self))

    @on(ContactsWritten)
    def written(self, message: ContactsWritten) -> None:
        offer, self.writing = self.writing, None
        if offer is not None:
            self.status.flash(f"Done: {offer.said}.")
        self.read()

    @on(ContactsWriteFailed)
    def write_failed(self, message: ContactsWriteFailed) -> None:
        self.writing = None
        self.status.flash("Nothing was changed (see the message).")

    def action_cursor_down(self) -> None:
        self.list.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.list.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
