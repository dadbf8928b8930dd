"""spaCy pipeline components, one registered factory per job.

Importing this package registers every factory with spaCy.
"""
from . import base  # noqa: F401  (registers Doc extensions)
