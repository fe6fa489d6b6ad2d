"""Opening links in the user's browser, and saying truthfully what happened."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

from trailtui.safety import safe_link


@dataclass(frozen=True)
class Opened:
    url: str | None  # the safe link, or None when there is none to open
    ok: bool
    reason: str = ""  # why it was not opened


def open_in_browser(url: str) -> bool:
    """Hand a safe link to the system's browser; whether one took it.

    Blocks while the browser starts (a terminal browser may run in the
    foreground): call it from a worker, never the UI thread."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    try:
        return bool(browser.open(url))
    except OSError:
        return False


def open_link(url: str | None, opener: Callable[[str], bool] = open_in_browser) -> Opened:
    """Open a link if it is safe (http, https, mailto), with `opener`."""
    link = safe_link(url)
    if link is None:
        return Opened(None, False, "it has no web link that is safe to open (http, https, mailto)")
    if opener(link):
        return Opened(link, True)
    return Opened(link, False, "no web browser could be started here")
