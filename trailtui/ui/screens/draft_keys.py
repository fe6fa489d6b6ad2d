"""The keys that open a draft, and how a draft screen closed: light enough
for the feed, Today and the people view to import at start-up (the draft
screen itself, with its text area, loads when a draft is first opened)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from textual.binding import Binding

from trailtui.safety import shown
from trailtui.store.drafts import DraftRecord, PostResult
from trailtui.trail.kinds import Kind
from trailtui.ui.keys import TRAIL_KEYS

# The plain trail keys whose trail carries words open a draft (the others
# record at once); every worded kind also has a shift key that opens one.
WORDED = frozenset({Kind.COMMENT, Kind.REPORT_BACK, Kind.INTRO, Kind.NOTE, Kind.REACHED_OUT})
DRAFT_KEYS = (
    ("H", Kind.HELP, "Write an offer of help"),
    ("Y", Kind.THANKS, "Write a thank-you"),
    ("B", Kind.REPORT_BACK, "Write how their advice worked out"),
    ("I", Kind.INTRO, "Write an introduction"),
    ("N", Kind.NOTE, "Write a private note (not a touch)"),
    ("O", Kind.REACHED_OUT, "Write the message you send them"),
)
PRIVATE = frozenset({Kind.NOTE})  # recorded only: never copied, no page opened


def draft_bindings(kinds: Collection[Kind] | None = None) -> list[Binding]:
    """The shift keys that open a draft with a kind's template (id: draft_KIND).

    Every screen that offers them binds the same ids, keys and action
    (`draft('KIND')`), so one remap in settings.keys moves them everywhere."""
    labels = {trail.kind: trail.label for trail in TRAIL_KEYS}
    return [
        Binding(
            key,
            f"draft('{kind.value}')",
            f"Draft: {labels[kind]}",
            show=False,
            tooltip=tooltip,
            id=f"draft_{kind.value}",
        )
        for key, kind, tooltip in DRAFT_KEYS
        if kinds is None or kind in kinds
    ]


def drafts_binding() -> Binding:
    """The key that lists the open drafts (the feed's and Today's)."""
    return Binding(
        "D",
        "app.drafts",
        "Drafts",
        show=False,
        tooltip="Your open drafts: resume one or discard it",
        id="drafts",
    )


@dataclass(frozen=True)
class DraftOutcome:
    """How a draft screen closed: posted (with the trail), kept, or discarded."""

    posted: PostResult | None = None
    kept: DraftRecord | None = None
    discarded: bool = False


def posted_text(result: PostResult, name: str = "") -> str:
    """What a post did, in a line: "Commented on “Ada on engines”."."""
    engagement = result.trail.engagement
    kind = Kind(engagement.kind)
    if result.already:
        return f"Already {kind.past}: that draft was posted before."
    if engagement.entry_title:
        return f"{kind.past.capitalize()} on “{shown(engagement.entry_title, one_line=True)}”."
    who = shown(name or result.draft.contact_name or engagement.contact_id, one_line=True)
    return f"{kind.past.capitalize()}: {who}."
