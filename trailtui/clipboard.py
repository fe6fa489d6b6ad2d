"""Copying text to the system clipboard with the platform's own tool.

The terminal's clipboard (OSC 52) is the UI's to send; this is the other
half: a program such as wl-copy, xclip or pbcopy, where one exists. The
caller says which of the two worked, so a message never claims a copy that
did not happen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

TIMEOUT = 3.0  # seconds; a clipboard tool that hangs (no display) is given up on


@dataclass(frozen=True)
class Tool:
    name: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class Copied:
    """What a system copy did: the tool that took the text, or why none did."""

    tool: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.tool is not None


def tools(env: Mapping[str, str] | None = None, platform: str | None = None) -> list[Tool]:
    """The clipboard programs to try here, best first (only those installed)."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    wanted: list[Tool] = []
    if platform == "darwin":
        wanted.append(Tool("pbcopy", ("pbcopy",)))
    if env.get("WAYLAND_DISPLAY"):
        wanted.append(Tool("wl-copy", ("wl-copy",)))
    if env.get("DISPLAY"):
        wanted.append(Tool("xclip", ("xclip", "-selection", "clipboard")))
        wanted.append(Tool("xsel", ("xsel", "--clipboard", "--input")))
    if env.get("TERMUX_VERSION"):
        wanted.append(Tool("termux-clipboard-set", ("termux-clipboard-set",)))
    if platform == "win32" or env.get("WSL_DISTRO_NAME"):
        wanted.append(Tool("clip.exe", ("clip.exe",)))
    return [tool for tool in wanted if shutil.which(tool.argv[0], path=env.get("PATH"))]


def copy_with_tool(
    text: str, env: Mapping[str, str] | None = None, platform: str | None = None
) -> Copied:
    """Give `text` to the first clipboard tool that takes it."""
    found = tools(env, platform)
    if not found:
        return Copied(None, "no clipboard tool (wl-copy, xclip, xsel, pbcopy) is installed")
    problems = []
    for tool in found:
        try:
            done = subprocess.run(
                tool.argv,
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=TIMEOUT,
                check=False,
                env=dict(env) if env is not None else None,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            problems.append(f"{tool.name}: {error}")
            continue
        if done.returncode == 0:
            return Copied(tool.name)
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        problems.append(f"{tool.name}: {said[0] if said else f'exit {done.returncode}'}")
    return Copied(None, "; ".join(problems))
