"""The policykg command line: commands that parse options and call the library (policykg.builder,
policykg.graph, policykg.viz, policykg.serve)."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from policykg import __version__

from .common import (FORMAT, GRAPH, INPUTS, JOBS, MANIFEST, PARAM, RAW_CSV, limit_options, open_graph,
                     open_manifest, output_format, print_wide)

# rows `query` prints as a table by default: Rich lays a table out cell by cell, and 30,000 rows
# (laws-by-role on 5,000 reports) took 48 s of CPU
TABLE_TOP = 100


def _warnings_and_worse(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


def _quiet_libraries() -> None:
    # jieba sets its logger to DEBUG when it is imported; a filter on that logger outlasts it,
    # so commands that never segment text (query, serve, ...) need not import jieba (0.5 s).
    # Adding the same filter again does nothing.
    logging.getLogger("jieba").addFilter(_warnings_and_worse)


def _err(msg: str) -> None:
    click.secho(msg, err=True, fg="red")


def _report_failures(failures) -> None:
    for f in failures:
        if f.skipped:
            click.secho(f"skipped: {f}", err=True, fg="yellow")
        else:
            _err(f"error: {f}")


def _endpoint_credentials(default_auth: str):
    """--user, --password and --auth, shared by the commands that talk to an endpoint."""
    def decorate(f):
        f = click.option("--auth", type=click.Choice(["digest", "basic"]), default=default_auth, show_default=True,
                         help="HTTP authentication scheme for the credentials.")(f)
        f = click.option("--password", help="Password for the endpoint; else user:password@ in the URL, else "
                                            "$POLICYKG_ENDPOINT_PASSWORD. Never printed.")(f)
        f = click.option("--user", help="User name for the endpoint; else user:password@ in the URL, else "
                                        "$POLICYKG_ENDPOINT_USER.")(f)
        return f
    return decorate


def _endpoint(url: str, user, password, auth):
    from policykg.serve.remote import Endpoint, RemoteError

    try:
        return Endpoint.parse(url, user, password, auth)
    except RemoteError as e:
        raise click.UsageError(str(e))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykg")
def cli() -> None:
    """Build, query and explore knowledge graphs of Chinese rule-of-law government reports.

    \b
    Typical session:
      policykg build reports/ -o out        # extraction.jsonl, store/, graph.html (again: updates)
      policykg query out --name laws-by-region
      policykg viz out -o views/            # offline views + views/index.html
      policykg stats out                    # analytics tables
      policykg serve out                    # SPARQL endpoint and query page
    """
    _quiet_libraries()


@cli.command()
@INPUTS
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: created, or updated if an earlier build wrote it.")
@JOBS
@MANIFEST
@limit_options
@click.option("--html/--no-html", default=True, show_default=True,
              help="Write graph.html, the overview of the whole graph (slow to draw for thousands of reports).")
@click.option("--turtle", is_flag=True, help="Also write OUT/graph.ttl (the whole graph as Turtle, dumped from the store).")
@click.option("--rebuild", is_flag=True,
              help="Extract every report again and make the store anew, reusing nothing of an earlier build in OUT.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: this machine (-j processes) or the workers of a Dask cluster (--scheduler).")
@click.option("--scheduler", metavar="ADDRESS", help="The Dask scheduler of --engine dask (tcp://HOST:8786).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: on when stderr is a terminal and there are many files).")
def build(inputs, out_dir, jobs, manifest, limits, html, turtle, rebuild, engine, scheduler, progress) -> None:
    """Extract every report in INPUTS (files or folders) and build the graph.

    Reads .txt, web pages (.html .htm .shtml), Word (.docx; .doc .wps .rtf .odt through
    LibreOffice), PDF (scanned pages by OCR with the `ocr` extra) and images (.png .jpg .tif).
    Writes OUT/extraction.jsonl (one record per report), OUT/texts/ (each report's text as read:
    every evidence offset indexes into it), OUT/store/ (pyoxigraph, what every other command
    reads), OUT/cache.sqlite (what the next build reuses), OUT/graph.html and, with --turtle,
    OUT/graph.ttl. OUT is written beside itself and swapped in at the end.

    A build into an OUT that policykg wrote updates it: only new and changed files are
    extracted (a file is known by its path and content, its manifest row and the read limits), the
    reports of files that are gone or changed are taken out of the graph and the new ones put
    in. Everything is made anew with --rebuild, or when the extraction pipeline changed.

    Every file not built is named with the reason; the exit status is 1 when a report failed.

    \b
    Examples:
      policykg build reports/ -o out
      policykg build reports/ -o out --manifest reports/manifest.csv -j 2
      policykg build reports/ -o out            # again after adding a report: only it is extracted
      policykg build reports/ -o out --rebuild  # everything anew
      policykg build reports/ -o out --turtle   # also OUT/graph.ttl
      policykg build reports/ -o out --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from policykg.corpus import collect_inputs, shown
    from policykg.builder import build as run_build
    from policykg.outdir import OutputFolderError, check_output

    if engine == "dask" and not scheduler:
        raise click.UsageError("--engine dask needs --scheduler ADDRESS (tcp://HOST:8786)")
    try:
        check_output(out_dir)
    except OutputFolderError as e:
        raise click.ClickException(str(e))
    manifest = open_manifest(manifest)
    n_files = len(collect_inputs(inputs)[0])
    show = progress if progress is not None else (sys.stderr.isatty() and n_files >= 20)
    console = Console(stderr=True)
    options = dict(jobs=jobs, html=html, limits=limits, manifest=manifest, turtle=turtle, rebuild=rebuild,
                   engine=engine, scheduler=scheduler)
    try:
        if show:
            with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), console=console) as bar:
                task = bar.add_task("extracting", total=n_files)
                summary = run_build(inputs, out_dir, on_progress=lambda done, total: bar.update(task, completed=done),
                                    **options)
        else:
            summary = run_build(inputs, out_dir, **options)
    except ValueError as e:  # the graph as a whole could not be stored: the previous OUT is kept
        raise click.ClickException(f"{out_dir}: not written, the previous build is unchanged ({e})")
    _report_failures(summary.failures)
    for path, warnings in summary.warnings.items():
        for w in warnings:
            click.secho(f"warning: {shown(path)}: {w}", err=True, fg="yellow")
    for kept, others in summary.duplicates.items():
        click.echo(f"same report: {shown(kept)} built once; also in {', '.join(map(shown, others))}")
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(summary.formats.items()))
    click.echo(f"documents: {summary.documents} built ({formats or 'none'}), {len(summary.failed)} failed, "
               f"{len(summary.skipped)} skipped, {sum(map(len, summary.duplicates.values()))} duplicates; "
               f"{summary.reused} reused, {summary.new} new, {summary.changed} changed, {summary.removed} removed")
    click.echo(f"graph: made anew ({summary.full})" if summary.full else "graph: updated")
    labels = {"LAW": "laws", "AGENCY": "agencies", "REGION": "regions", "PROGRAM": "programs", "DOCNUM": "document numbers"}
    for label, name in labels.items():
        click.echo(f"  {name:<17} {summary.entities.get(label, 0):>6} distinct  {summary.mentions.get(label, 0):>7} mentions")
    click.echo(f"triples: {summary.triples}")
    click.echo(f"seconds: {summary.seconds_total:.2f} total, {summary.seconds_extract:.2f} extraction "
               f"({summary.megabytes:.3f} MB, {summary.mb_per_s:.3f} MB/s)")
    click.echo(f"wrote: {summary.out_dir}/extraction.jsonl, texts/, store/, cache.sqlite"
               + (", graph.ttl" if turtle else "") + (", graph.html" if html else ""))
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
    from policykg.corpus import Failure, collect_inputs, extract_files

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
@MANIFEST
@click.option("--errors/--no-errors", default=False, show_default=True, help="List each document's missed and spurious items.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--levels", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TSV of doc, law, level: also score law levels (e.g. tests/gold/seeds_law_levels.tsv).")
@click.option("--roles", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TSV of doc, law, occurrence, role: also score citation roles (tests/gold/seeds_citation_roles.tsv).")
@click.option("--by", "group_key", default="department", show_default=True, metavar="KEY",
              help="Also score each group of reports sharing this gold key (reports without it form the group "
                   "'all'): metadata accuracy and field F1 per group. 'none' turns it off.")
def evaluate_cmd(gold_file, inputs, jobs, manifest, errors, as_json, levels, roles, group_key) -> None:
    """Score extraction on INPUTS against GOLD.jsonl: precision, recall, F1 per field.

    Scores are micro-averaged over the documents; strings are compared normalised (NFKC,
    no whitespace, quotes or book-title marks, 〔〕 = []). Items the gold marks optional are
    neither rewarded nor penalised. INPUTS may also be an extraction.jsonl file.
    region_code is always scored (from the gold's province, city and county names); law
    levels and citation roles when --levels / --roles give their annotations.
    With --by (the gold's department type by default), a second table gives each group's
    metadata accuracy (agency, province, city, year: share of its reports right) and field F1.
    --manifest reads the reports as a build with that manifest would (the dev set's
    tests/gold/devset/manifest.csv gives what some texts never name).
    """
    from rich.console import Console
    from rich.table import Table

    from policykg.extract.evaluate import LIST_FIELDS, METADATA_FIELDS, evaluate_all, evaluate_by

    from policykg.corpus import Failure, collect_inputs, extract_files

    gold = _read_jsonl(gold_file)
    predicted: list[dict] = []
    for p in inputs:
        if p.suffix == ".jsonl":
            predicted.extend(_read_jsonl(p))
    reports = [p for p in inputs if p.suffix != ".jsonl"]
    paths, failures = collect_inputs(reports) if reports else ([], [])
    for result in extract_files(paths, jobs=jobs, manifest=open_manifest(manifest)):
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
    print_wide(console, table)
    if groups:
        scored = [f for f in LIST_FIELDS if any(g.evaluation.fields[f].tp + g.evaluation.fields[f].fn for g in groups)]
        by_table = Table(title=f"by {group_key}: metadata accuracy, field F1")
        widest = max([len(group_key), *(len(g.group) for g in groups)])
        for col in (group_key, "reports", *METADATA_FIELDS, *scored):
            # never cut a department's name or a figure short: a narrow terminal wraps instead
            by_table.add_column(col, justify="left" if col == group_key else "right", no_wrap=True,
                                min_width=widest if col == group_key else max(len(col), 5))
        for g in groups:
            by_table.add_row(g.group, str(g.documents), *(f"{g.accuracy[f]:.3f}" for f in METADATA_FIELDS),
                             *(_f1_cell(g.evaluation.fields[f]) for f in scored))
        print_wide(console, by_table)
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
@click.argument("graph", required=False, metavar="[GRAPH]", type=click.Path(path_type=Path))
@click.argument("sparql", required=False, metavar="[SPARQL]")
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("-n", "--name", help="Run a named query from ontology/queries (see --list).")
@click.option("-p", "--param", "params", multiple=True, type=PARAM, metavar="NAME=VALUE",
              help="Bind a named query's parameter, e.g. -p law=中华人民共和国宪法 (repeatable).")
@FORMAT
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the answer to this file instead of printing it.")
@click.option("--endpoint", metavar="URL",
              help="Query a SPARQL endpoint (another policykg, Virtuoso, …) instead of a local GRAPH.")
@_endpoint_credentials(default_auth="basic")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds to wait for --endpoint's answer.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--top", default=TABLE_TOP, show_default=True, type=click.IntRange(0),
              help="Rows printed in the table (--format table); 0 prints every row. csv and json give every row.")
@RAW_CSV
def query(graph, sparql, query_file, name, params, fmt, out_file, endpoint, user, password, auth, timeout,
          list_queries, top, raw_csv) -> None:
    """Run a SPARQL query on GRAPH (a build OUT folder or an RDF file), or at --endpoint URL.

    \b
    Examples:
      policykg query out --name laws-by-region
      policykg query out --name regions-citing -p law=中华人民共和国传染病防治法
      policykg query out 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv -o count.csv
      policykg query --endpoint http://127.0.0.1:8890/sparql --name laws-by-role
    """
    from policykg.graph import store as st

    if list_queries:
        for qname, (path, description) in st.list_named_queries().items():
            click.echo(f"{qname:<28} {description}")
        return
    if endpoint:
        if graph is not None and sparql is not None:
            raise click.UsageError("with --endpoint give no GRAPH: only the SPARQL query (quoted)")
        if graph is not None:  # the one argument is the query
            graph, sparql = None, str(graph)
    elif graph is None:
        raise click.UsageError("give GRAPH (a build folder or an RDF file), or --endpoint URL")
    elif not graph.exists():
        raise click.UsageError(f"GRAPH {str(graph)!r} does not exist")
    given = [x for x in (sparql, query_file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of SPARQL, --file or --name")
    bindings = dict(params)
    fmt = output_format(fmt, out_file)
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
                result = run_remote(_endpoint(endpoint, user, password, auth), text, bindings or None, timeout=timeout)
            except RemoteError as e:
                raise click.ClickException(str(e))
        else:
            from policykg.resolve import resolve_all

            store = st.open_store(graph)
            result = st.run_query(store, text, resolve_all(store, bindings) or None)
    except (SyntaxError, ValueError, OSError) as e:
        raise click.ClickException(str(e))
    if fmt == "table":
        _print_table(st, result, top)
        return
    text = st.to_json(result) + "\n" if fmt == "json" else st.to_csv(result, raw=raw_csv)
    if out_file is None:
        click.echo(text, nl=False)
        return
    try:
        out_file.write_text(text, encoding="utf-8", newline="")
    except OSError as e:
        raise click.ClickException(f"{out_file}: {e.strerror or e}")
    click.echo(f"wrote {out_file}", err=True)


def _options(*table):
    """Several typed options with defaults shown, from rows of (name, default, type, help)."""

    def apply(command):
        for name, default, kind, text in reversed(table):
            command = click.option(name, default=default, show_default=True, type=kind, help=text)(command)
        return command

    return apply


def _origins(ctx, param, values):
    """--cors-origin values checked before the store loads: an origin, exactly as browsers send it."""
    from policykg.serve.guard import parse_origin

    try:
        return tuple(parse_origin(v) for v in values)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


@cli.command()
@GRAPH
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes the graph to the network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@_options(
    ("--timeout", 30.0, click.FloatRange(0.1), "Seconds a query may run before it is cancelled."),
    ("--limit", 10000, click.IntRange(1), "Most rows (or triples) a query returns; longer answers are cut off and flagged."),
    ("--workers", 2, click.IntRange(1, 64), "Query worker processes (queries run in parallel up to this many)."),
)
@click.option("--memory/--no-memory", default=True, show_default=True,
              help="Copy the store into each worker's memory in the background (answers come from disk "
                   "until then): grouped queries on large graphs run 2-5x faster, for about 0.5 GB of RAM "
                   "per million triples per worker. --no-memory answers from disk only.")
@_options(
    ("--worker-memory-mb", 2048, click.IntRange(0), "Address space a worker process may use (MiB); a query "
     "going past it is stopped with 503 and the worker replaced. 0: unbounded."),
    ("--max-response-mb", 64.0, click.FloatRange(0.001), "Largest answer (MiB); longer answers are cut at a "
     "whole row and flagged."),
    ("--max-request-mb", 1.0, click.FloatRange(0.001), "Largest request body or query (MiB); larger ones get 413."),
    ("--short-workers", 1, click.IntRange(0, 16), "Extra workers kept for short queries while the others are busy."),
    ("--short-timeout", 2.0, click.FloatRange(0.1), "Seconds a query may run on a worker kept for short queries."),
    ("--queue-wait", 1.0, click.FloatRange(0), "Seconds a query waits for a free worker before it gets 503."),
)
@click.option("--allow-service", "allow_services", multiple=True, metavar="IRI",
              help="A SERVICE endpoint that queries may call (repeatable); any other SERVICE is refused "
                   "with 403, so by default the server makes no outbound request.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="A Host name to answer to besides those of --host (repeatable; '*' for any).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN", callback=_origins,
              help="An origin (https://site.example, exactly as its pages send it: no path) whose pages may "
                   "query the endpoint (repeatable; '*' for any). Default: none, only this server's own pages.")
def serve(graph, host, port, timeout, limit, workers, memory, worker_memory_mb, max_response_mb, max_request_mb,
          short_workers, short_timeout, queue_wait, allow_services, allow_hosts, cors_origins) -> None:
    """Serve GRAPH over the SPARQL 1.1 Protocol, with a query page for people.

    \b
    http://HOST:PORT/          query workbench: SPARQL editor with prefix completion, sortable
                               results and a chart, named queries with name suggestions, history
    http://HOST:PORT/names?type=law&q=宪   names (and aliases) a named-query parameter takes
    http://HOST:PORT/sparql    the endpoint: GET or POST, SELECT/ASK/CONSTRUCT/DESCRIBE;
                               JSON, XML, CSV, TSV, Turtle, N-Triples, RDF/XML, JSON-LD by the
                               Accept header or ?format=json|xml|csv|tsv|turtle|ntriples|rdfxml|jsonld;
                               without a query, its SPARQL 1.1 Service Description
    http://HOST:PORT/entity?iri=IRI   an entity: labels, relations, evidence sentences
    http://HOST:PORT/graph     the build's interactive graph page

    The endpoint is read-only: SPARQL Update is refused with 403, and so is SERVICE unless
    --allow-service names it. A build folder's store/ is opened directly; an RDF file is loaded
    into a temporary store first, removed when the server stops (Ctrl+C or SIGTERM).
    """
    from policykg.serve.server import ServeOptions, serve as run_server

    options = ServeOptions(workers=workers, timeout=timeout, limit=limit, memory=memory,
                           worker_memory_mb=worker_memory_mb, max_response_mb=max_response_mb,
                           max_request_mb=max_request_mb, short_workers=short_workers, short_timeout=short_timeout,
                           queue_wait=queue_wait, allow_services=allow_services, allow_hosts=allow_hosts,
                           cors_origins=cors_origins)
    try:
        run_server(graph, host=host, port=port, options=options, announce=lambda m: click.echo(m, err=True))
    except (OSError, ValueError, RuntimeError) as e:
        raise click.ClickException(str(e))


@cli.command()
@GRAPH
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. Virtuoso's http://HOST:8890/sparql-graph-crud-auth.")
@click.option("--graph", "graph_iri", default="https://w3id.org/policykg/graph", show_default=True,
              help="Named graph to write into.")
@_endpoint_credentials(default_auth="digest")
@click.option("--replace/--append", default=True, show_default=True,
              help="Replace the named graph's content, or add to it.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds to wait for the endpoint to answer each upload request.")
def load(graph, endpoint, graph_iri, user, password, auth, replace, timeout) -> None:
    """Push GRAPH into an existing SPARQL store (SPARQL 1.1 Graph Store Protocol), so that the
    same named queries run there: policykg query --endpoint URL --name NAME.

    \b
    Example (Virtuoso Open-Source):
      policykg load out --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password dba
      policykg query --endpoint http://127.0.0.1:8890/sparql --name laws-by-region
    """
    from policykg.serve.remote import RemoteError, load_graph

    target = _endpoint(endpoint, user, password, auth)
    try:
        n = load_graph(graph, target, graph_iri, replace=replace, timeout=timeout)
    except (RemoteError, OSError, ValueError) as e:
        raise click.ClickException(target.scrub(str(e)))
    click.echo(f"loaded {n} triples into <{graph_iri}> at {target}")


@cli.command("bulk-load")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sql", "sql_address", default="127.0.0.1:1111", show_default=True, metavar="HOST:PORT",
              help="Virtuoso's SQL port (isql), on the machine that can read DUMP.")
@click.option("--user", default="dba", show_default=True, help="Virtuoso user.")
@click.option("--password", envvar="POLICYKG_PASSWORD", prompt=True, hide_input=True,
              help="Virtuoso password (or $POLICYKG_PASSWORD; asked for when not given).")
@click.option("--graph", "graph_iri", default="https://w3id.org/policykg/graph", show_default=True,
              help="Named graph to load into.")
@click.option("--replace/--append", default=True, show_default=True,
              help="Replace the named graph's content, or add to it.")
def bulk_load(dump, sql_address, user, password, graph_iri, replace) -> None:
    """Load DUMP (policykg export OUT --format nquads) into Virtuoso with its bulk loader
    (ld_dir + rdf_loader_run through isql-vt): for a large graph, much faster than policykg load.
    DUMP must sit in a folder Virtuoso's DirsAllowed lists.

    \b
    Example:
      policykg export out -o /srv/bulk --format nquads
      policykg bulk-load /srv/bulk/graph.nq.gz --sql 127.0.0.1:1111 --user dba
      policykg query --endpoint http://127.0.0.1:8890/sparql --name laws-by-region
    """
    from policykg.serve.bulk_load import virtuoso_bulk_load
    from policykg.serve.remote import RemoteError

    try:
        virtuoso_bulk_load(dump, sql_address, user, password, graph_iri=graph_iri, replace=replace)
    except (RemoteError, OSError) as e:
        raise click.ClickException(str(e))  # the password is masked in it
    click.echo(f"loaded {dump} into <{graph_iri}> at {sql_address}")


def _print_table(st, result, top: int = TABLE_TOP) -> None:
    """The first ``top`` rows (every row when 0) as a table, then how many rows there are."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if getattr(result, "boolean", None) is not None:
        console.print(str(result.boolean).lower())
        return
    columns, rows = st.to_table_rows(result)
    shown = rows[:top] if top else rows
    table = Table(show_lines=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in shown:
        table.add_row(*row)
    console.print(table)
    more = len(rows) - len(shown)
    console.print(f"{len(rows)} rows" + (f"; {more} more rows: --top 0 prints them, --format csv or -o FILE "
                                         f"writes them" if more else ""), style="dim")


@cli.command()
@GRAPH
def validate(graph) -> None:
    """Check GRAPH against the SHACL shapes in ontology/ and list every violation."""
    from policykg.graph.validate import validate as run_validate

    conforms, violations = run_validate(open_graph(graph).store)
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
