"""spaCy pipeline components, one registered factory per job.

Importing this package registers every factory with spaCy (a fresh process that only calls
``spacy.load`` finds them through the ``spacy_factories`` entry points in pyproject.toml).
"""
from . import (  # noqa: F401
    agencies,
    base,
    doc_numbers,
    entities,
    laws,
    metadata,
    programs,
    regions,
    relations,
    roles,
)
