#!/usr/bin/env python3
"""Generate a deterministic corpus of web feeds for trailtui's benchmarks.

Standard library only; part of trailtui's benchmarks/ (see benchmarks/README.md).

Layout written under --out DIR:

    DIR/feeds/feed-0001.rss   RSS 2.0   (60 % of the feeds)
    DIR/feeds/feed-0002.atom  Atom 1.0  (30 %)
    DIR/feeds/feed-0003.rdf   RSS 1.0   (10 %)
    DIR/urls                  newsboat urls file, one feed URL per line
    DIR/feeds.opml            OPML 2.0 subscription list
    DIR/contacts.yaml         trailtui contacts: people -> feed URLs (~7 % own two feeds)
    DIR/corpus.json           parameters and counts (read back by --relink)

The same --seed, --feeds, --entries, --escapes and --base-url always give
byte-identical files.  Entries mix plain and tricky titles (unicode, emoji,
HTML entities, text that looks like Rich markup, terminal control
sequences), several date formats (some dates missing) and HTML bodies from
300 bytes up to about 30 KB (median about 1 KB); 200 x 50 is about 47 MB.

Contact names are unique, and so are the ids trailtui derives from them
(a slug of the name), so contacts.yaml passes `trailtui contacts check`.

Terminal control characters: about 5 % of the feeds (at least one) have two
entries whose titles hold ESC/BEL sequences (SGR colour, OSC 52 clipboard,
OSC 0 window title, screen clear, OSC 8 hyperlink).  --escapes decides how:
  raw     literal ESC/BEL characters (default); half of those entries also
          end with a code block of pasted coloured terminal output.  XML 1.0
          forbids these characters, so those feeds are not well-formed: a
          strict parser rejects them, lenient parsers recover.
  entity  ESC is written as the HTML reference "&#27;" inside the XML-escaped
          title, so every file is well-formed and the control character only
          appears after HTML unescaping.
  none    visible stand-ins (U+241B, U+2407) instead of the controls.
Only those entries differ between the modes.  In every mode a few titles
also carry the C1 controls U+009B (CSI) and U+009D (OSC), which XML 1.0
allows.
"""

# Word pools are written as str.split() blocks; titles hold look-alike
# characters (fullwidth colon, dotless i) on purpose.
# ruff: noqa: SIM905, RUF001
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
# Fixed "now" so that the output does not depend on the day it is generated.
ANCHOR = datetime(2025, 1, 15, 12, 0, 0, tzinfo=UTC)
EXT = {"rss2": "rss", "atom": "atom", "rss1": "rdf"}

WORDS = """
able about above access across action actually after again against agent
algorithm almost along already also always amount analysis another answer
anyone api app approach area around array async back backup balance battery
before behind being benchmark better between beyond binary both branch bridge
browser buffer build bundle cache call camera careful case cause change
channel cheap check choice circle city clean clear client cloud cluster code
coffee cold column command common compile complex config container context
copy core correct cost count crash create current cursor daily data database
debug default deploy design detail device diff disk doing domain during
early edge editor effort either empty engine error event every example
exact fast feature field file filter final first fix flag focus folder
follow format frame friday garden general git good graph green group guide
handle hardware header heavy help history home hook hour idea image index
input issue item join journey keep kernel key kind language large later
layer layout leak level library light limit line link list little local log
long loop machine main manual map memory merge message method migrate
minute mobile model module moment monday morning move network night node
note number object offline often open option order output package page panel
parse patch path pattern people phone pipeline plain plan point policy pool
port power print process profile project proxy query queue quick quiet
random range read reader ready record reduce release remote render repair
report request reset result review river route rule runtime safe sample
scale schema screen script search secure server service session shell
signal simple single slow small socket source space speed stable stack
start state static storage stream string style summer switch sync system
table task team terminal test text thread ticket timer token tool topic
trace train tree type update upgrade user value version video view
village walk watch weekly window winter worker write yesterday zone
""".split()
LANGS = ["Python", "Rust", "Go", "C", "Lua", "Zig", "shell", "SQL", "Haskell"]
TITLE_TEMPLATES = [
    "How we {v} our {n}",
    "Notes on {n} and {n}",
    "Why the {n} is {a}",
    "{N} {n}s in {k} lines of {l}",
    "Release {k}.{k}.{k}",
    "Weekly links #{k}",
    "A {a} look at {n}",
    "{k} things I learned about {n}",
    "Debugging a {a} {n} in {l}",
    "Moving the {n} to {l}",
    "On {n}, {n} and {n}",
    "Field report: {n} {n}",
]
ADJECTIVES = [
    "slow",
    "quiet",
    "broken",
    "simple",
    "strange",
    "tiny",
    "fast",
    "stubborn",
    "careful",
    "cheap",
    "lazy",
    "small",
]
VERBS = [
    "rebuilt",
    "profiled",
    "migrated",
    "simplified",
    "rewrote",
    "tested",
    "deleted",
    "cached",
    "sharded",
    "documented",
]

# Titles that exercise escaping and sanitising (the decoded text value).
TRICKY_TITLES = [
    "Café, naïve façade & déjà vu",
    "日本語のタイトル：東京の朝",
    "Ελληνικά και русский текст",
    "שלום עולם — right-to-left text",
    "🚀 Launch day 🎉 with emoji",
    "👩‍💻 Zero-width joiners 👨‍👩‍👧 and flags 🇩🇪🇯🇵",
    "Tom &amp; Jerry &mdash; double-escaped entities",
    "5 &lt; 7 &amp;&amp; 7 &gt; 5",
    "&#8220;Curly quotes&#8221; from numeric references",
    "[bold]not markup[/bold]",
    "[red]Rich-looking[/red] tags and [link=https://x.invalid]links[/link]",
    "Array a[0], checkbox [ ] and [x] done",
    "\\[escaped] brackets and a trailing backslash \\",
    "<b>Angle brackets</b> in a plain-text title",
]
# C1 controls are legal XML 1.0 characters; present in every --escapes mode.
C1_TITLES = [
    "\u009b31mC1 CSI red\u009b0m (8-bit control)",
    "\u009d52;c;aGVsbG8=\u009c C1 OSC 52 clipboard",
]
# Titles with C0 control characters (ESC, BEL); handled per --escapes mode.
CONTROL_TITLES = [
    "\x1b[31mRed alert\x1b[0m ANSI colour",
    "\x1b]52;c;ZWNobyBwd25lZAo=\x07 OSC 52 clipboard write",
    "\x1b]0;fake window title\x07 OSC 0 title change",
    "\x1b[2J\x1b[H screen clear",
    "\x1b]8;;https://evil.invalid/\x1b\\innocent link\x1b]8;;\x1b\\ OSC 8",
]

FIRST_NAMES = """Ada Alan Grace Linus Margaret Ken Barbara José Zoë Siobhán
Björn Ngozi Aiko Priya Mateus Oluwaseun Søren Chloé Dmitri Fatima Hiroshi
Ingrid Kwame Leilani Mei Nikolai Olga Pedro Rania Tomás Yuki Émile Astrid Bao
Chidi Dalia Elif Farhan Gustavo Hana Ivan Jana Kofi Lucía Marek Noor Pablo
Qiu Rosa Sanjay Tove Umar Vera Wanjiru Xavier Yara Zeynep""".split()
LAST_NAMES = """Lovelace Hopper O'Brien Núñez Müller Okafor Tanaka Sharma Silva
Adeyemi Kristensen Dubois Ivanov Haddad Nakamura Larsen Mensah Kahale Chen
Petrov Kowalski García Nasser Fernández Sato Lefèvre Andersson Nguyen Eze Aziz
Yılmaz Rahman MacLeod D'Angelo Novak Costa Berg Moreau Schmidt Takahashi
Wójcik Horvat Papadopoulos Jensen Oyelaran Castillo""".split()
WHOLE_NAMES = [
    "山田 太郎",
    "김민준",
    "Αλέξανδρος Παπαδάκης",
    "Анна Смирнова",
    "محمد الأحمد",
    "Nguyễn Thị Lan",
    "van der Berg, Pieter",
]
FEED_TITLES = [
    "{p}'s blog",
    "Notes by {p}",
    "{p} writes",
    "Field notes — {p}",
    "{p} on software",
    "The {p} journal",
    "{p}: links and thoughts",
]
SECOND_FEED_TITLES = ["{p} (photos)", "{p} — short links", "{p} podcast notes"]

CODE_SNIPPETS = [
    (
        "python",
        "def clamp(x, lo=0, hi=10):\n"
        "    return lo if x < lo else hi if x > hi else x\n\n"
        'print(clamp(42) == 10 and "ok")',
    ),
    ("shell", "for f in *.xml; do\n  grep -c '<item>' \"$f\" && echo done\ndone 2>&1 | sort -n"),
    (
        "c",
        "#include <stdio.h>\nint main(void) {\n"
        '    for (int i = 0; i < 3; i++) printf("%d & %d\\n", i, i << 1);\n'
        "    return 0;\n}",
    ),
    ("html", '<a href="/x?a=1&b=2">link</a> <!-- comment --> <br/>'),
    (
        "rust",
        "fn main() {\n"
        "    let v: Vec<u32> = (0..10).filter(|x| x % 2 == 0).collect();\n"
        '    println!("{:?}", v);\n}',
    ),
]
CONTROL_SNIPPET = ("console", "$ ls --color\n\x1b[1;34mdir\x1b[0m  \x1b[32mscript.sh\x1b[0m")

TZ_OFFSETS = [0, 60, 120, -300, -420, 330, 540, -180]  # minutes east of UTC
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ZONE_NAMES = {-300: "EST", -420: "PDT", 0: "GMT"}


@dataclass
class Entry:
    guid: str
    title: str
    link: str
    author: str
    email: str
    published: datetime | None
    updated: datetime | None
    summary: str  # HTML
    content: str  # HTML
    date_style: int
    title_html: bool = False  # Atom: emit title as type="html"


@dataclass
class Feed:
    index: int
    kind: str  # rss2 | atom | rss1
    filename: str
    url: str
    site: str
    title: str
    owner: str
    options: dict = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)


# ---------------------------------------------------------------- text helpers


def slugify(text: str) -> str:
    """ASCII slug for URLs and e-mail addresses."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"])


def make_title(rng: random.Random) -> str:
    def fill(match: re.Match) -> str:
        key = match.group(1)
        return {
            "v": lambda: rng.choice(VERBS),
            "n": lambda: rng.choice(WORDS),
            "a": lambda: rng.choice(ADJECTIVES),
            "l": lambda: rng.choice(LANGS),
            "k": lambda: str(rng.randint(2, 40)),
            "N": lambda: rng.choice(WORDS).capitalize(),
        }[key]()

    title = re.sub(r"\{(\w)\}", fill, rng.choice(TITLE_TEMPLATES))
    return title[0].upper() + title[1:]


def inline_text(rng: random.Random, base: str, named_entities: bool) -> str:
    """One paragraph of HTML with occasional inline markup."""
    parts = []
    for _ in range(rng.randint(2, 6)):
        s = escape(sentence(rng))
        roll = rng.random()
        if roll < 0.15:
            word = rng.choice(WORDS)
            s = s.replace(word, f'<a href="{base}/posts/ref/{word}.html">{word}</a>', 1)
        elif roll < 0.25:
            s = f"<em>{s}</em>"
        elif roll < 0.32:
            s = s.replace(" ", f" <code>{rng.choice(WORDS)}()</code> ", 1)
        elif roll < 0.38:
            s += " &mdash; naïve café" if named_entities else " &#8212; naïve café"
        elif roll < 0.42:
            s += " &nbsp;&hellip;" if named_entities else " &#160;&#8230;"
        parts.append(s)
    return " ".join(parts)


def html_body(rng: random.Random, target: int, base: str, stem: str, named_entities: bool) -> str:
    """HTML of roughly `target` bytes: paragraphs, lists, code, images, quotes."""
    blocks: list[str] = []
    size = 0
    first = True
    while size < target:
        kind = (
            "p"
            if first
            else rng.choices(["p", "list", "code", "img", "quote", "h"], [10, 2, 1.5, 1, 1, 1.5])[0]
        )
        first = False
        if kind == "p":
            block = f"<p>{inline_text(rng, base, named_entities)}</p>"
        elif kind == "list":
            tag = rng.choice(["ul", "ol"])
            items = "".join(f"<li>{escape(sentence(rng))}</li>" for _ in range(rng.randint(3, 6)))
            block = f"<{tag}>{items}</{tag}>"
        elif kind == "code":
            lang, code = rng.choice(CODE_SNIPPETS)
            block = f'<pre><code class="language-{lang}">{escape(code)}</code></pre>'
        elif kind == "img":
            name = f"{stem}-{rng.randint(1, 999):03d}.png"
            alt = escape(sentence(rng), {'"': "&quot;"})
            block = (
                f'<figure><img src="{base}/img/{name}" alt="{alt}" '
                f'width="{rng.choice([320, 640, 800])}" height="{rng.choice([200, 400, 600])}" />'
                f"<figcaption>{escape(sentence(rng))}</figcaption></figure>"
            )
        elif kind == "quote":
            block = f"<blockquote><p>{inline_text(rng, base, named_entities)}</p></blockquote>"
        else:
            level = rng.choice([2, 3])
            block = f"<h{level}>{escape(make_title(rng))}</h{level}>"
        blocks.append(block)
        size += len(block.encode())
    return "\n".join(blocks)


def summary_of(html: str, limit: int) -> str:
    text = re.sub(r"<[^>]+>", "", html.split("</p>", 1)[0])
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return f"<p>{text}</p>"


# ---------------------------------------------------------------- dates


def rfc822(dt: datetime, style: int) -> str:
    """RFC 822 / RFC 2822 date in one of several spellings seen in the wild."""
    offset = int(dt.utcoffset().total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    zone = f"{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
    if style % 4 == 1 and offset in ZONE_NAMES:
        zone = ZONE_NAMES[offset]
    day = f"{dt.day:02d}" if style % 3 else str(dt.day)
    text = f"{day} {MONTHS[dt.month - 1]} {dt.year} {dt:%H:%M:%S} {zone}"
    return text if style % 5 == 4 else f"{DAYS[dt.weekday()]}, {text}"


def iso8601(dt: datetime, style: int) -> str:
    """ISO 8601 / RFC 3339 date with Z, a numeric offset or fractional seconds."""
    if style % 4 == 0 and dt.utcoffset() == timedelta(0):
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style % 4 == 1:
        return dt.isoformat(timespec="milliseconds")
    return dt.isoformat(timespec="seconds")


def local_time(rng: random.Random, dt: datetime) -> datetime:
    return dt.astimezone(timezone(timedelta(minutes=rng.choice(TZ_OFFSETS))))


# ---------------------------------------------------------------- feed model


def pick_kinds(rng: random.Random, n: int) -> list[str]:
    atom = round(n * 0.3)
    rss1 = round(n * 0.1)
    kinds = ["rss2"] * (n - atom - rss1) + ["atom"] * atom + ["rss1"] * rss1
    rng.shuffle(kinds)
    return kinds


def contact_id(name: str) -> str:
    """The id trailtui derives from a contact name when no `id:` is given
    (trailtui.contacts.schema.slugify, copied so this script stays stdlib-only):
    NFKD, combining marks dropped, lower case, runs of non-word characters -> '-'."""
    folded = unicodedata.normalize("NFKD", name.strip())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", "-", folded.lower()).strip("-_") or "contact"


def make_people(rng: random.Random, count: int) -> list[str]:
    """`count` distinct, plausible person names whose derived contact ids
    (see contact_id) are distinct too, so trailtui accepts the file as is."""
    people: list[str] = []
    seen: set[str] = set()  # contact ids in use
    misses = 0
    while len(people) < count:
        if rng.random() < 0.05:
            name = rng.choice(WHOLE_NAMES)
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if contact_id(name) in seen:
            misses += 1
            if misses < 50:
                continue
            name = f"{name} {len(people) + 1}"  # name pool exhausted: number it
            if contact_id(name) in seen:  # cannot happen with the pools above
                continue
        misses = 0
        seen.add(contact_id(name))
        people.append(name)
    return people


def assign_owners(rng: random.Random, n_feeds: int) -> tuple[list[str], list[int]]:
    """People list and, for each feed, the index of its owner.  About 7 % of
    the people own two feeds, so there are somewhat fewer people than feeds."""
    doubles = round(n_feeds * 0.07) if n_feeds >= 4 else 0
    people = make_people(rng, n_feeds - doubles)
    owners = list(range(len(people))) + rng.sample(range(len(people)), doubles)
    rng.shuffle(owners)
    return people, owners


def build_entry(
    rng: random.Random, feed: Feed, i: int, when: datetime, escapes: str, base: str, control: bool
) -> Entry:
    """One entry; `control` puts C0 terminal controls into its title (and,
    with --escapes raw, sometimes into a code block of its body)."""
    stem = Path(feed.filename).stem
    roll = rng.random()
    title_html = False
    if control:
        title = rng.choice(CONTROL_TITLES)
        slug = slugify(title)[:40]
        if escapes == "entity":
            title = title.replace("\x1b", "&#27;").replace("\x07", "&#7;")
            title_html = True
        elif escapes == "none":  # visible stand-ins, no control characters
            title = title.replace("\x1b", "\u241b").replace("\x07", "\u2407")
    elif roll < 0.01:
        title = rng.choice(C1_TITLES)
    elif roll < 0.15:
        title = rng.choice(TRICKY_TITLES)
        title_html = "&" in title and ";" in title
    else:
        title = make_title(rng)
    if not control:
        slug = slugify(title)[:40]
    target = int(300 * 100 ** (rng.random() ** 2))  # 300 B .. 30 KB, median ~1 KB
    body = html_body(rng, target, base, stem, named_entities=not feed.options.get("xhtml"))
    if control and rng.random() < 0.5 and escapes == "raw":  # pasted terminal output
        lang, code = CONTROL_SNIPPET
        body += f'\n<pre><code class="language-{lang}">{escape(code)}</code></pre>'
    published = local_time(rng, when)
    updated = published + timedelta(hours=rng.choice([0, 0, 0, 2, 30]))
    if rng.random() < 0.03:
        published = updated = None  # a few entries have no date at all
    link = f"{base}/posts/{stem}/{i:03d}-{slug}.html"
    guid_style = feed.options["guid_style"]
    if guid_style == "link":
        guid = link
    elif guid_style == "uuid":
        guid = f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    else:
        guid = f"tag:{stem}.example.org,2024:{i}"
    return Entry(
        guid=guid,
        title=title,
        link=link,
        author=feed.owner,
        email=f"{slugify(feed.owner)}@example.org",
        published=published,
        updated=updated,
        summary=summary_of(body, rng.randint(120, 400)),
        content=body,
        date_style=feed.options["date_style"] if rng.random() < 0.8 else rng.randrange(20),
        title_html=title_html,
    )


def build_feeds(
    seed: int, n_feeds: int, n_entries: int, base: str, escapes: str
) -> tuple[list[Feed], list[str]]:
    rng = random.Random(seed)
    kinds = pick_kinds(rng, n_feeds)
    people, owners = assign_owners(rng, n_feeds)
    width = max(4, len(str(n_feeds)))
    # About 5 % of the feeds carry C0 terminal controls in two entry titles.
    # (chosen the same way in every --escapes mode, so the corpora only differ there)
    hostile = set(rng.sample(range(1, n_feeds + 1), max(1, round(n_feeds * 0.05))))
    feeds: list[Feed] = []
    owned: dict[int, int] = {}
    for idx, (kind, owner) in enumerate(zip(kinds, owners, strict=True), start=1):
        name = people[owner]
        nth = owned.get(owner, 0)
        owned[owner] = nth + 1
        template = rng.choice(SECOND_FEED_TITLES if nth else FEED_TITLES)
        filename = f"feed-{idx:0{width}d}.{EXT[kind]}"
        feed = Feed(
            index=idx,
            kind=kind,
            filename=filename,
            url=f"{base}/feeds/{filename}",
            site=f"{base}/posts/{Path(filename).stem}/",
            title=template.format(p=name),
            owner=name,
        )
        feed.options = {
            "date_style": rng.randrange(20),
            "guid_style": rng.choice(["link", "uuid", "tag"]),
            "cdata": rng.random() < 0.5,
            "content_encoded": rng.random() < (0.4 if kind == "rss2" else 0.5),
            "dc_creator": rng.random() < 0.4,
            "xhtml": kind == "atom" and rng.random() < 0.15,
            "atom_parts": rng.choices(["both", "content", "summary"], [6, 3, 1])[0],
        }
        feed.options["controls"] = idx in hostile
        controls = (
            set(rng.sample(range(1, n_entries + 1), min(2, n_entries))) if idx in hostile else set()
        )
        when = ANCHOR - timedelta(days=rng.uniform(0, 30))
        for i in range(n_entries, 0, -1):
            feed.entries.append(build_entry(rng, feed, i, when, escapes, base, i in controls))
            when -= timedelta(hours=rng.expovariate(1 / 48) + 0.5)
        feeds.append(feed)
    return feeds, people


# ---------------------------------------------------------------- serialisers


def text_node(value: str, cdata: bool) -> str:
    if cdata:
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return escape(value)


def newest(feed: Feed) -> datetime:
    dates = [e.updated for e in feed.entries if e.updated]
    return max(dates) if dates else ANCHOR


def render_rss2(feed: Feed) -> str:
    o = feed.options
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{escape(feed.title)}</title>",
        f"<link>{escape(feed.site)}</link>",
        f"<description>{escape('Posts by ' + feed.owner)}</description>",
        "<language>en</language>",
        f"<lastBuildDate>{rfc822(newest(feed), 0)}</lastBuildDate>",
        "<generator>make_corpus.py</generator>",
        "<ttl>60</ttl>",
        f'<atom:link href={quoteattr(feed.url)} rel="self" type="application/rss+xml"/>',
    ]
    for e in feed.entries:
        out.append("<item>")
        out.append(f"<title>{escape(e.title)}</title>")
        out.append(f"<link>{escape(e.link)}</link>")
        permalink = "true" if e.guid == e.link else "false"
        out.append(f'<guid isPermaLink="{permalink}">{escape(e.guid)}</guid>')
        if o["dc_creator"]:
            out.append(f"<dc:creator>{escape(e.author)}</dc:creator>")
        else:
            out.append(f"<author>{escape(f'{e.email} ({e.author})')}</author>")
        if e.published and e.date_style % 7 == 6:
            out.append(f"<dc:date>{iso8601(e.published, e.date_style)}</dc:date>")
        elif e.published:
            out.append(f"<pubDate>{rfc822(e.published, e.date_style)}</pubDate>")
        description = e.summary if o["content_encoded"] else e.content
        out.append(f"<description>{text_node(description, o['cdata'])}</description>")
        if o["content_encoded"]:
            out.append(f"<content:encoded>{text_node(e.content, True)}</content:encoded>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def render_atom(feed: Feed) -> str:
    o = feed.options
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"<id>tag:{slugify(feed.title)}.example.org,2024:feed</id>",
        f"<title>{escape(feed.title)}</title>",
        f"<subtitle>{escape('Posts by ' + feed.owner)}</subtitle>",
        f"<updated>{iso8601(newest(feed), 0)}</updated>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(feed.url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(feed.site)}/>',
        f"<author><name>{escape(feed.owner)}</name></author>",
        '<generator uri="https://example.org/make_corpus">make_corpus.py</generator>',
    ]
    for e in feed.entries:
        out.append("<entry>")
        kind = ' type="html"' if e.title_html else ""
        out.append(f"<title{kind}>{escape(e.title)}</title>")
        out.append(f"<id>{escape(e.guid)}</id>")
        out.append(f'<link rel="alternate" type="text/html" href={quoteattr(e.link)}/>')
        if e.published:
            out.append(f"<published>{iso8601(e.published, e.date_style)}</published>")
            out.append(f"<updated>{iso8601(e.updated, e.date_style + 1)}</updated>")
        out.append(
            f"<author><name>{escape(e.author)}</name><email>{escape(e.email)}</email></author>"
        )
        if o["atom_parts"] in ("both", "summary"):
            out.append(f'<summary type="html">{escape(e.summary)}</summary>')
        if o["atom_parts"] in ("both", "content"):
            if o["xhtml"]:
                out.append(
                    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                    f"{e.content}</div></content>"
                )
            else:
                out.append(f'<content type="html">{escape(e.content)}</content>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def render_rss1(feed: Feed) -> str:
    o = feed.options
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel rdf:about={quoteattr(feed.url)}>",
        f"<title>{escape(feed.title)}</title>",
        f"<link>{escape(feed.site)}</link>",
        f"<description>{escape('Posts by ' + feed.owner)}</description>",
        f"<dc:date>{iso8601(newest(feed), 0)}</dc:date>",
        "<items><rdf:Seq>",
    ]
    out += [f"<rdf:li rdf:resource={quoteattr(e.link)}/>" for e in feed.entries]
    out += ["</rdf:Seq></items>", "</channel>"]
    for e in feed.entries:
        out.append(f"<item rdf:about={quoteattr(e.link)}>")
        out.append(f"<title>{escape(e.title)}</title>")
        out.append(f"<link>{escape(e.link)}</link>")
        out.append(f"<dc:creator>{escape(e.author)}</dc:creator>")
        if e.published:
            out.append(f"<dc:date>{iso8601(e.published, e.date_style)}</dc:date>")
        description = e.summary if o["content_encoded"] else e.content
        out.append(f"<description>{text_node(description, o['cdata'])}</description>")
        if o["content_encoded"]:
            out.append(f"<content:encoded>{text_node(e.content, True)}</content:encoded>")
        out.append("</item>")
    out += ["</rdf:RDF>", ""]
    return "\n".join(out)


RENDER = {"rss2": render_rss2, "atom": render_atom, "rss1": render_rss1}


def render_opml(feeds: list[Feed]) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        "<head>",
        "<title>make_corpus.py subscriptions</title>",
        f"<dateCreated>{rfc822(ANCHOR, 0)}</dateCreated>",
        "</head>",
        "<body>",
    ]
    for f in feeds:
        out.append(
            f'<outline type="rss" text={quoteattr(f.title)} title={quoteattr(f.title)}'
            f" xmlUrl={quoteattr(f.url)} htmlUrl={quoteattr(f.site)}/>"
        )
    out += ["</body>", "</opml>", ""]
    return "\n".join(out)


def render_contacts(feeds: list[Feed]) -> str:
    by_person: dict[str, list[str]] = {}  # ordered by each person's first feed
    for f in feeds:
        by_person.setdefault(f.owner, []).append(f.url)

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML

    out = ["# Generated by make_corpus.py: one contact per feed owner.", "version: 1", "contacts:"]
    for person, urls in by_person.items():
        out.append(f"  - name: {q(person)}")
        out.append("    feeds:")
        out += [f"      - {q(u)}" for u in urls]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main


def generate(out: Path, seed: int, n_feeds: int, n_entries: int, base: str, escapes: str) -> dict:
    """Write the whole corpus under `out` and return its manifest."""
    base = base.rstrip("/")
    feeds, people = build_feeds(seed, n_feeds, n_entries, base, escapes)
    feed_dir = out / "feeds"
    feed_dir.mkdir(parents=True, exist_ok=True)
    for old in feed_dir.glob("feed-*.*"):  # drop files of an earlier, larger corpus
        if old.suffix.lstrip(".") in EXT.values():
            old.unlink()
    total = 0
    for f in feeds:
        data = RENDER[f.kind](f).encode("utf-8")
        (feed_dir / f.filename).write_bytes(data)
        total += len(data)
    (out / "urls").write_text("".join(f.url + "\n" for f in feeds), encoding="utf-8")
    (out / "feeds.opml").write_text(render_opml(feeds), encoding="utf-8")
    (out / "contacts.yaml").write_text(render_contacts(feeds), encoding="utf-8")
    manifest = {
        "generator": "make_corpus.py",
        "seed": seed,
        "feeds": n_feeds,
        "entries": n_entries,
        "base_url": base,
        "escapes": escapes,
        "kinds": {k: sum(f.kind == k for f in feeds) for k in EXT},
        "contacts": len(people),
        "contacts_with_two_feeds": n_feeds - len(people),
        "total_entries": sum(len(f.entries) for f in feeds),
        "feeds_with_control_chars": [
            f.filename for f in feeds if f.options["controls"] and escapes != "none"
        ],
        "feed_bytes": total,
    }
    (out / "corpus.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="See README.md for the full description."
    )
    ap.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    ap.add_argument("--feeds", type=int, help="number of feeds (N)")
    ap.add_argument("--entries", type=int, help="entries per feed (M)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument(
        "--base-url",
        default=None,
        help=f"server root used in every URL (default {DEFAULT_BASE_URL})",
    )
    ap.add_argument(
        "--escapes",
        choices=["raw", "entity", "none"],
        default="raw",
        help="how titles carry terminal control characters (default raw)",
    )
    ap.add_argument(
        "--relink",
        action="store_true",
        help="regenerate an existing corpus (same seed/size from DIR/corpus.json) "
        "with a new --base-url, e.g. after feedserver.py picked a port",
    )
    args = ap.parse_args(argv)

    if args.relink:
        try:
            old = json.loads((args.out / "corpus.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            ap.error(f"--relink needs an existing {args.out / 'corpus.json'}: {exc}")
        args.feeds, args.entries = old["feeds"], old["entries"]
        args.seed, args.escapes = old["seed"], old["escapes"]
        if not args.base_url:
            ap.error("--relink needs --base-url")
    if args.feeds is None or args.entries is None:
        ap.error("--feeds and --entries are required (unless --relink)")
    if args.feeds < 1 or args.entries < 1:
        ap.error("--feeds and --entries must be at least 1")
    base = args.base_url or DEFAULT_BASE_URL
    if not re.match(r"^https?://[^/]+", base):
        ap.error(f"--base-url must look like http://127.0.0.1:PORT, got {base!r}")

    m = generate(args.out, args.seed, args.feeds, args.entries, base, args.escapes)
    k = m["kinds"]
    print(
        f"feeds {m['feeds']} (rss2 {k['rss2']}, atom {k['atom']}, rss1 {k['rss1']}), "
        f"{m['feed_bytes'] / 1e6:.1f} MB"
    )
    print(f"entries {m['total_entries']} ({m['entries']} per feed)")
    print(f"contacts {m['contacts']} ({m['contacts_with_two_feeds']} own two feeds)")
    hostile = len(m["feeds_with_control_chars"])
    note = {
        "raw": "raw ESC/BEL: not well-formed XML",
        "entity": "as &#27; references, well-formed",
        "none": "",
    }[m["escapes"]]
    print(f"feeds with terminal controls in titles: {hostile}" + (f" ({note})" if note else ""))
    print(f"base-url {m['base_url']}")
    print(f"wrote {args.out}/feeds/, urls, feeds.opml, contacts.yaml, corpus.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
