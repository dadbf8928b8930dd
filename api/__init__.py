"""policykg: knowledge graphs of the laws, agencies, programs and regions cited in Chinese
rule-of-law government (法治政府建设) annual reports.

    import policykg
    kg = policykg.build(["reports/"], out="out")     # or policykg.open("out")
    kg.query(name="regions-citing", law="宪法")       # a pandas DataFrame
    kg.citations()                                  # one row per citation, with its evidence
"""
from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path

from .knowledge_graph import KnowledgeGraph

__all__ = ["__version__", "build", "open", "pipeline", "KnowledgeGraph"]


def build(inputs, out: str | Path, jobs: int = 1, manifest: str | Path | None = None, html: bool = True,
          limits=None, turtle: bool = False, rebuild: bool = False, engine: str = "local",
          scheduler: str | None = None) -> KnowledgeGraph:
    """Extract every report in ``inputs`` (files or folders, or one of them) and build the graph in
    ``out``, as ``policykg build`` does; the KnowledgeGraph of ``out``. Reports that could not be
    read are listed in ``kg.summary.failures`` with the reason. A build into an ``out`` that
    policykg wrote updates it (only new and changed files are extracted) unless ``rebuild``;
    ``turtle`` also writes out/graph.ttl. ``engine="dask"`` extracts on the workers of the Dask
    ``scheduler`` (``pip install "policykg[dask]"``)."""
    from .builder import build as build_folder

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if manifest is not None:
        from policykg.extract.manifest import read_manifest

        manifest = read_manifest(Path(manifest))
    summary = build_folder(inputs, out, jobs=jobs, html=html, limits=limits, manifest=manifest,
                           turtle=turtle, rebuild=rebuild, engine=engine, scheduler=scheduler)
    return KnowledgeGraph(out, summary=summary)


def open(out: str | Path) -> KnowledgeGraph:  # noqa: A001 - policykg.open, like io.open
    """The KnowledgeGraph of a build folder (its store/, read-only) or of an RDF file."""
    return KnowledgeGraph(out)


def pipeline():
    """The spaCy Language that extracts a report (jieba segmenter, then the policykg components;
    see ``nlp.pipe_names``): ``pipeline()(text)`` is the processed Doc."""
    from policykg.extract.pipeline import build_nlp

    return build_nlp()
