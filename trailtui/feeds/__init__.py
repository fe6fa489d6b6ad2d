"""Feeds: fetching, parsing, deciding and storing what each feed gives."""
