"""Options and helpers shared by the policykg commands."""
from __future__ import annotations

import functools
from pathlib import Path

import click

INPUTS = click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
JOBS = click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
                    help="Worker processes for extraction (one spaCy pipeline each).")
MANIFEST = click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="CSV of file, url, published, agency, region, year (any may be empty): provenance, "
                             "and values that override what the text gives (a region settles an ambiguous place).")


def limit_options(command):
    """--max-file-mb and --max-chars, passed to the command as one ``limits`` argument."""
    from policykg.extract.readers import Limits

    default = Limits()

    @click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), show_default=True,
                  default=default.max_file_bytes / 1e6, help="Skip (and name) files larger than this, unread.")
    @click.option("--max-chars", type=click.IntRange(min=1), default=default.max_chars, show_default=True,
                  help="Skip (and name) reports whose text is longer than this.")
    @functools.wraps(command)
    def wrapper(*args, max_file_mb, max_chars, **kwargs):
        return command(*args, limits=Limits(max_file_bytes=int(max_file_mb * 1e6), max_chars=max_chars), **kwargs)

    return wrapper


def open_manifest(path: Path | None):
    """The manifest of --manifest, or None; a bad one is a clean error naming its line."""
    if path is None:
        return None
    from policykg.extract.manifest import ManifestError, read_manifest

    try:
        return read_manifest(path)
    except ManifestError as e:
        raise click.ClickException(str(e))


FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default=None,
                      help="Output format: table (for reading in the terminal; the default), csv or json "
                           "(the default with -o/--out).")


def output_format(fmt: str | None, out) -> str:
    """The --format in effect: table on the terminal, csv when writing to -o/--out; a table cannot
    be written to a file."""
    if fmt is None:
        return "table" if out is None else "csv"
    if fmt == "table" and out is not None:
        raise click.UsageError("--format table is for the terminal; with -o/--out use --format csv or json")
    return fmt


class NameValue(click.ParamType):
    """NAME=VALUE, as a (name, value) pair."""
    name = "NAME=VALUE"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        name, sep, val = str(value).partition("=")
        if not sep or not name.strip():
            self.fail(f"takes NAME=VALUE, got {value!r}", param, ctx)
        return name.strip(), val


PARAM = NameValue()

GRAPH = click.argument("graph", type=click.Path(exists=True, path_type=Path))
RAW_CSV = click.option("--raw-csv", is_flag=True,
                       help="Write CSV cells exactly as they are. By default a text cell that begins with "
                            "= + - @, tab or CR gets a leading ' so that a spreadsheet shows it instead of "
                            "running it as a formula (numbers such as -3 are left alone); use --raw-csv "
                            "when a program (pandas, R) reads the file.")


def open_graph(graph_path: Path):
    """The KnowledgeGraph of an OUT folder (its store/, opened read-only: graph.ttl is never
    parsed) or of an RDF file (loaded into an in-memory store)."""
    from policykg.knowledge_graph import KnowledgeGraph

    if graph_path.is_dir() and not (graph_path / "store").is_dir() and not (graph_path / "graph.ttl").exists():
        raise click.ClickException(f"{graph_path}: no store/ and no graph.ttl here (run policykg build first)")
    try:
        return KnowledgeGraph(graph_path)
    except (ValueError, OSError) as e:
        what = "not a readable graph" if graph_path.is_dir() else "not a readable RDF file"
        raise click.ClickException(f"{graph_path}: {what} ({e})")


def print_wide(console, table) -> None:
    """Print a table no narrower than its columns need: Rich would squeeze columns below their
    minimum (a narrow terminal lost the region column), so such a table is drawn at its minimum
    width and the terminal wraps its lines instead."""
    from rich.measure import Measurement

    need = Measurement.get(console, console.options.update_width(100_000), table).minimum  # unclamped
    if need > console.width:
        console.print(table, width=need, crop=False)
    else:
        console.print(table)
