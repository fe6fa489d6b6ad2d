"""Saving the contacts file: atomic, with a backup, the text exactly as given."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from trailtui.contacts.files import backup_path, save_text


def test_new_file_is_private_and_has_no_backup(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "contacts.yaml"
    assert save_text(target, "contacts: []\n") is None
    assert target.read_text() == "contacts: []\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not backup_path(target).exists()


def test_save_keeps_the_previous_version_and_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "contacts.yaml"
    target.write_text("# mine\ncontacts: []\n")
    target.chmod(0o640)
    backup = save_text(target, "# new\r\ncontacts: []  # CRLF kept\r\n")
    assert backup == tmp_path / "contacts.yaml.bak"
    assert backup.read_text() == "# mine\ncontacts: []\n"
    assert target.read_bytes() == b"# new\r\ncontacts: []  # CRLF kept\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlinked_file_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "contacts.yaml"
    real.parent.mkdir()
    real.write_text("contacts: []\n")
    link = tmp_path / "contacts.yaml"
    link.symlink_to(real)
    save_text(link, "version: 1\ncontacts: []\n")
    assert link.is_symlink()
    assert real.read_text() == "version: 1\ncontacts: []\n"


def test_a_failed_save_leaves_the_file_and_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "contacts.yaml"
    target.write_text("contacts: []\n")
    with pytest.raises(UnicodeEncodeError):
        save_text(target, "bad \udcff surrogate")
    assert target.read_text() == "contacts: []\n"
    assert sorted(os.listdir(tmp_path)) == ["contacts.yaml", "contacts.yaml.bak"]
