"""`policykg stats` and `policykg export`: analytics tables and exports of a graph."""
from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from .common import FORMAT, GRAPH, RAW_CSV, open_graph, output_format, print_wide

PIPE_WIDTH = 200  # console width when stdout is not a terminal (Rich would assume 80)

# table name → (title, columns shown in the terminal); the functions live in graph.analytics
TABLES = {
    "laws": ("Most-cited laws by level", ["level", "rank", "law", "reports", "regions", "citations"]),
    "regions": ("Regions by number of distinct laws cited", ["region", "code", "reports", "distinct_laws"]),
    "similarity": ("Co-citation similarity of regions (Jaccard of the sets of laws cited)",
                   ["region_a", "region_b", "shared_laws", "union_laws", "jaccard", "shared"]),
    "communities": ("Communities of regions that cite alike (Louvain on the Jaccard graph)",
                    ["community", "size", "regions", "shared_laws"]),
    "single-region": ("Laws cited by only one region", ["region", "code", "level", "law", "reports", "citations"]),
}


def _rows(G, name: str, seed: int, unplaced: bool) -> list[dict]:
    from policykg.graph import analytics as an

    if name == "laws":
        return an.most_cited_laws_by_level(G, unplaced=unplaced)
    if name == "regions":
        return an.regions_by_distinct_laws(G, unplaced=unplaced)
    if name == "similarity":
        return an.region_similarity(G, unplaced=unplaced)
    if name == "communities":
        return an.region_communities(G, seed=seed, unplaced=unplaced)
    return an.laws_cited_by_one_region(G, unplaced=unplaced)


def _text(value, sep: str = "、") -> str:
    if isinstance(value, list):
        return sep.join(map(str, value))
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _shown(name: str, rows: list[dict], top: int) -> list[dict]:
    """The rows printed: ``top`` per level for the laws table, the first ``top`` otherwise."""
    if not top:
        return rows
    if name == "laws":
        return [r for r in rows if r["rank"] <= top]
    return rows[:top]


def _columns(name: str, rows: list[dict]) -> list[str]:
    cols = list(TABLES[name][1])
    if name == "regions" and rows:  # one column per law level, after the fixed ones
        cols += [k for k in rows[0] if k not in cols and k != "region_id"]
    return cols


def _write_csv(f, name: str, rows: list[dict], raw: bool = False, lineterminator: str = "\r\n") -> None:
    # every column the function returns (ids included, for joins); lists as "a; b"; plain UTF-8
    from policykg.graph import safe_csv

    cols = list(rows[0]) if rows else _columns(name, rows)
    w = safe_csv.writer(f, raw=raw, lineterminator=lineterminator)
    w.writerow(cols)
    for r in rows:
        w.writerow([("; ".join(map(str, r[c])) if isinstance(r[c], list) else r[c]) for c in cols])


def _write_table(path: Path, fmt: str, name: str, rows: list[dict], raw: bool = False) -> None:
    """One table, complete, as DIR/NAME.csv or DIR/NAME.json (a list of rows; lists stay lists)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        if fmt == "json":
            json.dump(rows, f, ensure_ascii=False, indent=1)
        else:
            _write_csv(f, name, rows, raw=raw)


@click.command()
@GRAPH
@click.option("-t", "--table", "tables", multiple=True, type=click.Choice(list(TABLES)),
              help="Table to print (repeatable; default: all). laws: most-cited laws by level; regions: "
                   "distinct laws per region and level; similarity: Jaccard of each pair of regions; "
                   "communities: groups of regions that cite alike; single-region: laws only one region cites.")
@FORMAT
@click.option("-o", "--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path),
              help="Also write each table, complete (not cut by --top), as DIR/NAME.csv (or .json with "
                   "--format json): plain UTF-8 without BOM (in Excel: Data > From Text/CSV, File origin "
                   "65001: Unicode (UTF-8)).")
@click.option("--csv", "csv_dir", hidden=True, type=click.Path(file_okay=False, path_type=Path),
              help="The same as -o DIR --format csv (its former spelling).")
@click.option("--top", default=20, show_default=True, type=click.IntRange(0),
              help="Rows printed per table (per level for the laws table); 0 prints every row.")
@click.option("--placed-only", is_flag=True,
              help="Leave out reports whose agency has no region (by default their agency stands in "
                   "for the region, marked '(unplaced)').")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed of the Louvain communities.")
@RAW_CSV
def stats(graph, tables, fmt, out_dir, csv_dir, top, placed_only, seed, raw_csv) -> None:
    """Print analytics tables of GRAPH (a build OUT folder or an RDF file).

    A report's region is the region of the agency that issued it; citing regions, distinct
    laws and similarity are counted over regions, citing reports over reports, citations over
    every mention. Ties are broken by name, so the output is the same on every run.

    --format csv prints one table (-t) as CSV, --format json the tables as one JSON object;
    with -o DIR the tables are printed for reading and written, complete, into DIR.

    \b
    Examples:
      policykg stats out
      policykg stats out -t laws -t single-region --top 0
      policykg stats out -o tables/             # tables/laws.csv, regions.csv, ...
      policykg stats out -t laws --format csv   # the laws table as CSV on stdout
    """
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    from policykg.graph.analytics import report_regions

    if csv_dir is not None:
        out_dir, fmt = out_dir or csv_dir, fmt or "csv"
    fmt = output_format(fmt, out_dir)
    names = list(tables or TABLES)
    if out_dir is None and fmt == "csv" and len(names) != 1:
        raise click.UsageError("--format csv prints one table: choose it with -t, or write them all with -o DIR")
    G = open_graph(graph).to_networkx()
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=PIPE_WIDTH)  # piped to a file or a pager: keep each row on one line
    if not report_regions(G):
        raise click.ClickException(f"{graph}: the graph has no reports")
    if out_dir is None and fmt != "table":  # the machine-readable tables alone, on stdout
        rows = {name: _rows(G, name, seed, unplaced=not placed_only) for name in names}
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            _write_csv(sys.stdout, names[0], rows[names[0]], raw=raw_csv, lineterminator="\n")
        return
    if out_dir:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise click.ClickException(f"-o {out_dir}: {e.strerror or e}")
    for name in names:
        title, _ = TABLES[name]
        rows = _rows(G, name, seed, unplaced=not placed_only)
        shown = _shown(name, rows, top)
        cols = _columns(name, rows)
        table = Table(title=f"{title} — {len(rows)} rows", title_justify="left")
        cells = [[_text(r[c]) for c in cols] for r in shown]
        for i, c in enumerate(cols):
            numeric = bool(rows) and isinstance(rows[0][c], (int, float))
            widest = max([cell_len(c)] + [cell_len(row[i]) for row in cells])
            # numbers and their headers stay whole; text folds, but never below 8 cells
            table.add_column(c, justify="right" if numeric else "left", overflow="fold",
                             min_width=widest if numeric else min(widest, 8))
        for row in cells:
            table.add_row(*row)
        print_wide(console, table)
        if len(shown) < len(rows):
            console.print(f"{len(rows) - len(shown)} more rows: --top 0 prints them, -o DIR writes them", style="dim")
        if out_dir:
            path = out_dir / f"{name}.{fmt}"
            _write_table(path, fmt, name, rows, raw=raw_csv)
            console.print(f"wrote {path}", style="dim")
    if not placed_only:
        unplaced = sorted(r for r, regs in report_regions(G).items() if G.nodes[regs[0]].get("type") != "Region")
        if unplaced:
            console.print(f"{len(unplaced)} report(s) without a region: their agency stands in for it, "
                          "marked (unplaced); --placed-only leaves them out.", style="dim")


@click.command()
@GRAPH
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (created if needed).")
@click.option("--format", "formats", multiple=True, default=("all",), show_default=True,
              type=click.Choice(["graphml", "gexf", "csv", "jsonld", "region-law", "citations", "nquads", "all"]),
              help="Format to write (repeatable); all is every format but nquads.")
@RAW_CSV
@click.option("-j", "--jobs", default=os.cpu_count() or 1, show_default="the number of CPUs",
              type=click.IntRange(1, 64),
              help="Worker processes for the formats that read the whole store (jsonld, in slices when "
                   "workers are spare; citations; nquads), which run while this process writes the "
                   "projection's formats; 1 writes every format here, one after the other. The files are "
                   "the same.")
def export(graph, out_dir, formats, raw_csv, jobs) -> None:
    """Export GRAPH (a build OUT folder or an RDF file) for other tools.

    \b
    graph.graphml       networkx projection as GraphML (Cytoscape, yEd, networkx)
    graph.gexf          the same as GEXF 1.2 for Gephi: colours, sizes (PageRank) and
                        positions, years as a timeline (spells; a law's citations per year
                        as the dynamic attribute citations_by_year); edge type in edge_type
    nodes.csv           id, type, label, ... ; edges.csv: source, target, type, weight, key, ...
                        (plain UTF-8 without BOM; lists and dicts as JSON; text that
                        begins with = + - @ gets a leading ', see --raw-csv)
    graph.jsonld        the whole RDF graph as JSON-LD, with a @context of its prefixes
    region_law.csv      regions × laws: reports and citations of each region and law;
    region_law.graphml  the same as a bipartite graph
    citations.csv       one row per citation with its evidence (policykg.open(OUT).citations());
    citations.parquet   the same as Parquet, typed columns
    graph.nq.gz         (nquads) the whole graph as gzipped N-Quads in one named graph, for a
                        server store's bulk loader (policykg bulk-load)

    List and dict attributes (aliases, roles, evidence) are stored as JSON text in NAME.json
    attributes; policykg.graph.export.read_graphml / read_gexf restore them, so an export
    loads back into networkx without loss.
    """
    from policykg.graph.export import FORMATS, PROJECTION_FORMATS, export as run_export

    chosen = tuple(f for f in FORMATS if f in formats or ("all" in formats and f != "nquads"))
    kg = open_graph(graph)
    projection = functools.cache(kg.to_networkx)  # made by the export, once its workers have started
    # a function of the build folder, which a worker process can run; an RDF file is read once, here
    citations = functools.partial(citation_table, graph) if graph.is_dir() else kg.citations
    try:
        written = run_export(kg.store, out_dir, chosen, G=projection, raw_csv=raw_csv, citations=citations,
                             jobs=jobs, source=graph)
    except OSError as e:
        raise click.ClickException(f"{out_dir}: {e.strerror or e}")
    for path in written:
        click.echo(f"wrote {path}")
    if set(chosen) & set(PROJECTION_FORMATS):
        G = projection()
        click.echo(f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges; {len(kg.store)} triples")
    else:
        click.echo(f"{len(kg.store)} triples")


def citation_table(graph: Path):
    """The citation table of GRAPH (a function of a path, so that a worker process can run it)."""
    return open_graph(graph).citations()
