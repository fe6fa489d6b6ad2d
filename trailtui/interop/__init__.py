"""Imports and exports without lock-in: OPML, vCard, LinkedIn CSV in; OPML and the trail out.

Domain only: readers turn a file into candidate contacts (plain mappings in
the contacts.yaml shape), `plan` decides for each whether it is new, adds to
someone already there, or is a duplicate. Nothing here imports Textual, and
nothing here writes the user's file: `apply` does that through
`contacts.yamltext.merge_into_contacts`, `contacts.yamltext.append_contacts`
and `contacts.files.save_text`.
"""
