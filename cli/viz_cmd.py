"""`policykg viz`: offline HTML views of a graph."""
from __future__ import annotations

from pathlib import Path

import click

from .common import GRAPH, load_rdf as _load_rdf


@click.command()
@GRAPH
@click.option("-o", "--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write.")
@click.option("--title", help="Page title (default: a summary of the graph).")
def viz(graph, out_file, title) -> None:
    """Write an interactive, offline HTML view of GRAPH (OUT folder or RDF file)."""
    from policykg.graph.project import to_networkx
    from policykg.viz.page import default_title, write_graph_page

    nx_graph = to_networkx(_load_rdf(graph))
    write_graph_page(nx_graph, out_file, title=title or default_title(nx_graph),
                     description="Nodes coloured by type; hover a citation edge for its evidence sentence.")
    click.echo(f"wrote {out_file} ({nx_graph.number_of_nodes()} nodes, {nx_graph.number_of_edges()} edges)")


