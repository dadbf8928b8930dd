"""Options and helpers shared by the policykg commands."""
from __future__ import annotations

from pathlib import Path

import click

INPUTS = click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
JOBS = click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
                    help="Worker processes for extraction (one spaCy pipeline each).")
GRAPH = click.argument("graph", type=click.Path(exists=True, path_type=Path))
RAW_CSV = click.option("--raw-csv", is_flag=True,
                       help="Write CSV cells exactly as they are. By default a text cell that begins with "
                            "= + - @, tab or CR gets a leading ' so that a spreadsheet shows it instead of "
                            "running it as a formula (numbers such as -3 are left alone); use --raw-csv "
                            "when a program (pandas, R) reads the file.")


def load_rdf(graph_path: Path):
    """An rdflib Graph from an OUT folder (its graph.ttl) or an RDF file."""
    from policykg.graph.store import read_rdf

    path = graph_path / "graph.ttl" if graph_path.is_dir() else graph_path
    if not path.exists():
        raise click.ClickException(f"{graph_path}: no graph.ttl here (run policykg build first)")
    try:
        return read_rdf(path)
    except (ValueError, OSError) as e:
        raise click.ClickException(f"{path}: not a readable RDF file ({e})")


