"""The kinds of trail a user can leave, and how each is described."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    LIKE = "like"
    COMMENT = "comment"
    SHARE = "share"
    ENDORSE = "endorse"
    HELP = "help"
    THANKS = "thanks"
    REPORT_BACK = "report_back"
    INTRO = "intro"
    NOTE = "note"
    REACHED_OUT = "reached_out"  # a call, a message, a meeting: no post needed
    SNOOZE = "snooze"  # not now: `text` holds the date it ends (not a touch)

    @property
    def past(self) -> str:
        """How the trail reads in a history line: 'liked', 'offered help'..."""
        return _PAST[self]

    @property
    def is_touch(self) -> bool:
        """Whether it counts as keeping in touch (resets the cadence). A private
        note about someone does not, nor does a snooze (it only moves the due date)."""
        return self not in (Kind.NOTE, Kind.SNOOZE)

    @property
    def about_person(self) -> bool:
        """Whether it is about the person rather than a post: left from the
        people view or the card, it is recorded against the person only."""
        return self in _ABOUT_PERSON

    @property
    def repeats(self) -> bool:
        """Whether one post may carry several of this kind: comments, notes,
        reports and introductions each say something new; a second like does not."""
        return self in _REPEATING


_REPEATING = frozenset(
    {Kind.COMMENT, Kind.NOTE, Kind.REPORT_BACK, Kind.INTRO, Kind.REACHED_OUT, Kind.SNOOZE}
)

_ABOUT_PERSON = frozenset(
    {
        Kind.ENDORSE,
        Kind.HELP,
        Kind.THANKS,
        Kind.REPORT_BACK,
        Kind.INTRO,
        Kind.NOTE,
        Kind.REACHED_OUT,
        Kind.SNOOZE,
    }
)

_PAST = {
    Kind.LIKE: "liked",
    Kind.COMMENT: "commented",
    Kind.SHARE: "shared",
    Kind.ENDORSE: "endorsed",
    Kind.HELP: "offered help",
    Kind.THANKS: "thanked",
    Kind.REPORT_BACK: "reported back",
    Kind.INTRO: "introduced",
    Kind.NOTE: "noted",
    Kind.REACHED_OUT: "reached out",
    Kind.SNOOZE: "snoozed",
}


def describe(kind: str) -> str:
    try:
        return Kind(kind).past
    except ValueError:
        return kind
