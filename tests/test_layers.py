"""The architecture holds: nothing below the UI imports Textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "trailtui.cli",
    "trailtui.contacts",
    "trailtui.feeds.http",
    "trailtui.feeds.parse",
    "trailtui.feeds.refresh",
    "trailtui.store",
    "trailtui.store.queries",
    "trailtui.store.sync",
    "trailtui.store.ingest",
    "trailtui.trail.service",
    "trailtui.workspace",
    "trailtui.safety",
]


def test_core_modules_never_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"textual imported by the core: {result.stdout}"


def test_the_ui_does_import_textual() -> None:
    """The check above can fail: importing the UI does load Textual."""
    code = "import sys, trailtui.ui.app; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
