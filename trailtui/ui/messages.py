"""Messages the screens send the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from trailtui.store.sync import SyncReport

SAVED = "saved"  # the reason when the app itself wrote contacts.yaml


@dataclass
class ContactsReloaded(Message):
    """The contacts were read again; `reason` says why ("saved", "changed on disk")."""

    report: SyncReport | None
    reason: str
