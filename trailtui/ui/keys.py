"""Keys: the trail keys' table, and the live keys of any binding.

The live bindings are the truth: `settings.keys` remaps bindings by id
(Textual's keymap), so every help line, palette entry and hint asks here
which keys a binding has *now*, never the class's BINDINGS.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from trailtui.trail.kinds import Kind


@dataclass(frozen=True)
class TrailKey:
    key: str
    kind: Kind
    label: str  # the footer's word
    tooltip: str
    shown: bool = False  # in the footer


TRAIL_KEYS = [
    TrailKey("l", Kind.LIKE, "Like", "Record that you liked this post", shown=True),
    TrailKey("c", Kind.COMMENT, "Comment", "Write a comment and record it", shown=True),
    TrailKey("s", Kind.SHARE, "Share", "Record that you shared this post", shown=True),
    TrailKey("e", Kind.ENDORSE, "Endorse", "Record that you endorsed this person", shown=True),
    TrailKey("h", Kind.HELP, "Offer help", "Record that you offered help"),
    TrailKey("t", Kind.THANKS, "Thanks", "Record that you thanked them"),
    TrailKey("b", Kind.REPORT_BACK, "Report back", "Record that you reported back on advice"),
    TrailKey("i", Kind.INTRO, "Intro", "Record an introduction you made for them"),
    TrailKey("n", Kind.NOTE, "Note", "A private note about this person (not a touch)"),
    TrailKey("w", Kind.REACHED_OUT, "Reached out", "Record a call, message or meeting"),
]


def trail_bindings(kinds: Collection[Kind] | None = None) -> list[Binding]:
    """The trail keys as bindings (id: the kind), all of them or those of `kinds`.

    Every screen that leaves a trail binds the same ids, so one remap in
    settings.keys moves the key everywhere."""
    return [
        Binding(
            t.key,
            f"trail('{t.kind.value}')",
            t.label,
            show=t.shown,
            tooltip=t.tooltip,
            id=t.kind.value,
        )
        for t in TRAIL_KEYS
        if kinds is None or t.kind in kinds
    ]


@dataclass(frozen=True)
class LiveBinding:
    """One action as the user can reach it now: every key that runs it."""

    id: str
    keys: tuple[str, ...]  # as the user would type them: "j", "↓"
    description: str
    tooltip: str
    action: str
    namespace: DOMNode

    @property
    def key_text(self) -> str:
        return " / ".join(self.keys)


def live_bindings(node: DOMNode) -> list[LiveBinding]:
    """trailtui's bindings active on `node`'s screen now (keymap applied), one
    per action, in the order they are declared (the screen's, then the app's).

    Every binding of trailtui's has an id (so it can be remapped); Textual's
    own (scrolling, focus) have none and are left to the widgets' help."""
    screen = node.screen
    app = node.app
    grouped: dict[tuple[int, str], LiveBinding] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or binding.id is None:
            continue
        ident = binding.id
        slot = (id(active.node), ident)
        shown = display(app, binding, key)
        found = grouped.get(slot)
        if found is None:
            grouped[slot] = LiveBinding(
                ident,
                (shown,),
                binding.description,
                binding.tooltip or binding.description,
                binding.action,
                active.node,
            )
        elif shown not in found.keys:
            grouped[slot] = LiveBinding(
                found.id,
                (*found.keys, shown),
                found.description,
                found.tooltip,
                found.action,
                found.namespace,
            )
    return list(grouped.values())


def display(app: App[object], binding: Binding, key: str | None = None) -> str:
    """One key of a binding as the user would type it: 'ctrl+e', '?', '↓'."""
    if key is not None and key != binding.key:
        binding = Binding(key, binding.action, binding.description, key_display=None)
    return app.get_key_display(binding)


def key_for(node: DOMNode, binding_id: str, default: str = "") -> str:
    """The first live key of a binding on `node`'s screen ('' if it has none).

    For hints: "press l to like" names the user's own key."""
    for live in live_bindings(node):
        if live.id == binding_id:
            return live.keys[0]
    return default


def keys_for(node: DOMNode, binding_ids: Iterable[str]) -> dict[str, str]:
    """The first live key of each of these bindings (for a hint naming several)."""
    wanted = set(binding_ids)
    found: dict[str, str] = {}
    for live in live_bindings(node):
        if live.id in wanted and live.id not in found:
            found[live.id] = live.keys[0]
    return found
