"""The pipeline's fingerprint: what a record depends on besides its file, as one digest.

Apart from the pipeline module (which imports spaCy), so that a build that reuses every record
never has to load spaCy.
"""
from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from .datafiles import ADCODES, bundled_file


def pipeline_fingerprint() -> str:
    """A hex digest of policykg's version, the bundled data files and the extraction code (the
    components, their order in pipeline.COMPONENTS and their default configs are code). The same
    fingerprint makes the same record of the same file, so a build may reuse a record made under
    it (api/build_state.py); anything that could change a record changes it.

        >>> len(pipeline_fingerprint())
        64
    """
    from policykg import __version__

    h = hashlib.sha256(__version__.encode() + b"\0")
    data = resources.files("policykg.ontology").joinpath("data")
    files = sorted(Path(str(f)) for f in data.iterdir() if f.is_file()) + [bundled_file(ADCODES)]
    root = Path(__file__).parent
    named = [(f.name, f) for f in files] + [(str(f.relative_to(root)), f) for f in sorted(root.rglob("*.py"))]
    for name, f in named:
        h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()
