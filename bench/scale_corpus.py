"""The corpus bench/scale.py builds: N reports, a share of them copies of the real seed reports
(each with one unique line, so that the build does not fold them together as duplicates) and
the rest synthetic (bench/synthetic_corpus.py).

The copies matter: the seeds cite local documents and each other's laws, so N copies give a
graph where many reports cite the same law, which is what makes a query that pairs reports
with reports grow with N squared. The synthetic reports alone cite no local document.

    python3 bench/scale_corpus.py 1000 /tmp/scale-1000

Written to a temporary folder at run time: the seeds' text never enters the project."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic_corpus  # noqa: E402

DEFAULT_SEEDS = HERE.parent.parent / "shared" / "corpus" / "seeds"
COPY_SHARE = 0.5  # half copies of the seeds, half synthetic


def copy_line(i: int) -> str:
    return f"（本文为policykg基准测试的第{i}份副本，正文与原报告相同。）"


def write(n: int, out: Path, seeds: Path = DEFAULT_SEEDS, copy_share: float = COPY_SHARE) -> Path:
    """Write ``n`` reports into ``out``: round(n * copy_share) copies of the seeds, then synthetic ones."""
    out.mkdir(parents=True, exist_ok=True)
    originals = sorted(p for p in seeds.iterdir() if p.is_file())
    if not originals:
        raise SystemExit(f"{seeds}: no seed reports")
    texts = [(p.stem, p.suffix, p.read_text(encoding="utf-8")) for p in originals]
    copies = round(n * copy_share)
    for i in range(copies):
        stem, suffix, text = texts[i % len(texts)]
        (out / f"copy{i:05d}_{stem}{suffix}").write_text(text.rstrip("\n") + "\n" + copy_line(i) + "\n",
                                                         encoding="utf-8")
    for name, text in synthetic_corpus.generate(n - copies):
        (out / f"syn{name}").write_text(text, encoding="utf-8")
    return out


if __name__ == "__main__":
    synthetic_corpus.main(write, "/tmp/policykg-scale", "reports")
