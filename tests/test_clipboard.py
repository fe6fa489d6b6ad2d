"""The system clipboard half of copying: real programs on a PATH of our own."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from trailtui import clipboard
from trailtui.clipboard import copy_with_tool, tools

# The fake tools run with a PATH of only their own directory: they name the
# programs they use in full.
CAT, SLEEP = shutil.which("cat") or "cat", shutil.which("sleep") or "sleep"


def program(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def x11(directory: Path) -> dict[str, str]:
    return {"PATH": str(directory), "DISPLAY": ":0"}


def test_the_text_reaches_the_first_tool_that_takes_it(tmp_path: Path) -> None:
    got = tmp_path / "got"
    program(tmp_path, "xclip", f'{CAT} > "{got}"')
    copied = copy_with_tool("https://example.test/post ✓", x11(tmp_path), "linux")
    assert copied.ok and copied.tool == "xclip"
    assert got.read_text(encoding="utf-8") == "https://example.test/post ✓"


def test_a_failing_tool_gives_way_to_the_next(tmp_path: Path) -> None:
    got = tmp_path / "got"
    program(tmp_path, "xclip", 'echo "Error: Can\'t open display: :0" >&2; exit 1')
    program(tmp_path, "xsel", f'{CAT} > "{got}"')
    copied = copy_with_tool("link", x11(tmp_path), "linux")
    assert copied.tool == "xsel"
    assert got.read_text(encoding="utf-8") == "link"


def test_every_tool_failing_says_why(tmp_path: Path) -> None:
    program(tmp_path, "xclip", 'echo "Error: Can\'t open display: :0" >&2; exit 1')
    copied = copy_with_tool("link", x11(tmp_path), "linux")
    assert not copied.ok
    assert copied.problem == "xclip: Error: Can't open display: :0"


def test_no_tool_installed_is_said_plainly(tmp_path: Path) -> None:
    copied = copy_with_tool("link", x11(tmp_path), "linux")
    assert not copied.ok
    assert copied.problem is not None and "no clipboard tool" in copied.problem


def test_a_hanging_tool_is_given_up_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "TIMEOUT", 0.2)
    program(tmp_path, "xclip", f"exec {SLEEP} 30")
    copied = copy_with_tool("link", x11(tmp_path), "linux")
    assert not copied.ok
    assert copied.problem is not None and copied.problem.startswith("xclip:")
    assert "timed out" in copied.problem


def test_which_tools_are_tried_follows_the_session(tmp_path: Path) -> None:
    for name in ("wl-copy", "xclip", "xsel", "pbcopy"):
        program(tmp_path, name, f"{CAT} > /dev/null")

    def names(env: dict[str, str], platform: str) -> list[str]:
        return [tool.name for tool in tools(env, platform)]

    path = str(tmp_path)
    assert names({"PATH": path}, "linux") == []  # no display: nothing to paste into
    assert names({"PATH": path, "WAYLAND_DISPLAY": "wayland-0"}, "linux") == ["wl-copy"]
    assert names({"PATH": path, "DISPLAY": ":0"}, "linux") == ["xclip", "xsel"]
    assert names({"PATH": path}, "darwin") == ["pbcopy"]
