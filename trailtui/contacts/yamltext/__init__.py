"""contacts.yaml as text: new contacts and new values are inserted, never re-dumped.

Dumping a file that someone edits by hand would lose their comments, blank
lines, quoting and order. So trailtui never re-dumps: `append_contacts` finds,
from the positions PyYAML's composer records, the one place where the
`contacts:` list ends, and inserts the new contacts' text there. Every byte
before and after that point stays as it was (the one exception: an empty
`contacts: []`, `contacts: null` or `contacts: ~`, whose `[]` or null gives way
to a block list, one contact per `- name:` entry).

`merge_into_contacts` adds links, feeds and tags to contacts that are already
there the same way: new lines or flow items are inserted at the end of the
contact's `links:`, `feeds:` or `tags:` (or a new key after its last value);
only a null value (`links:` with nothing, `~`) is replaced.

`contact_yaml` renders one contact in the block style people write by hand;
`dump_document` writes a whole fresh file from a validated book (for export).
Strings are quoted only when they must be, and then double-quoted with
escapes, so any text (a name with ': ', '#', quotes, a leading '@' or '*',
"yes", "2024-01-01", control characters) loads back as the same string.
"""

from trailtui.contacts.yamltext.append import append_contacts
from trailtui.contacts.yamltext.dump import contact_data, dump_document, feed_data
from trailtui.contacts.yamltext.merge import (
    MERGE_KEYS,
    merge_into_contact,
    merge_into_contacts,
    unmergeable,
)
from trailtui.contacts.yamltext.render import (
    CONTACT_ORDER,
    STEP,
    contact_yaml,
    double_quoted,
    flow,
    scalar,
)

__all__ = [
    "CONTACT_ORDER",
    "MERGE_KEYS",
    "STEP",
    "append_contacts",
    "contact_data",
    "contact_yaml",
    "double_quoted",
    "dump_document",
    "feed_data",
    "flow",
    "merge_into_contact",
    "merge_into_contacts",
    "scalar",
    "unmergeable",
]
