"""The policykg command line: thin wrappers that parse options and call the stages."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__

from .common import GRAPH, INPUTS, JOBS, MANIFEST, limit_options, load_rdf as _load_rdf, open_manifest


def _quiet_libraries() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)


def _err(msg: str) -> None:
    click.secho(msg, err=True, fg="red")


def _report_failures(failures) -> None:
    for f in failures:
        if f.skipped:
            click.secho(f"skipped: {f}", err=True, fg="yellow")
        else:
            _err(f"error: {f}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykg")
def cli() -> None:
    """Build, query and explore knowledge graphs of Chinese rule-of-law government reports.

    \b
    Typical session:
      policykg build reports/ -o out        # extraction.jsonl, graph.ttl, store/, graph.html
      policykg query out --name laws-by-region
      policykg viz out -o views/            # offline views + views/index.html
      policykg stats out                    # analytics tables
      policykg serve out                    # SPARQL endpoint and query page
    """
    _quiet_libraries()


@cli.command()
@INPUTS
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: created, or replaced if an earlier build wrote it.")
@JOBS
@MANIFEST
@limit_options
@click.option("--html/--no-html", default=True, show_default=True, help="Write graph.html.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: on when stderr is a terminal and there are many files).")
def build(inputs, out_dir, jobs, manifest, limits, html, progress) -> None:
    """Extract every report in INPUTS (files or folders) and build the graph.

    Reads .txt, web pages (.html .htm .shtml), Word (.docx; .doc .wps .rtf .odt through
    LibreOffice), PDF (scanned pages by OCR with the `ocr` extra) and images (.png .jpg .tif).
    Writes OUT/extraction.jsonl (one record per report), OUT/texts/ (each report's text as read:
    every evidence offset indexes into it), OUT/graph.ttl, OUT/store/ (pyoxigraph) and
    OUT/graph.html. OUT is written beside itself and swapped in at the end.

    Every file not built is named with the reason; the exit status is 1 when a report failed.

    \b
    Examples:
      policykg build reports/ -o out
      policykg build reports/ -o out --manifest reports/manifest.csv -j 2
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from .batch import collect_inputs, shown
    from .build import build as run_build
    from .outdir import OutputFolderError, check_output

    try:
        check_output(out_dir)
    except OutputFolderError as e:
        raise click.ClickException(str(e))
    manifest = open_manifest(manifest)
    n_files = len(collect_inputs(inputs)[0])
    show = progress if progress is not None else (sys.stderr.isatty() and n_files >= 20)
    console = Console(stderr=True)
    options = dict(jobs=jobs, html=html, limits=limits, manifest=manifest)
    if show:
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console) as bar:
            task = bar.add_task("extracting", total=n_files)
            summary = run_build(inputs, out_dir, on_progress=lambda done, total: bar.update(task, completed=done),
                                **options)
    else:
        summary = run_build(inputs, out_dir, **options)
    _report_failures(summary.failures)
    for path, warnings in summary.warnings.items():
        for w in warnings:
            click.secho(f"warning: {shown(path)}: {w}", err=True, fg="yellow")
    for kept, others in summary.duplicates.items():
        click.echo(f"same report: {shown(kept)} built once; also in {', '.join(map(shown, others))}")
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(summary.formats.items()))
    click.echo(f"documents: {summary.documents} built ({formats or 'none'}), {len(summary.failed)} failed, "
               f"{len(summary.skipped)} skipped, {sum(map(len, summary.duplicates.values()))} duplicates")
    labels = {"LAW": "laws", "AGENCY": "agencies", "REGION": "regions", "PROGRAM": "programs", "DOCNUM": "document numbers"}
    for label, name in labels.items():
        click.echo(f"  {name:<17} {summary.entities.get(label, 0):>6} distinct  {summary.mentions.get(label, 0):>7} mentions")
    click.echo(f"triples: {summary.triples}")
    click.echo(f"seconds: {summary.seconds_total:.2f} total, {summary.seconds_extract:.2f} extraction "
               f"({summary.megabytes:.3f} MB, {summary.mb_per_s:.3f} MB/s)")
    click.echo(f"wrote: {summary.out_dir}/extraction.jsonl, texts/, graph.ttl, store/" + (", graph.html" if html else ""))
    if summary.failed:
        sys.exit(1)


@cli.command()
@INPUTS
@JOBS
@MANIFEST
@limit_options
@click.option("--full/--gold-keys", default=False, show_default=True,
              help="Print the whole record (mentions, sentences, observations) or only the gold's keys.")
def extract(inputs, jobs, manifest, limits, full) -> None:
    """Print one JSON object per report (JSON Lines), with the gold annotation's keys.

    Keys: doc, agency, province, city, county, year, laws, law_mentions, doc_numbers,
    agencies, regions, programs (and more with --full).
    """
    from .batch import Failure, collect_inputs, extract_files

    gold_keys = ("doc", "agency", "agency_surface", "province", "city", "county", "year", "date", "addressed_to",
                 "laws", "law_mentions", "doc_numbers", "agencies", "regions", "regions_cooperation", "programs")
    paths, failures = collect_inputs(inputs)
    for result in extract_files(paths, jobs=jobs, limits=limits, manifest=open_manifest(manifest)):
        if isinstance(result, Failure):
            failures.append(result)
            continue
        record = result if full else {k: result[k] for k in gold_keys}
        click.echo(json.dumps(record, ensure_ascii=False))
    _report_failures(failures)
    if any(not f.skipped for f in failures):
        sys.exit(1)


@cli.command(name="eval")
@click.argument("gold_file", metavar="GOLD.jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@INPUTS
@JOBS
@click.option("--errors/--no-errors", default=False, show_default=True, help="List each document's missed and spurious items.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--levels", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TSV of doc, law, level: also score law levels (e.g. tests/gold/seeds_law_levels.tsv).")
@click.option("--roles", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TSV of doc, law, occurrence, role: also score citation roles (tests/gold/seeds_citation_roles.tsv).")
@click.option("--by", "group_key", default="department", show_default=True, metavar="KEY",
              help="Also score each group of reports sharing this gold key (reports without it form the group "
                   "'all'): metadata accuracy and field F1 per group. 'none' turns it off.")
def evaluate_cmd(gold_file, inputs, jobs, errors, as_json, levels, roles, group_key) -> None:
    """Score extraction on INPUTS against GOLD.jsonl: precision, recall, F1 per field.

    Scores are micro-averaged over the documents; strings are compared normalised (NFKC,
    no whitespace, quotes or book-title marks, 〔〕 = []). Items the gold marks optional are
    neither rewarded nor penalised. INPUTS may also be an extraction.jsonl file.
    region_code is always scored (from the gold's province, city and county names); law
    levels and citation roles when --levels / --roles give their annotations.
    With --by (the gold's department type by default), a second table gives each group's
    metadata accuracy (agency, province, city, year: share of its reports right) and field F1.
    """
    from rich.console import Console
    from rich.table import Table

    from policykg.extract.evaluate import LIST_FIELDS, METADATA_FIELDS, evaluate_all, evaluate_by

    from .batch import Failure, collect_inputs, extract_files

    gold = _read_jsonl(gold_file)
    predicted: list[dict] = []
    for p in inputs:
        if p.suffix == ".jsonl":
            predicted.extend(_read_jsonl(p))
    reports = [p for p in inputs if p.suffix != ".jsonl"]
    paths, failures = collect_inputs(reports) if reports else ([], [])
    for result in extract_files(paths, jobs=jobs):
        (failures if isinstance(result, Failure) else predicted).append(result)
    _report_failures(failures)
    result = evaluate_all(gold, predicted, levels=levels, roles=roles)
    groups = evaluate_by(gold, predicted, key=group_key) if group_key != "none" else []
    if as_json:
        out = {"documents": result.documents, "missing": result.missing,
               "fields": [s.as_dict() for s in result.fields.values()]}
        if groups:
            out["by"] = {"key": group_key, "groups": [g.as_dict() for g in groups]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"policykg eval — {result.documents} documents (micro-averaged)")
    for col in ("field", "gold", "predicted", "correct", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for s in result.fields.values():
        table.add_row(s.name, str(s.tp + s.fn), str(s.tp + s.fp), str(s.tp),
                      f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}")
    console = Console()
    console.print(table)
    if groups:
        scored = [f for f in LIST_FIELDS if any(g.evaluation.fields[f].tp + g.evaluation.fields[f].fn for g in groups)]
        by_table = Table(title=f"by {group_key}: metadata accuracy, field F1")
        for col in (group_key, "reports", *METADATA_FIELDS, *scored):
            by_table.add_column(col, justify="left" if col == group_key else "right")
        for g in groups:
            by_table.add_row(g.group, str(g.documents), *(f"{g.accuracy[f]:.3f}" for f in METADATA_FIELDS),
                             *(_f1_cell(g.evaluation.fields[f]) for f in scored))
        # one row per group, a column per measure: as wide as it needs (a pipe gets 80 columns otherwise)
        Console(width=max(console.width, 150)).print(by_table)
    if result.missing:
        _err(f"no prediction for: {', '.join(result.missing)}")
    if errors:
        for s in result.fields.values():
            for doc, missed, spurious in s.errors:
                click.echo(f"{s.name}\t{doc}\tmissed: {'; '.join(missed) or '-'}\tspurious: {'; '.join(spurious) or '-'}")


def _f1_cell(score) -> str:
    """F1, or "-" where the group has nothing to find and nothing was found."""
    return f"{score.f1:.3f}" if score.tp + score.fp + score.fn else "-"


def _read_jsonl(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise click.ClickException(f"{path}:{n}: not valid JSON ({e.msg})")
    return records


@cli.command()
@click.argument("args", nargs=-1, metavar="[GRAPH] [SPARQL]")
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("-n", "--name", help="Run a named query from ontology/queries (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a named query's parameter, e.g. -p law=中华人民共和国宪法 (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--endpoint", metavar="URL",
              help="Query a SPARQL endpoint (another policykg, Virtuoso, …) instead of a local GRAPH.")
@click.option("--user", help="User name for --endpoint, if it needs one.")
@click.option("--password", help="Password for --endpoint.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
def query(args, query_file, name, params, fmt, endpoint, user, password, list_queries) -> None:
    """Run a SPARQL query on GRAPH (a build OUT folder or an RDF file), or at --endpoint URL.

    \b
    Examples:
      policykg query out --name laws-by-region
      policykg query out --name regions-citing -p law=中华人民共和国传染病防治法
      policykg query out 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv
      policykg query --endpoint http://127.0.0.1:8890/sparql --name laws-by-role
    """
    from policykg.graph import store as st

    if list_queries:
        for qname, (path, description) in st.list_named_queries().items():
            click.echo(f"{qname:<28} {description}")
        return
    args = list(args)
    graph = None
    if not endpoint:
        if not args:
            raise click.UsageError("give GRAPH (a build folder or an RDF file), or --endpoint URL")
        graph = Path(args.pop(0))
        if not graph.exists():
            raise click.UsageError(f"GRAPH {str(graph)!r} does not exist")
    if len(args) > 1:
        raise click.UsageError("too many arguments: quote the SPARQL query")
    sparql = args[0] if args else None
    given = [x for x in (sparql, query_file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of SPARQL, --file or --name")
    bindings = {}
    for item in params:
        if "=" not in item:
            raise click.UsageError(f"--param takes NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        bindings[k.strip()] = v
    if name:
        try:
            text = st.load_named_query(name)
        except KeyError:
            raise click.UsageError(f"no named query {name!r}; see policykg query --list")
    elif query_file:
        text = query_file.read_text(encoding="utf-8")
    else:
        text = sparql
    try:
        if endpoint:
            from policykg.serve.remote import RemoteError, run_remote

            try:
                result = run_remote(endpoint, text, bindings or None, user=user, password=password)
            except RemoteError as e:
                raise click.ClickException(str(e))
        else:
            result = st.run_query(st.open_store(graph), text, bindings or None)
    except (SyntaxError, ValueError, OSError) as e:
        raise click.ClickException(str(e))
    if fmt == "csv":
        click.echo(st.to_csv(result), nl=False)
    elif fmt == "json":
        click.echo(st.to_json(result))
    else:
        _print_table(st, result)


@cli.command()
@GRAPH
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes the graph to the network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds a query may run before it is cancelled.")
@click.option("--limit", default=10000, show_default=True, type=click.IntRange(1),
              help="Most rows (or triples) a query returns; longer answers are cut off and flagged.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (queries run in parallel up to this many).")
@click.option("--memory/--no-memory", default=True, show_default=True,
              help="Copy the store into each worker's memory in the background (answers come from disk "
                   "until then): grouped queries on large graphs run 2-5x faster, for about 0.5 GB of RAM "
                   "per million triples per worker. --no-memory answers from disk only.")
def serve(graph, host, port, timeout, limit, workers, memory) -> None:
    """Serve GRAPH over the SPARQL 1.1 Protocol, with a query page for people.

    \b
    http://HOST:PORT/          query page: named queries, results table, entity links
    http://HOST:PORT/sparql    the endpoint: GET or POST, SELECT/ASK/CONSTRUCT/DESCRIBE;
                               JSON, XML, CSV, TSV, Turtle, N-Triples, RDF/XML, JSON-LD by the
                               Accept header or ?format=json|xml|csv|tsv|turtle|ntriples|rdfxml|jsonld
    http://HOST:PORT/entity?iri=IRI   an entity: labels, relations, evidence sentences
    http://HOST:PORT/graph     the build's interactive graph page

    The endpoint is read-only: SPARQL Update is refused with 403. A build folder's store/ is
    opened directly; an RDF file is loaded into a temporary store first.
    """
    from policykg.serve.server import serve as run_server

    try:
        run_server(graph, host=host, port=port, workers=workers, timeout=timeout, limit=limit, memory=memory,
                   announce=lambda m: click.echo(m, err=True))
    except (OSError, ValueError, RuntimeError) as e:
        raise click.ClickException(str(e))


@cli.command()
@GRAPH
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. Virtuoso's http://HOST:8890/sparql-graph-crud-auth.")
@click.option("--graph", "graph_iri", default="https://w3id.org/policykg/graph", show_default=True,
              help="Named graph to write into.")
@click.option("--user", help="User name (Virtuoso: dba or a user with SPARQL_UPDATE).")
@click.option("--password", help="Password (or set POLICYKG_ENDPOINT_PASSWORD).", envvar="POLICYKG_ENDPOINT_PASSWORD")
@click.option("--auth", type=click.Choice(["digest", "basic"]), default="digest", show_default=True)
@click.option("--replace/--append", default=True, show_default=True,
              help="Replace the named graph's content, or add to it.")
def load(graph, endpoint, graph_iri, user, password, auth, replace) -> None:
    """Push GRAPH into an existing SPARQL store (SPARQL 1.1 Graph Store Protocol), so that the
    same named queries run there: policykg query --endpoint URL --name NAME.

    \b
    Example (Virtuoso Open-Source):
      policykg load out --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password dba
      policykg query --endpoint http://127.0.0.1:8890/sparql --name laws-by-region
    """
    from policykg.serve.remote import RemoteError, load_graph

    try:
        n = load_graph(graph, endpoint, graph_iri, user=user, password=password, auth=auth, replace=replace)
    except (RemoteError, OSError, ValueError) as e:
        raise click.ClickException(str(e))
    click.echo(f"loaded {n} triples into <{graph_iri}> at {endpoint}")


def _print_table(st, result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if getattr(result, "boolean", None) is not None:
        console.print(str(result.boolean).lower())
        return
    columns, rows = st.to_table_rows(result)
    table = Table(show_lines=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"{len(rows)} rows", style="dim")


@cli.command()
@GRAPH
def validate(graph) -> None:
    """Check GRAPH against the SHACL shapes in ontology/ and list every violation."""
    from policykg.graph.validate import validate as run_validate

    conforms, violations = run_validate(_load_rdf(graph))
    for v in violations:
        click.echo(f"- {v}")
    if conforms:
        click.echo("conforms: the graph satisfies every shape")
    else:
        click.echo(f"{len(violations)} violations")
        sys.exit(1)


from .viz_cmd import viz  # noqa: E402  (commands kept in their own modules)
from .explore import export, stats  # noqa: E402

for _command in (viz, stats, export):
    cli.add_command(_command)


def main() -> None:
    cli()
