"""trailtui: keep in touch with the people who matter, one trail at a time."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/trailtui/trailtui"
