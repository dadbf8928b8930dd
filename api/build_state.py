"""What a build remembers in OUT/cache.sqlite so that the next build into OUT redoes only what
changed (sqlite3 from the standard library, one file, copied into the staged OUT):

- ``files``: each input file's content hash, kept with its size and modification time so that an
  unchanged file is not read again; and for a file that gave a record, the record's key and the
  hash of its text (what tells a duplicate without extracting it again).
- ``reports``: each report in the graph: its key, IRI, text file, where its record is in
  OUT/extraction.jsonl, the files it was also read from, and the few facts the summary counts.
- ``shared``: each triple about an entity reports share (a law's label, an agency's region ...),
  by a digest, with the number of reports that make it; a report's removal takes such a triple
  out of the store only when no report makes it any more (api/report_store.py).
- ``meta``: the fingerprints the records and the graph were made under.

A record's key is a hash of the file's path, its content hash, its manifest row and the read
limits: everything besides the pipeline that a record depends on. Records are reused only under
the same pipeline fingerprint (extract.fingerprint.pipeline_fingerprint), the store only under the
same graph fingerprint (graph_fingerprint).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from policykg.extract.ingest import file_sha256
from policykg.extract.records import flat_asdict

STATE_FILE = "cache.sqlite"
SCHEMA = "1"

_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                    sha256 TEXT NOT NULL, key TEXT, text_sha256 TEXT);
CREATE TABLE reports (path TEXT PRIMARY KEY, key TEXT NOT NULL, iri TEXT NOT NULL,
                      text_sha256 TEXT NOT NULL, text_file TEXT, line_start INTEGER NOT NULL,
                      line_length INTEGER NOT NULL, also_read_from TEXT NOT NULL, facts TEXT NOT NULL);
CREATE INDEX reports_by_text ON reports (text_sha256);
CREATE INDEX reports_by_iri ON reports (iri);
CREATE TABLE shared (triple BLOB PRIMARY KEY, reports INTEGER NOT NULL) WITHOUT ROWID;
"""


def graph_fingerprint() -> str:
    """A digest of what turns a record into triples: the mapping (graph.build, graph.iris,
    graph.quads, graph.vocab) and the ontology. Another fingerprint means the store is rebuilt
    from the records."""
    from importlib import resources

    from policykg.graph import build, iris, quads, vocab

    h = hashlib.sha256()
    for module in (build, iris, quads, vocab):
        h.update(Path(module.__file__).read_bytes() + b"\0")
    h.update(resources.files("policykg.ontology").joinpath("policykg.ttl").read_bytes())
    return h.hexdigest()


def record_key(path: str, sha256: str, entry=None, limits=None) -> str:
    """The key of the record of the file at ``path`` with content hash ``sha256``, read with the
    manifest row ``entry`` and the read ``limits``: another value of any of them is another record.

        >>> record_key("a.txt", "00") == record_key("a.txt", "00")
        True
        >>> record_key("a.txt", "00") == record_key("b.txt", "00")
        False
    """
    parts = [path, sha256, _plain(entry), _plain(limits)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _plain(value) -> Any:
    # a manifest row and the read limits are flat records: no deep copy (this runs for every file)
    return flat_asdict(value) if dataclasses.is_dataclass(value) else value


def triple_digest(triple) -> bytes:
    """A short, stable name of a triple (pyoxigraph terms): 16 bytes of BLAKE2b of its N-Triples."""
    s, p, o = triple
    return hashlib.blake2b(f"{s} {p} {o}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


def read_meta(path: Path) -> dict[str, str] | None:
    """The ``meta`` table of the build state at ``path``, or None when there is no state this
    version can use there."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return meta if meta.get("schema") == SCHEMA else None


@dataclass
class Report:
    """A report in the graph, as the state remembers it."""
    path: str
    key: str
    iri: str
    text_sha256: str
    text_file: str | None
    line_start: int  # where its record is in OUT/extraction.jsonl (bytes)
    line_length: int
    also_read_from: list[str]
    facts_json: str  # format, warnings, bytes, mentions and distinct entity keys by label, as JSON

    @property
    def facts(self) -> dict[str, Any]:
        """The facts the summary counts (parsed only when asked: a build rarely needs them)."""
        return json.loads(self.facts_json)


class BuildState:
    """OUT/cache.sqlite, open for one build. All changes are one transaction, committed by
    ``close()``; a build that fails leaves the file as it was (and it lives in the staged OUT)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        fresh = not self.path.exists()
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = DELETE")  # one file once closed: copied into the next staging
        if fresh:
            self.db.executescript(_TABLES)
        self.db.execute("BEGIN")
        # the shared-triple counts this build touched, written back by close(): one SQL statement
        # per triple costs more than making the triple; ``_shared_known`` says the table has
        # nothing the dict lacks (a new state, or one cleared for a graph made anew)
        self._shared: dict[bytes, int] = {}
        self._shared_known = fresh
        self._files: dict[str, tuple] | None = None  # path → (size, mtime_ns, sha256), read when first asked
        if fresh:
            self.set("schema", SCHEMA)
        elif self.get("schema") != SCHEMA:
            self.close(commit=False)
            raise ValueError(f"{self.path}: a build state of another schema")

    def close(self, commit: bool = True) -> None:
        if self.db is None:
            return
        if commit:
            self._write_shared()
        if self.db.in_transaction:
            self.db.execute("COMMIT" if commit else "ROLLBACK")
        self.db.close()
        self.db = None

    # --- meta ------------------------------------------------------------------------------
    def get(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def set(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, str(value)))

    # --- input files -----------------------------------------------------------------------
    def content_hash(self, path: Path) -> str:
        """The sha256 of the file's bytes, read again only when its size or time changed."""
        st = path.stat()
        name = os.fspath(path)
        if self._files is None:  # every file the state knows, in one query: a build asks for each
            self._files = {row[0]: row[1:] for row in self.db.execute("SELECT path, size, mtime_ns, sha256 FROM files")}
        row = self._files.get(name)
        if row is not None and row[:2] == (st.st_size, st.st_mtime_ns):
            return row[2]
        sha = file_sha256(path)
        self.db.execute("INSERT INTO files (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
                        "sha256 = excluded.sha256",  # key and text stay: a key holds the content hash
                        (name, st.st_size, st.st_mtime_ns, sha))
        self._files[name] = (st.st_size, st.st_mtime_ns, sha)
        return sha

    def text_of(self, path: str, key: str) -> str | None:
        """The text hash of the record the file gave under ``key`` last time, if it gave one."""
        row = self.db.execute("SELECT text_sha256 FROM files WHERE path = ? AND key = ?", (path, key)).fetchone()
        return None if row is None else row[0]

    def remember_text(self, path: str, key: str, text_sha256: str) -> None:
        self.db.execute("UPDATE files SET key = ?, text_sha256 = ? WHERE path = ?", (key, text_sha256, path))

    def forget_files_except(self, paths: Iterable[str]) -> None:
        """Drop the files that were not among this build's inputs."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS kept_files (path TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM kept_files")
        self.db.executemany("INSERT OR IGNORE INTO kept_files VALUES (?)", ((p,) for p in paths))
        self.db.execute("DELETE FROM files WHERE path NOT IN (SELECT path FROM kept_files)")
        self._files = None

    # --- reports ---------------------------------------------------------------------------
    def reports(self) -> Iterator[Report]:
        for row in self.db.execute("SELECT * FROM reports ORDER BY line_start").fetchall():
            yield _report(row)

    def report(self, path: str) -> Report | None:
        row = self.db.execute("SELECT * FROM reports WHERE path = ?", (path,)).fetchone()
        return None if row is None else _report(row)

    def reports_like(self, iri: str, text_sha256: str) -> list[Report]:
        """The reports with this IRI or this text: those a new report would collide with."""
        rows = self.db.execute("SELECT * FROM reports WHERE iri = ? OR text_sha256 = ?", (iri, text_sha256))
        return [_report(row) for row in rows.fetchall()]

    def put_report(self, r: Report) -> None:
        self.db.execute("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (r.path, r.key, r.iri, r.text_sha256, r.text_file, r.line_start, r.line_length,
                         json.dumps(r.also_read_from, ensure_ascii=False), r.facts_json))

    def move_line(self, path: str, line_start: int, line_length: int) -> None:
        self.db.execute("UPDATE reports SET line_start = ?, line_length = ? WHERE path = ?",
                        (line_start, line_length, path))

    def set_also_read_from(self, path: str, also_read_from: list[str]) -> None:
        self.db.execute("UPDATE reports SET also_read_from = ? WHERE path = ?",
                        (json.dumps(also_read_from, ensure_ascii=False), path))

    def drop_report(self, path: str) -> None:
        self.db.execute("DELETE FROM reports WHERE path = ?", (path,))

    def clear_graph(self) -> None:
        """Forget the reports and the shared triples (the store is being made anew)."""
        self.db.execute("DELETE FROM reports")
        self.db.execute("DELETE FROM shared")
        self._shared, self._shared_known = {}, True

    # --- shared triples --------------------------------------------------------------------
    def _count(self, digest: bytes) -> int:
        n = self._shared.get(digest)
        if n is None:
            row = None if self._shared_known else self.db.execute(
                "SELECT reports FROM shared WHERE triple = ?", (digest,)).fetchone()
            n = 0 if row is None else row[0]
        return n

    def count_up(self, digests: Iterable[bytes]) -> list[bool]:
        """One more report makes each of these triples; for each, whether it is the first."""
        first = []
        for d in digests:
            n = self._count(d) + 1
            self._shared[d] = n
            first.append(n == 1)
        return first

    def count_down(self, digests: Iterable[bytes]) -> list[bool]:
        """One report fewer makes each of these triples; for each, whether none makes it now."""
        gone = []
        for d in digests:
            n = max(self._count(d) - 1, 0)
            self._shared[d] = n
            gone.append(n == 0)
        return gone

    def _write_shared(self) -> None:
        self.db.executemany("INSERT OR REPLACE INTO shared VALUES (?, ?)",
                            ((d, n) for d, n in self._shared.items() if n > 0))
        self.db.executemany("DELETE FROM shared WHERE triple = ?", ((d,) for d, n in self._shared.items() if n == 0))
        self._shared = {}


def _report(row) -> Report:
    path, key, iri, text_sha256, text_file, start, length, also, facts = row
    also_read_from = [] if also == "[]" else json.loads(also)  # nearly always empty: no parse
    return Report(path, key, iri, text_sha256, text_file, start, length, also_read_from, facts)
