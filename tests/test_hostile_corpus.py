"""One bad file never costs a batch: a hostile corpus made at test time, built in one go.

Private-use and non-characters in a title, a stray byte, a 60 MB file, empty and binary files,
GBK and UTF-16 with and without BOM, link loops, dangling links, a FIFO, names with quotes,
spaces and newlines; then the output folder: a killed build leaves the previous OUT intact, and
a folder policykg did not write is never emptied."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.corpus import collect_inputs, shown
from policykg.cli import cli

HUGE_MB = 60


def _seed_text(seed_paths, i: int) -> str:
    return seed_paths[i].read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def hostile(seed_paths, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    text0, text1, text2 = (_seed_text(seed_paths, i) for i in range(3))
    (corpus / "good.txt").write_text(text0, encoding="utf-8")
    # code points IRIs forbid, inside a cited title
    title = text1.index("《") + 1
    poisoned = text1[:title] + "\ue000\ufdd0\ufffe\x85" + text1[title:]
    (corpus / "private use.txt").write_text(poisoned, encoding="utf-8")
    # one stray byte in an otherwise UTF-8 file
    raw = text2.encode("utf-8")
    cut = raw.index("。".encode()) + 3
    (corpus / 'stray "byte".txt').write_bytes(raw[:cut] + b"\xff" + raw[cut:])
    # the same report in other encodings
    (corpus / "gbk.txt").write_bytes(_seed_text(seed_paths, 3).encode("gb18030"))
    (corpus / "utf16 bom.txt").write_bytes(_seed_text(seed_paths, 4).encode("utf-16"))
    (corpus / "utf16-nobom.txt").write_bytes(("\n" + _seed_text(seed_paths, 4)).encode("utf-16-le"))
    (corpus / "new\nline.txt").write_text(text0.replace("2021", "2019", 1), encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "forged\ndocuments: 99 built.txt").write_bytes(b"")  # a name that tries to forge a summary line
    (corpus / "binary.pdf").write_bytes(bytes(range(256)) * 40)
    with (corpus / "huge.txt").open("wb") as f:  # 60 MB of text, never to be read
        block = text0.encode("utf-8")
        while f.tell() < HUGE_MB * 1_000_000:
            f.write(block)
    (corpus / "notes.md").write_text("# not a report\n", encoding="utf-8")
    (corpus / "loop").mkdir()
    (corpus / "loop" / "back").symlink_to(corpus, target_is_directory=True)
    (corpus / "self-link.txt").symlink_to(corpus / "self-link.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "gone.txt")
    os.mkfifo(corpus / "pipe.txt")
    return corpus


def _build_measured(inputs: list[Path], out: Path) -> tuple[subprocess.CompletedProcess, float]:
    """``policykg build`` in a child process; returns its result and its peak memory in MB."""
    code = ("import resource, sys\n"
            "from policykg.cli import main\n"
            "try:\n    main()\n"
            "except SystemExit as e:\n    status = e.code\n"
            "sys.stderr.write(f'\\nMAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
            "sys.exit(status)\n")
    done = subprocess.run([sys.executable, "-c", code, "build", *map(str, inputs), "-o", str(out)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "200"})
    rss_kb = int(done.stderr.rsplit("MAXRSS", 1)[1].split()[0])
    return done, rss_kb / 1024


def test_a_hostile_batch_builds_every_readable_report(hostile, tmp_path):
    done, peak_mb = _build_measured([hostile], tmp_path / "out")
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out
    assert done.returncode == 1  # some reports failed, and the status says so
    records = [json.loads(l) for l in (tmp_path / "out" / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    built = {Path(r["path"]).name for r in records}
    # every readable report is in; the UTF-16 twin of one report is built once
    assert {"good.txt", "private use.txt", 'stray "byte".txt', "gbk.txt", "new\nline.txt"} <= built
    assert len({"utf16 bom.txt", "utf16-nobom.txt"} & built) == 1
    assert "same report:" in out and "utf16" in out
    # each problem named with its file, quoted so that a newline cannot forge a line
    assert f"{shown(hostile / 'huge.txt')}: is {HUGE_MB}.0 MB, over the limit" in out
    assert f"{shown(hostile / 'empty.txt')}: the file is empty" in out
    assert f"{shown(hostile / 'binary.pdf')}: " in out
    assert f"{shown(hostile / 'dangling.txt')}: link to a file that does not exist" in out
    assert f"{shown(hostile / 'self-link.txt')}: cannot be opened" in out
    assert f"{shown(hostile / 'pipe.txt')}: a named pipe" in out
    assert "loops back to a folder already read" in out
    assert f"{shown(hostile / 'notes.md')}: not a report format" in out
    assert "forged\\ndocuments: 99 built.txt\": the file is empty" in out
    assert not any(line.startswith("documents: 99") for line in out.splitlines())
    # the stray byte: read with a warning that counts and places it
    assert "1 byte sequence not valid UTF-8 replaced by U+FFFD (first at byte" in out
    # the private-use title: its mention and evidence are in the graph the store accepted
    poisoned = next(r for r in records if r["doc"] == "private use.txt")
    assert any("\ue000" in m["surface"] for m in poisoned["law_mentions"])
    from policykg.graph.store import open_store

    assert any("\ue000\ufdd0" in q.object.value for q in open_store(tmp_path / "out"))
    assert peak_mb < 2000, f"peak memory {peak_mb:.0f} MB"


def test_unreadable_subfolders_are_named():
    """Run as an unprivileged user (root reads every folder), in a forked child."""
    import shutil
    import tempfile

    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user")
    top = Path(tempfile.mkdtemp(prefix="policykg-locked-"))  # pytest's own tmp is closed to others
    os.chmod(top, 0o755)
    try:
        _collect_as_nobody(top)
    finally:
        os.chmod(top / "c" / "locked", 0o755)
        shutil.rmtree(top)


def _collect_as_nobody(top: Path) -> None:
    corpus = top / "c"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "locked" / "r.txt").write_text("报告", encoding="utf-8")
    (corpus / "ok.txt").write_text("报告", encoding="utf-8")
    os.chmod(corpus / "locked", 0)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, collect, report back
        os.close(read)
        try:
            os.setgid(65534)
            os.setuid(65534)
            files, problems = collect_inputs([corpus])
            os.write(write, json.dumps([[str(f) for f in files], [str(p) for p in problems]]).encode())
        except BaseException as e:  # noqa: BLE001 - reported to the parent, which fails the test
            os.write(write, json.dumps([[], [repr(e)]]).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b"".join(iter(lambda: os.read(read, 65536), b""))
    os.waitpid(pid, 0)
    files, problems = json.loads(data)
    assert files == [str(corpus / "ok.txt")]
    assert any("locked" in p and "folder cannot be read" in p for p in problems)


def test_a_killed_build_leaves_the_previous_output_intact(seed_paths, tmp_path):
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["build", str(seed_paths[0]), "-o", str(out)])
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    child = subprocess.Popen([sys.executable, "-m", "policykg", "build", *map(str, seed_paths), "-o", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.policykg-staging-*/texts/*.txt")) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    again = CliRunner().invoke(cli, ["build", *map(str, seed_paths), "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert len((out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()) == len(seed_paths)
    assert not list(tmp_path.glob(".out.policykg-*"))  # the killed build's staging folder is gone too


def test_a_folder_policykg_did_not_write_is_refused(seed_paths, tmp_path):
    mine = tmp_path / "thesis"
    (mine / "store").mkdir(parents=True)
    (mine / "store" / "chapter1.docx").write_bytes(b"precious")
    result = CliRunner().invoke(cli, ["build", str(seed_paths[0]), "-o", str(mine)])
    assert result.exit_code != 0 and "did not write" in result.output
    assert (mine / "store" / "chapter1.docx").read_bytes() == b"precious"


def test_files_the_user_added_to_a_build_survive_the_next_build(seed_paths, tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(seed_paths[0]), "-o", str(out)]).exit_code == 0
    (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    assert CliRunner().invoke(cli, ["build", str(seed_paths[1]), "-o", str(out)]).exit_code == 0
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "keep me"
    record = json.loads((out / "extraction.jsonl").read_text(encoding="utf-8"))
    assert record["doc"] == seed_paths[1].name
