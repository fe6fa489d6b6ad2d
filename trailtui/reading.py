"""An entry's HTML as readable Markdown text, its links numbered."""
