"""Where trailtui keeps its files.

Functions, not constants: tests and users point them elsewhere with environment
variables, and nothing is created at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "trailtui"

ENV_CONTACTS = "TRAILTUI_CONTACTS"
ENV_DB = "TRAILTUI_DB"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME))


def log_path() -> Path:
    """The app's log: what failed, with the traceback a toast has no room for."""
    return log_dir() / "trailtui.log"


def default_contacts_path() -> Path:
    return config_dir() / "contacts.yaml"


def contacts_path(option: str | Path | None = None) -> Path:
    """The contacts file: the option, else $TRAILTUI_CONTACTS, else the config dir."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_CONTACTS)
    if env:
        return Path(env).expanduser()
    return default_contacts_path()


def display_path(path: Path) -> str:
    """A path as a person reads it: under the home directory, with ~."""
    home = Path.home()
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def tilde(text: str) -> str:
    """Text (an error, a file:// URL) with the home directory written as ~."""
    home = str(Path.home()).rstrip("/")
    if not home or home == "/":
        return text
    return text.replace(f"file://{home}/", "file://~/").replace(f"{home}/", "~/")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url(option: str | None = None) -> str:
    """The SQLAlchemy URL: the option, else $TRAILTUI_DB, else SQLite in the data dir."""
    if option:
        return option
    env = os.environ.get(ENV_DB)
    if env:
        return env
    return sqlite_url(data_dir() / "trailtui.sqlite3")


def demo_dir() -> Path:
    """The bundled offline demo: inside the installed package, else the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_examples", here.parent / "examples"):
        if (candidate / "contacts.yaml").is_file():
            return candidate
    raise FileNotFoundError("the demo files are missing from this installation")
