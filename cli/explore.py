"""`policykg stats` and `policykg export`: analytics tables and exports of a graph."""
from __future__ import annotations

import click

from .common import GRAPH


@click.command()
@GRAPH
def stats(graph) -> None:
    """Analytics tables of GRAPH (not yet written)."""
    raise click.ClickException("policykg stats is not implemented yet")


@click.command()
@GRAPH
def export(graph) -> None:
    """Export GRAPH (not yet written)."""
    raise click.ClickException("policykg export is not implemented yet")
