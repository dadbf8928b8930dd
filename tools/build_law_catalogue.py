"""Rebuild ``ontology/data/laws_catalogue.yaml`` from local git snapshots of public law collections.

    python3 tools/build_law_catalogue.py --lawrefbook PATH [--waystowork PATH] [-o FILE]

Each PATH is a git directory (bare or not) of the repository named below; files are read at HEAD with
``git show``, nothing is copied but the facts: canonical title, level, issuer, first and latest dates,
and whether the source marks every version as no longer in force.

- LawRefBook/Laws: national laws, administrative regulations and some departmental rules, as Markdown
  whose head lists the adoption and amendment dates, plus ``db.sqlite3`` with each version's level
  and its ``expired`` flag.
- waystowork/waystowork.github.io (``src/laws/<sector>/...``): the laws, regulations and departmental
  rules that each enforcement sector applies; only titles whose head names the promulgating order
  (国务院令, 交通运输部令 ...) or the adopting congress are taken, so that a level is never guessed.

Curated facts (short names, mis-citations, party regulations, plans) live in ``laws.yaml``; the
loader lays them over this catalogue.
"""
from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PRC = "中华人民共和国"
OUT = Path(__file__).resolve().parent.parent / "ontology" / "data" / "laws_catalogue.yaml"
LEVELS = {"宪法": "法律", "法律": "法律", "行政法规": "行政法规", "部门规章": "部门规章"}
LEVEL_ORDER = ("法律", "行政法规", "部门规章")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# 2013年1月23日交通运输部令第2号发布 / 中华人民共和国国务院令第431号公布
_ORDER = re.compile(r"(?:中华人民共和国)?([\u4e00-\u9fff、，和 ]{2,120}?)令\s*(?:〔\d{4}〕)?第?\s*[\d一二三四五六七八九十]+\s*号")
# titles that are not laws, regulations or rules, and titles of one region
_NOT_A_RULE = re.compile(r"(?:通知|意见|决定|公告|通告|解释|批复|答复|纪要|修正案.*|目录|标准|办法的决定)$")
_REGION_START = re.compile(r"^(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
                           r"湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)")


@dataclass
class Fact:
    name: str
    level: str
    issuer: str
    date: str = ""
    revised: str = ""
    repealed: bool = False
    sources: set[str] = field(default_factory=set)


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), "-c", "core.quotepath=off", *args],
                          check=True, capture_output=True).stdout


def head_commit(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").decode().strip()


def read_files(repo: Path, paths: list[str]) -> dict[str, str]:
    """Many files at HEAD in one ``git cat-file --batch`` call."""
    request = "".join(f"HEAD:{p}\n" for p in paths).encode()
    out = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input=request,
                         check=True, capture_output=True).stdout
    texts, pos = {}, 0
    for p in paths:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if header[-1] == b"missing":
            pos = header_end + 1
            continue
        size = int(header[2])
        texts[p] = out[header_end + 1:header_end + 1 + size].decode("utf-8", "replace")
        pos = header_end + 1 + size + 1
    return texts


def iso(m: re.Match) -> str:
    y, mo, d = m.groups()
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"


def title_and_head(text: str) -> tuple[str, str]:
    """The H1 title and the promulgation notes under it (before the first article or chapter)."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("---", "bookHidden", "draft"))]
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
    head = []
    for ln in lines[lines.index("# " + title) + 1 if ("# " + title) in lines else 0:]:
        if ln.startswith(("## ", "第一章", "第一条", "目录", "目　　录", "<!-- INFO END")) or len(head) > 8:
            break
        head.append(ln.lstrip("#").strip())
    title = re.sub(r"\s+", "", title)
    title = re.sub(r"（[^（）]*(?:修正|修订)[^（）]*）$", "", title)  # an edition note: （2019年4月23日第二次修正）
    return title, " ".join(head)


def issuer_and_level(head: str) -> tuple[str, str] | None:
    """(issuer, level) read from the promulgation notes, or None when they do not say."""
    first = re.split(r"(?<=通过)|(?<=公布)|(?<=发布)|根据|修正|修订", head)[0]  # the first adoption only
    if "全国人民代表大会" in first:
        return ("全国人民代表大会常务委员会" if "常务委员会" in first else "全国人民代表大会"), "法律"
    if re.search(r"国务院令|国务院第\d+次常务会议|国务院(?:批准|发布|公布)", first):
        return "国务院", "行政法规"
    m = _ORDER.search(head)
    if m:
        organ = re.sub(r"^.*?(?:日|公布|发布|通过)", "", m.group(1)).replace(" ", "、")
        organ = "、".join(o.removeprefix(PRC) for o in organ.split("、") if o).replace("部部", "部")
        if organ in ("主席", "国家主席"):
            return "全国人民代表大会常务委员会", "法律"
        if organ == "国务院":
            return "国务院", "行政法规"
        if re.search(r"(?:省|市|自治区|县|区)人民政府$", organ):
            return None
        if re.search(r"(?:部|委员会|总局|局|署|银行|办公厅|委|会)$", organ):
            return organ.replace("，", "、"), "部门规章"
    return None


# LawRefBook files departmental rules under 部门规章/<ministry>/
MINISTRIES = {"公安部": "公安部", "市场监督管理总局": "国家市场监督管理总局", "国家安全部": "国家安全部",
              "人力资源社会保障部": "人力资源和社会保障部"}


def folder_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else ""


def lawrefbook(repo: Path) -> list[Fact]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db.sqlite3"
        db.write_bytes(git(repo, "show", "HEAD:db.sqlite3"))
        con = sqlite3.connect(db)
        rows = con.execute("select l.name, l.level, l.publish, l.expired, c.folder from law l "
                           "join category c on l.category_id = c.id").fetchall()
        con.close()
    files = git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()
    by_stem = {}
    for f in files:
        if f.endswith(".md"):
            folder, _, base = f.rpartition("/")
            by_stem[(folder.split("/")[0], base[:-3])] = f
    picked = []
    for name, level, publish, expired, folder in rows:
        if level not in LEVELS:
            continue  # judicial interpretations, cases: not in the ontology's level scheme
        top = folder.split("/")[0]
        path = by_stem.get((top, f"{name}({publish})")) or by_stem.get((top, name))
        if path is None:
            path = next((p for (t, stem), p in by_stem.items() if stem.startswith(name + "(")), None)
        if path:
            picked.append((path, LEVELS[level], publish or "", bool(expired)))
    texts = read_files(repo, sorted({p for p, *_ in picked}))
    facts: dict[str, Fact] = {}
    for path, level, publish, expired in picked:
        text = texts.get(path)
        if not text:
            continue
        title, head = title_and_head(text)
        if not title:
            continue
        found = issuer_and_level(head)
        if found and found[1] == level:
            issuer = found[0]
        elif level == "法律":
            continue  # filed under laws but not adopted by the congress (人体损伤程度鉴定标准)
        elif level == "部门规章" and _NOT_A_RULE.search(title):
            continue  # a ministry's notice filed with its rules
        else:
            issuer = "国务院" if level == "行政法规" else MINISTRIES.get(folder_of(path), "")
        dates = sorted(iso(m) for m in _DATE.finditer(head))
        add(facts, Fact(title, level, issuer, dates[0] if dates else publish,
                        max([publish, *dates]) if (publish or dates) else "", expired, {"LawRefBook/Laws"}))
    return list(facts.values())


def waystowork(repo: Path) -> list[Fact]:
    files = [f for f in git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()
             if f.startswith("src/laws/") and f.endswith(".md") and not f.endswith("README.md")]
    facts: dict[str, Fact] = {}
    for path, text in read_files(repo, files).items():
        title, head = title_and_head(text)
        if not title or _NOT_A_RULE.search(title) or _REGION_START.match(title) or "（" in title[:2]:
            continue
        found = issuer_and_level(head)
        if found is None:
            continue
        dates = sorted(iso(m) for m in _DATE.finditer(head))
        add(facts, Fact(title, found[1], found[0], dates[0] if dates else "", dates[-1] if dates else "",
                        False, {"waystowork/waystowork.github.io"}))
    return list(facts.values())


def key(name: str) -> str:
    return re.sub(r"[\s《》〈〉]", "", name).replace("(", "（").replace(")", "）").removeprefix(PRC)


def add(facts: dict[str, Fact], fact: Fact) -> None:
    """Merge a version or a second source's copy of one document into one fact."""
    k = key(fact.name)
    old = facts.get(k)
    if old is None:
        facts[k] = fact
        return
    if len(fact.name) > len(old.name):
        old.name = fact.name  # the 中华人民共和国 form when one source has it
    old.date = min(d for d in (old.date, fact.date) if d) if (old.date or fact.date) else ""
    old.revised = max(old.revised, fact.revised)
    old.repealed = old.repealed and fact.repealed  # in force if any version is
    old.issuer = old.issuer or fact.issuer
    old.sources |= fact.sources


def merge(*groups: list[Fact]) -> list[Fact]:
    facts: dict[str, Fact] = {}
    for group in groups:
        for f in group:
            k = key(f.name)
            old = facts.get(k)
            if old is None:
                facts[k] = f
                continue
            # the first source's facts stand (LawRefBook is read first); a later one fills gaps only
            old.issuer = old.issuer or f.issuer
            old.date = old.date or f.date
            old.revised = old.revised or f.revised
            old.sources |= f.sources
    return sorted(facts.values(), key=lambda f: (LEVEL_ORDER.index(f.level), f.name))


def render(facts: list[Fact], sources: list[tuple[str, str, str]]) -> str:
    counts = {lv: sum(f.level == lv for f in facts) for lv in LEVEL_ORDER}
    out = ["# policykg law catalogue: national laws, administrative regulations and departmental rules.",
           "# GENERATED by tools/build_law_catalogue.py from the sources below; do not edit by hand:",
           "# corrections, short names and mis-citations go to laws.yaml, which the loader lays over this file.",
           "#   name: canonical title; level: 法律 | 行政法规 | 部门规章; issuer: adopting or promulgating body",
           "#   date: first adoption / promulgation (yyyy-mm-dd); revised: latest amendment in the source",
           "#   repealed: true when the source marks every version as no longer in force",
           "# Only facts are taken from the sources (titles, levels, issuers, dates), never their texts.",
           "# SOURCES",
           *[f"#   {repo} @ {commit} — licence: {licence}" for repo, commit, licence in sources],
           "# COUNTS " + ", ".join(f"{lv} {n}" for lv, n in counts.items()) + f"; total {len(facts)}",
           ""]
    for f in facts:
        parts = [f"name: {f.name}", f"level: {f.level}"]
        if f.issuer:
            parts.append(f"issuer: {f.issuer}")
        if f.date:
            parts.append(f"date: {f.date}")
        if f.revised and f.revised != f.date:
            parts.append(f"revised: {f.revised}")
        if f.repealed:
            parts.append("repealed: true")
        out.append("- {" + ", ".join(parts) + "}")
    return "\n".join(out) + "\n"


LICENCES = {
    "LawRefBook/Laws": "no licence file in the repository; only facts are reused (titles, levels, dates)",
    "waystowork/waystowork.github.io": "package.json declares MIT, no LICENSE file; only facts are reused",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lawrefbook", type=Path, required=True, help="git directory of LawRefBook/Laws")
    ap.add_argument("--waystowork", type=Path, help="git directory of waystowork/waystowork.github.io")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args()
    groups = [lawrefbook(args.lawrefbook)]
    sources = [("LawRefBook/Laws", head_commit(args.lawrefbook), LICENCES["LawRefBook/Laws"])]
    if args.waystowork:
        groups.append(waystowork(args.waystowork))
        sources.append(("waystowork/waystowork.github.io", head_commit(args.waystowork),
                        LICENCES["waystowork/waystowork.github.io"]))
    facts = merge(*groups)
    args.output.write_text(render(facts, sources), encoding="utf-8")
    print(f"{args.output}: {len(facts)} entries")


if __name__ == "__main__":
    main()
