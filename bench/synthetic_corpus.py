"""A synthetic corpus for benchmarks: N fictional health-commission reports, written from
templates with real region names (so the gazetteer resolves them) and laws and programs drawn
from the project's own registries, so that the real pipeline extracts them.

    python3 bench/synthetic_corpus.py 1000 /tmp/synthetic   # writes 1000 .txt files

Every file says it is fictional. Seeded: the same N and seed give the same files."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

from policykg.extract.gazetteer import load_gazetteer

ROOT = Path(__file__).resolve().parent.parent
NOTE = "（本文为policykg基准测试的合成语料，内容虚构。）"
FRAMES = {  # citation frames: the role triggers the pipeline reads
    "学习培训": "组织干部职工集中学习{laws}，开展专题培训{n}次。",
    "普法宣传": "围绕{laws}开展普法宣传活动{n}场，发放宣传资料{m}份。",
    "执法依据": "依据{laws}开展监督执法，立案查处违法案件{n}件，罚款{f}万元。",
    "制定修订": "按照{laws}的要求，起草并修订规范性文件{n}件。",
    "合法性审查": "对照{laws}对{n}件规范性文件进行合法性审查。",
}


def _registry(name: str) -> list[dict]:
    return yaml.safe_load((ROOT / "ontology" / "data" / name).read_text(encoding="utf-8"))


def generate(n: int, seed: int = 7):
    """Yield (file name, text) for n fictional reports."""
    rnd = random.Random(seed)
    gaz = load_gazetteer()
    counties = sorted(r.code for r in gaz.regions.values()  # mainland districts
                      if r.level == "county" and r.name.endswith("区") and r.code[:2] not in ("71", "81", "82"))
    laws = [e["name"] for e in _registry("laws.yaml")]
    programs = [e["name"] for e in _registry("programs.yaml")]
    for i in range(n):
        region = gaz.regions[rnd.choice(counties)]
        city = gaz.regions.get(region.parent)
        year = rnd.choice(range(2019, 2025))
        agency = f"{region.name}卫生健康委员会"
        lines = [f"{city.name if city else ''}{agency}{year}年法治政府建设情况报告", NOTE, "区人民政府：",
                 f"{year}年，区卫生健康委员会深入学习贯彻习近平法治思想，扎实推进法治政府建设。现将有关情况报告如下。"]
        for role, frame in FRAMES.items():
            cited = rnd.sample(laws, rnd.randint(1, 4))
            lines.append(frame.format(laws="".join(f"《{x}》" for x in cited), n=rnd.randint(2, 40),
                                      m=rnd.randint(100, 9000), f=round(rnd.uniform(0.5, 90), 1)))
        for p in rnd.sample(programs, 3):
            lines.append(f"深入推进“{p}”，持续优化营商环境。")
        lines += [agency, f"{year + 1}年1月{rnd.randint(5, 28)}日"]
        yield f"{i:05d}_{region.name}{year}.txt", "\n".join(lines) + "\n"


def write(n: int, out: Path, seed: int = 7) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in generate(n, seed):
        (out / name).write_text(text, encoding="utf-8")
    return out


def main(write_corpus, default_target: str, what: str) -> None:
    """``python3 bench/X.py [COUNT] [FOLDER]``: write COUNT reports into FOLDER."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(default_target)
    write_corpus(count, target)
    print(f"wrote {count} {what} to {target}")


if __name__ == "__main__":
    main(write, "/tmp/policykg-synthetic", "synthetic reports")
