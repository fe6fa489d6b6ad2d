"""The reader and its list of links pinned as pictures, wide and at 80x24
(the fixed clock and UTC of test_snapshots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from trailtui.store import queries
from trailtui.ui.app import TrailApp
from trailtui.ui.screens.reader import ReaderScreen

from .test_snapshots import SnapCompare, after, app_for, fixed_time, press, snap, world
from .ui_support import wait_for

__all__ = ["fixed_time"]  # the fixed clock applies here too

POST = """\
<h2>Why engines should be kind</h2>
<p>Machines <b>compute</b>, but they should also <em>explain</em> what they did.
Start with <a href="/notes/kindness">my notes on kindness</a> and the
<a href="https://bo.example.org/looms">looms essay</a>.</p>
<blockquote>The engine weaves algebraic patterns as the loom weaves flowers.</blockquote>
<ul><li>gears that say why they turn</li><li>cards you can read</li></ul>
<pre>for card in deck:
    engine.punch(card)</pre>
<p><img src="/engine.png" alt="The analytical engine"></p>
<p>Feed text that looks like syntax stays literal: **not bold**, [bold red]not red[/],
<a href="javascript:alert(1)">a script link shown as text</a>, # not a heading.</p>
"""
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Ada's engines</title><link>https://ada.example.org/</link><description>posts</description>
<item><guid>https://ada.example.org/p/kind</guid>
<title>{title}</title>
<link>https://ada.example.org/p/kind</link><author>ada@example.org (Ada Quill)</author>
<pubDate>24 Nov 2026 10:00:00 +0000</pubDate>
<description>Machines compute.</description>
<content:encoded><![CDATA[{post}]]></content:encoded></item>
</channel></rss>
"""
TITLE = (
    "Why engines should be kind: a long title that wraps, never cut, at any width of the terminal"
)
CONTACTS = """\
version: 1
contacts:
  - name: Ada Quill
    id: ada
    feeds:
      - {url: feeds/ada.rss, label: Engines}
"""


def reader_app() -> tuple[TrailApp, Path]:
    contacts = world(CONTACTS)
    (contacts.parent / "feeds" / "ada.rss").write_text(
        FEED.replace("{title}", TITLE).replace("{post}", POST), encoding="utf-8"
    )
    app, _ = app_for(contacts)
    return app, contacts


async def read_first(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, TrailApp)
    entry = queries.merged_feed(app.workspace.store)[0]
    screen = ReaderScreen(app.workspace, entry.id)
    await app.push_screen(screen)
    await wait_for(pilot, lambda: screen.text_shown)


@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["160x48", "80x24"])
def test_the_reader(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, _ = reader_app()
    try:
        assert snap(snap_compare, app, size, run_before=after(read_first))
    finally:
        app.workspace.close()


def test_the_list_of_links(snap_compare: SnapCompare) -> None:
    app, _ = reader_app()
    try:
        assert snap(snap_compare, app, (100, 30), run_before=after(read_first, press("L")))
    finally:
        app.workspace.close()
