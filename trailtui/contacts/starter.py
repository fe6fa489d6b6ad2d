"""The texts a new contacts file starts from."""

from __future__ import annotations

STARTER = """\
# trailtui contacts: the few dozen people who matter most to you.
#
# Choose them by two things: values you share, and relevance now (they solved
# a problem you face, or matter to your work today). About 30 is plenty.
# Edit this file by hand or press E in trailtui; press a to add someone.
version: 1

settings:
  default_cadence: 14d          # how often to leave a trail, unless a tier or cadence says
  tier_cadences: {A: 7d, B: 21d, C: 60d}
  daily_goal: 3
  refresh_every: 30m

contacts: []
# Your people go in the contacts: list above, one '- name:' entry each
# (press a in trailtui to add one). Only the name is required; a fuller
# entry looks like this:
#
# contacts:
#   - name: Ada Lovelace
#     tier: A                   # A, B or C: sets the cadence
#     why: Shares my view that tools should teach
#     help: Looking for beta readers for her book
#     cadence: 7d               # overrides the tier (12h, 7d, 2w, 1mo)
#     links: {website: "https://ada.example", email: ada@example.org}
#     feeds:
#       - https://ada.example/feed.xml   # a feed URL or a local file
#       - blog: https://ada.example      # a site: its feed is found for you
#       - github: ada                    # also mastodon, bluesky, youtube,
#       - mastodon: "@ada@hachyderm.io"  # substack, medium, devto, reddit
"""


# What an import writes into when there is no file yet: its contacts follow.
NEW_FILE = """\
# trailtui contacts: one entry per person; `trailtui contacts check` validates this file.
version: 1
contacts:
"""
