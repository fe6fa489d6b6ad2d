"""The screens' common ground: every screen reports its failed workers."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen, Screen

from trailtui.ui.errors import ReportsFailures

ResultType = TypeVar("ResultType")


class TrailScreen(ReportsFailures, Screen[ResultType]):
    """A full screen of trailtui's."""


class TrailModal(ReportsFailures, ModalScreen[ResultType]):
    """A dialog of trailtui's: it returns a value with `dismiss`."""
