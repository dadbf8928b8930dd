"""``policykg build``: reports in, graph out (OUT/extraction.jsonl, texts/, store/, cache.sqlite,
graph.html, and graph.ttl when asked).

Streaming: each record goes to extraction.jsonl and into the store as it comes from the
workers; what stays in memory is small per report (its text hash, for duplicates, and its path).

Incremental: a build into an OUT that policykg wrote reuses it. Each input file's record is
keyed (build_state.record_key); a file whose record is in OUT is not extracted again, the
reports of files that are gone or changed are taken out of the store and the new ones put in
(report_store), on a copy of the previous store that costs nothing (a RocksDB checkpoint) and
with the previous texts hard-linked: OUT is still staged beside itself and swapped in at the
end, so a build that is killed leaves the previous OUT as it was. ``rebuild`` (or another
pipeline) makes everything anew; another graph mapping makes the store anew from the records.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson

from policykg.extract.readers import Limits

from .build_state import STATE_FILE, BuildState, Report, graph_fingerprint, read_meta, record_key
from .corpus import Failure, collect_inputs, extract_file
from .engines import extract_with
from .outdir import Staging, link_file, link_folder

TEXTS = "texts"  # OUT/texts/<id>.txt: the text of each report, as read; evidence offsets index into it
JSONL = "extraction.jsonl"
TURTLE = "graph.ttl"


@dataclass
class BuildSummary:
    out_dir: Path
    documents: int = 0
    failures: list[Failure] = field(default_factory=list)
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # kept file → the same report in other files
    warnings: dict[str, list[str]] = field(default_factory=dict)  # file → what was odd about it
    formats: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)  # distinct entities by type
    mentions: Counter = field(default_factory=Counter)
    triples: int = 0
    megabytes: float = 0.0  # of the files extracted (not those whose record was reused)
    seconds_extract: float = 0.0  # reading, extracting and storing the reports (streamed together)
    seconds_total: float = 0.0
    # against the previous build in OUT: reports taken from it, new files, changed files, reports gone
    reused: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    full: str | None = None  # why the graph was made anew rather than updated; None when updated

    @property
    def failed(self) -> list[Failure]:
        return [f for f in self.failures if not f.skipped]

    @property
    def skipped(self) -> list[Failure]:
        return [f for f in self.failures if f.skipped]

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds_extract if self.seconds_extract else 0.0


def entity_keys(record: dict[str, Any]) -> dict[str, set[str]]:
    """The distinct entities a record mentions, by label: a region by its code when it has one,
    everything else by its canonical name."""
    keys: dict[str, set[str]] = {}
    for m in record["mentions"]:
        key = m.get("code") or m["canonical"] if m["label"] == "REGION" else m["canonical"]
        keys.setdefault(m["label"], set()).add(key)
    return keys


# line separators JSON leaves raw but str.splitlines() (and many JSON Lines readers) split on
_LINE_BREAKS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def jsonl_line(record: dict[str, Any]) -> bytes:
    """One line of extraction.jsonl: compact UTF-8 JSON (orjson: a record is some 30 kB, and the
    standard library's encoder took a twentieth of a build).

        >>> jsonl_line({"surface": "第一条\u2028", "start": 3})
        b'{"surface":"\\xe7\\xac\\xac\\xe4\\xb8\\x80\\xe6\\x9d\\xa1\\\\u2028","start":3}\\n'
    """
    line = orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)
    for raw, escaped in _LINE_BREAKS:
        if raw in line:
            line = line.replace(raw, escaped)
    return line


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> Path:
    """Records as extraction.jsonl writes them, one JSON line each."""
    with Path(path).open("wb") as f:
        for r in records:
            f.write(jsonl_line(r))
    return Path(path)


def write_views(store, out: Path, html: bool = True, turtle: bool = False) -> None:
    """What a build writes from its finished store besides it: OUT/graph.ttl (``turtle``) and
    OUT/graph.html (``html``), the overview page that `policykg serve` shows at /graph."""
    if turtle:
        from policykg.graph.store import dump_turtle

        dump_turtle(store, out / TURTLE)
    if html:
        from policykg.graph.project import to_networkx
        from policykg.viz.views import overview

        overview(to_networkx(store)).write(out / "graph.html")


def write_graph_outputs(graph, out: Path, html: bool = True, turtle: bool = True) -> int:
    """A graph (an rdflib Graph, or quads as graph.build.build_quads makes them) written as a build
    folder in one go: OUT/store/, and OUT/graph.ttl and OUT/graph.html as asked. The number of
    triples stored."""
    import pyoxigraph as ox

    from policykg.graph.store import write_store

    store = ox.Store.read_only(str(write_store(graph, out)))
    write_views(store, out, html=html, turtle=turtle)
    return len(store)


@dataclass
class _Input:
    """One input file, as the build plans it."""
    path: Path
    name: str
    key: str | None  # None: not hashed (unreadable, or over the size limit): extracted, to say why
    cached: Report | None = None  # its report in the previous build, taken as it is
    text_sha256: str | None = None  # the text it gave last time, when its key is the same
    extract: bool = True  # extracted up front (with the other files, on the workers)


class _Build:
    """One run of ``build``, inside the staged OUT ``tmp``."""

    def __init__(self, out: Path, tmp: Path, jobs: int, limits: Limits | None, manifest,
                 on_progress: Callable[[int, int], None] | None, rebuild: bool, engine: str = "local",
                 scheduler: str | None = None):
        self.out, self.tmp = out, tmp
        self.jobs, self.limits, self.manifest, self.on_progress = jobs, limits, manifest, on_progress
        self.engine, self.scheduler = engine, scheduler
        self.summary = BuildSummary(out_dir=out)
        self.state = self.store = self.reports = self.jsonl = self.old_jsonl = self._running = None
        try:
            self._open(rebuild)
            self.jsonl = (tmp / JSONL).open("wb")
        except BaseException:
            self.__exit__()
            raise
        self.first_by_text: dict[str, str] = {}  # text hash → the file kept for it
        self.kept: set[str] = set()  # files whose report is in the new graph
        self.duplicates: dict[str, list[str]] = {}

    def __enter__(self) -> "_Build":
        return self

    def __exit__(self, *exc) -> None:
        """Let go of everything the build holds open (workers, files, the state, the store),
        whether it finished or failed: the staged folder is then committed or removed."""
        if self._running is not None:
            self._running.close()  # stops the extraction workers of a build that failed
        if self.jsonl is not None:
            self.jsonl.close()
        if self.old_jsonl is not None:
            self.old_jsonl.close()
        if self.state is not None:
            self.state.close(commit=False)  # a no-op once finish() committed it
        self.state = self.reports = self.store = self._running = None  # closes the store

    # --- the previous build ----------------------------------------------------------------
    def _open(self, rebuild: bool) -> None:
        """Take over what the previous build in OUT can give: its state, texts and store."""
        import pyoxigraph as ox

        from policykg.extract.fingerprint import pipeline_fingerprint
        from policykg.graph.store import STORE_DIR, copy_store

        pipeline, graph = pipeline_fingerprint(), graph_fingerprint()
        meta = None if rebuild else read_meta(self.out / STATE_FILE)
        if rebuild:
            why = "--rebuild"
        elif meta is None:
            why = "no earlier build in OUT" if not (self.out / JSONL).exists() else "no build state in OUT"
        elif meta.get("pipeline") != pipeline:
            why = "the extraction pipeline changed"
        elif meta.get("jsonl") != _stamp(self.out / JSONL):
            why = f"{JSONL} changed since the earlier build"
        else:
            why = None
        self.reuse_records = why is None
        self.reuse_store = self.reuse_records and meta.get("graph") == graph and (self.out / STORE_DIR).is_dir()
        if self.reuse_records and not self.reuse_store:
            why = "the graph mapping changed (the records are reused)"
        self.summary.full = why

        if self.reuse_records:
            shutil.copyfile(self.out / STATE_FILE, self.tmp / STATE_FILE)
            if (self.out / TEXTS).is_dir():
                link_folder(self.out / TEXTS, self.tmp / TEXTS)
        (self.tmp / TEXTS).mkdir(exist_ok=True)
        self.state = BuildState(self.tmp / STATE_FILE)
        self.state.set("pipeline", pipeline)
        self.state.set("graph", graph)
        # the files whose report OUT holds, and those reports as the state had them (read in one pass)
        self.previous: dict[str, Report] = {r.path: r for r in self.state.reports()}
        if self.reuse_store:
            self.store = copy_store(self.out / STORE_DIR, self.tmp / STORE_DIR)
            known = meta.get("triples")  # counting a large store takes seconds: it is kept
            self.triples_before = int(known) if known else len(self.store)
        else:
            from policykg.graph.build import ontology_quads

            self.store = ox.Store(str(self.tmp / STORE_DIR))
            self.triples_before = len(set(ontology_quads()))
        from .report_store import ReportStore

        self.reports = ReportStore(self.store, self.state)

    def _old_record(self, report: Report) -> dict[str, Any]:
        """A report's record, read from the previous OUT's extraction.jsonl."""
        return json.loads(self._old_line(report))

    def _old_line(self, report: Report) -> bytes:
        if self.old_jsonl is None:  # one handle for the build: a big corpus keeps thousands of lines
            self.old_jsonl = (self.out / JSONL).open("rb")
        return os.pread(self.old_jsonl.fileno(), report.line_length, report.line_start)

    def _remove(self, report: Report) -> None:
        """Take a report of the previous build out of the store and the state."""
        self.reports.remove(self._old_record(report))
        self.state.drop_report(report.path)

    # --- the plan --------------------------------------------------------------------------
    def plan(self, paths: list[Path]) -> list[_Input]:
        """Each input's key, whether its report can be taken from OUT, and which files are
        extracted up front (not those whose record is in OUT, nor the ones a text already met
        shows to be duplicates)."""
        inputs, known = [], set()
        for p in paths:
            name = os.fspath(p)
            i = _Input(p, name, self._key(p))
            if self.reuse_records and i.key is not None:
                cached = self.previous.get(name)
                if cached is not None and cached.key == i.key and \
                        (cached.text_file is None or (self.tmp / cached.text_file).is_file()):
                    i.cached, i.text_sha256, i.extract = cached, cached.text_sha256, False
                else:
                    i.text_sha256 = self.state.text_of(name, i.key)
                    i.extract = i.text_sha256 not in known
            if i.text_sha256:
                known.add(i.text_sha256)
            inputs.append(i)
        if self.reuse_store:  # the reports of files gone or changed go first
            planned = {i.name for i in inputs if i.cached}
            for report in self.previous.values():
                if report.path not in planned:
                    self._remove(report)
        elif self.reuse_records:  # the store is new: every report goes into it again
            self.state.clear_graph()
        return inputs

    def _key(self, path: Path) -> str | None:
        limits = self.limits or Limits()
        try:
            if path.stat().st_size > limits.max_file_bytes:
                return None  # not read at all: extraction names it
            sha = self.state.content_hash(path)
        except OSError:
            return None
        entry = self.manifest.entry_for(path) if self.manifest is not None else None
        return record_key(os.fspath(path), sha, entry, limits)

    # --- the pass over the inputs ----------------------------------------------------------
    def run(self, inputs: list[_Input]) -> Iterator[list]:
        """Take every input in order: each yields the quads it brings to the store."""
        self._running = self._run(inputs)
        return self._running

    def _run(self, inputs: list[_Input]) -> Iterator[list]:
        # the one place a build gets its records from: this machine or a Dask cluster (api/engines.py)
        extracted = extract_with([i.path for i in inputs if i.extract], engine=self.engine, jobs=self.jobs,
                                 scheduler=self.scheduler, limits=self.limits, manifest=self.manifest,
                                 texts_dir=self.tmp / TEXTS)
        for n, i in enumerate(inputs, 1):
            result = next(extracted) if i.extract else i.cached
            yield self._take(i, result)
            if self.on_progress:
                self.on_progress(n, len(inputs))

    def _take(self, i: _Input, result) -> list:
        if result is None:  # known to be a duplicate by the text it gave last time
            if i.text_sha256 in self.first_by_text:
                self._duplicate(i.name, i.text_sha256)
                return []
            # the file it duplicated changed: extract it after all
            result = extract_file(i.path, limits=self.limits, manifest=self.manifest, texts_dir=self.tmp / TEXTS)
        if isinstance(result, Failure):
            self.summary.failures.append(result)
            return []
        text = result.text_sha256 if isinstance(result, Report) else result["text_sha256"]
        if isinstance(result, dict) and i.key is not None:
            self.state.remember_text(i.name, i.key, text)
        if text in self.first_by_text:
            self._duplicate(i.name, text)
            return []
        if isinstance(result, Report) and self.reuse_store and self.state.report(i.name) is not None:
            self._keep(result)
            return []
        record = result if isinstance(result, dict) else self._old_record(result)
        return self._add(i, record, reused=isinstance(result, Report))

    def _duplicate(self, name: str, text: str) -> None:
        """The same report again, in another file: named in the first's ``also_read_from``."""
        self.duplicates.setdefault(self.first_by_text[text], []).append(name)
        old = self.state.report(name)
        if old is not None and self.reuse_store:  # it was built last time: now its first copy is
            self._remove(old)

    def _keep(self, report: Report) -> None:
        """A report of the previous build, unchanged: its line is copied, the store has it."""
        line = self._old_line(report)
        if report.also_read_from:  # named again at the end, from this build's duplicates
            record = json.loads(line)
            record.pop("also_read_from", None)
            line = jsonl_line(record)
        self._kept(report.path, report.text_sha256)
        self.state.move_line(report.path, self.jsonl.tell(), len(line))
        self._write(line)
        self.summary.reused += 1

    def _add(self, i: _Input, record: dict[str, Any], reused: bool) -> list:
        """A report new to the store: its quads, its line, its state; a report whose graph cannot
        be built is left out whole, and named."""
        record.pop("also_read_from", None)  # named at the end, from this build's duplicates
        path = record.get("path", record["doc"])
        try:
            triples = self.reports.split(record)
            for other in self.state.reports_like(triples.iri, record["text_sha256"]):
                if other.path in self.kept:
                    raise ValueError(f"the same report IRI as {other.path}")
                self._remove(other)  # the previous build's copy of this report, in another file
        except Exception as e:  # one report's bug or bad data must not lose the batch
            self.summary.failures.append(Failure(path, f"graph not built ({type(e).__name__}: {e})"))
            return []
        quads = self.reports.add(triples)
        line = jsonl_line(record)
        facts = {"format": record["source"]["format"], "warnings": record["source"]["warnings"],
                 "bytes": _size(path), "mentions": dict(Counter(m["label"] for m in record["mentions"])),
                 "entities": {label: sorted(keys) for label, keys in entity_keys(record).items()}}
        self.state.put_report(Report(i.name, i.key or "", triples.iri, record["text_sha256"], record.get("text_file"),
                                     self.jsonl.tell(), len(line), [], json.dumps(facts, ensure_ascii=False)))
        self._write(line)
        self._kept(i.name, record["text_sha256"])
        if reused:
            self.summary.reused += 1
            return quads
        self.summary.megabytes += facts["bytes"] / 1e6  # what was extracted (MB/s)
        if i.name in self.previous:
            self.summary.changed += 1
        else:
            self.summary.new += 1
        return quads

    def _write(self, line: bytes) -> None:
        self.jsonl.write(line)
        self.jsonl.flush()  # each record is on disk once its report is done, not held until the end

    def _kept(self, name: str, text: str) -> None:
        self.first_by_text[text] = name
        self.kept.add(name)

    # --- the end ---------------------------------------------------------------------------
    def finish(self, names: list[str]) -> None:
        """Remove the previous reports no input gave again, name the duplicates, drop the texts
        no report uses, and close extraction.jsonl and the state."""
        kept = []  # the new graph's reports: the state is read once, for the rest too
        for report in self.state.reports():
            if report.path in self.kept:
                kept.append(report)
            else:
                self._remove(report)
        self.summary.removed = len(self.previous.keys() - self.kept)
        self.jsonl.close()
        patch = {}
        for report in kept:
            want = self.duplicates.get(report.path, [])
            if want != report.also_read_from:
                self.reports.set_also_read_from(report.iri, report.also_read_from, want)
                self.state.set_also_read_from(report.path, want)
            if want:
                patch[report.path] = want
        if patch:
            self._name_duplicates(patch)
        texts = {Path(r.text_file).name for r in kept if r.text_file}
        for f in (self.tmp / TEXTS).iterdir():
            if f.name not in texts:
                f.unlink()
        self.summary.triples = self.triples_before + self.reports.change
        self.state.set("triples", str(self.summary.triples))
        self.state.forget_files_except(names)
        self.state.set("jsonl", _stamp(self.tmp / JSONL))
        self._summarise(kept)
        self.state.close()
        self.state = None

    def _name_duplicates(self, patch: dict[str, list[str]]) -> None:
        """extraction.jsonl again, with ``also_read_from`` in the records of reports met in other
        files too (only the lines of these records are parsed)."""
        reports = {r.line_start: r for r in self.state.reports()}
        old, new = self.tmp / JSONL, self.tmp / f".{JSONL}.new"
        with old.open("rb") as src, new.open("wb") as dst:
            at = 0
            for line in src:
                report = reports[at]
                at += len(line)
                if report.path in patch:
                    record = json.loads(line)
                    record["also_read_from"] = patch[report.path]
                    line = jsonl_line(record)
                self.state.move_line(report.path, dst.tell(), len(line))
                dst.write(line)
        os.replace(new, old)

    def _summarise(self, reports: list[Report]) -> None:
        s = self.summary
        distinct: dict[str, set[str]] = {}
        for r in reports:
            facts = r.facts
            s.documents += 1
            s.formats[facts["format"]] += 1
            if facts["warnings"]:
                s.warnings[r.path] = facts["warnings"]
            s.mentions.update(facts["mentions"])
            for label, keys in facts["entities"].items():
                distinct.setdefault(label, set()).update(keys)
        s.entities = Counter({label: len(keys) for label, keys in distinct.items()})
        s.duplicates = self.duplicates

    def close_store(self, html: bool, turtle: bool) -> None:
        self.store.flush()
        page = self.out / "graph.html"
        if html and self.reuse_store and not self.reports.touched and page.is_file():
            # the graph is the previous one: so is its overview, which takes long to draw for a big graph
            link_file(page, self.tmp / page.name)
            html = False
        write_views(self.store, self.tmp, html=html, turtle=turtle)


def build(inputs, out_dir: str | Path, jobs: int = 1, html: bool = True,
          on_progress: Callable[[int, int], None] | None = None,
          limits: Limits | None = None, manifest=None, turtle: bool = False, rebuild: bool = False,
          engine: str = "local", scheduler: str | None = None) -> BuildSummary:
    """Build OUT from the reports in ``inputs``, or update the build already in OUT (only new
    and changed files are extracted; ``rebuild`` makes everything anew). OUT/graph.ttl is written
    only with ``turtle``. Extraction runs on ``jobs`` processes here, or with ``engine="dask"`` on
    the workers of the Dask ``scheduler`` (api/engines.py). OUT is written beside itself and swapped in at the end, so a build that
    fails or is killed leaves the previous OUT intact."""
    from policykg.graph.build import ontology_quads

    t0 = time.perf_counter()
    out = Path(out_dir)
    paths, failures = collect_inputs(inputs)
    with Staging(out) as tmp, _Build(out, tmp, jobs, limits, manifest, on_progress, rebuild, engine, scheduler) as b:
        b.summary.failures += failures
        inputs_ = b.plan(paths)
        if b.reuse_store:
            for quads in b.run(inputs_):
                if quads:
                    b.store.extend(quads)
        else:
            try:
                bulk_store(b.store, chain(ontology_quads(), chain.from_iterable(b.run(inputs_))))
            except SyntaxError as e:
                raise ValueError(f"the graph cannot be stored: {e}") from None
        b.summary.seconds_extract = time.perf_counter() - t0
        b.finish([i.name for i in inputs_])
        b.close_store(html, turtle)
    b.summary.seconds_total = time.perf_counter() - t0
    return b.summary


BULK_BATCH = 200_000  # quads per bulk load; pyoxigraph holds one call's quads in memory (1M a thread)


def bulk_store(store, quads: Iterable) -> None:
    """Put ``quads`` into a new store in bulk, a batch at a time, so that memory stays flat however
    big the corpus, then merge the batches' files (queries read one sorted run again)."""
    quads = iter(quads)
    for first in quads:
        store.bulk_extend(chain((first,), islice(quads, BULK_BATCH - 1)))
    store.optimize()


def _stamp(path: Path) -> str | None:
    """Size and time of a file: what tells that it changed since a build wrote it."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
