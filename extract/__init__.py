"""Extraction: files -> Document -> spaCy pipeline -> JSON-ready records."""
