"""`policykg viz`: offline HTML views of a graph."""
from __future__ import annotations

from pathlib import Path

import click

from .common import GRAPH, open_graph

VIEW_CHOICES = ("overview", "region-law", "region", "agency", "law", "map", "diffusion", "all")


@click.command()
@GRAPH
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path),
              help="Folder for --view all (the views, an index.html and, from a build folder, reports/<id>.html: "
                   "each report's text with its mentions marked); with one view an .html file or a folder.")
@click.option("--view", type=click.Choice(VIEW_CHOICES), default=None,
              help="Which view: overview (whole graph, size = PageRank), region-law (regions ↔ laws), "
                   "region or agency (one region's/agency's reports by year), law (one law's citing reports "
                   "and regions), map (regions by lat/lon), diffusion (China's regions shaded by the reports "
                   "citing a law, year by year; diffusion.html), or all (default).")
@click.option("--region", metavar="NAME", help="Region the region view shows first (label, alias, full name or code; "
                                               "default: the region whose reports cite most); the page picks any other.")
@click.option("--agency", metavar="NAME", help="Agency the agency view shows first (label or alias); with --view "
                                               "region, the agency view instead.")
@click.option("--law", metavar="NAME", help="Law the law view shows first (label or alias; default: the most cited "
                                            "law); the page picks any other.")
@click.option("--title", help="Page title (with --view all: the index title, put before each view's title).")
def viz(graph, out, view, region, agency, law, title) -> None:
    """Write interactive, offline HTML views of GRAPH (OUT folder or RDF file).

    \b
    policykg viz out -o views/                     # all views, views/index.html, views/reports/<id>.html
    policykg viz out -o law.html --view law --law 传染病防治法
    policykg viz out -o beibei.html --view region --region 北碚区
    """
    from policykg.viz.views import VIEWS, ViewError, make_view, write_view, write_views

    if view is None:
        # an .html OUT without --view keeps the old behaviour: the overview page in that file
        view = "overview" if out.suffix.lower() in (".html", ".htm") else "all"
    if view == "all" and out.suffix.lower() in (".html", ".htm"):
        raise click.UsageError("--view all writes several pages: give a folder as -o/--out, not an .html file")
    def project():
        return open_graph(graph).to_networkx()

    if view == "diffusion":
        from policykg.viz.diffusion import FILENAME, write_diffusion

        path = write_diffusion(project(), out if out.suffix.lower() in (".html", ".htm") else out / FILENAME, title=title)
        lists = sorted(path.with_suffix("").glob("*.js"))  # a large graph's report lists, beside the page
        where = f"; report lists in {path.with_suffix('')}/, {len(lists)} scripts" if lists else ""
        click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB{where}): diffusion map")
        return
    try:
        if view == "all":
            # (given the projection to make, it writes the reading pages meanwhile)
            written = write_views(project, out, VIEWS, region=region, agency=agency, law=law, title=title,
                                  build_dir=graph if Path(graph).is_dir() else None)
        else:
            v = make_view(project(), view, region=region, agency=agency, law=law)
            path = out if out.suffix.lower() in (".html", ".htm") else out / v.filename
            written = [(v, write_view(v, path, title=title))]
    except ViewError as e:
        raise click.ClickException(str(e))
    for v, path in written:
        click.echo(f"wrote {path} ({v.graph.number_of_nodes()} nodes, {v.graph.number_of_edges()} edges): {v.title}")
    if view == "all":
        click.echo(f"wrote {Path(out) / 'diffusion.html'}: diffusion map")
        reports = Path(out) / "reports"
        if reports.is_dir():
            click.echo(f"wrote {sum(1 for _ in reports.glob('*.html'))} reading pages in {reports}")
        click.echo(f"wrote {Path(out) / 'index.html'}")
