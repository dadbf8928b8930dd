"""Compare extraction records with a gold annotation (the format of
``shared/corpus/gold/seeds.jsonl``): precision, recall and F1 per field, micro-averaged over
the documents, with strings normalised as the gold's README prescribes.

Beyond the gold's own fields: ``region_code`` (the official code the gold's province, city and
county names settle on, or "ambiguous" when they do not), and, from supplementary annotation
files, ``law_levels`` and ``citation_roles`` (see tests/gold/README.md)."""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Iterable

# Set-valued fields, and the optional gold field whose items are neither rewarded nor penalised.
LIST_FIELDS = ("laws", "doc_numbers", "agencies", "regions", "regions_cooperation", "programs")
OPTIONAL = {"laws": "laws_optional"}
# Single-valued fields, scored as one-item sets (an empty value is no item).
SCALAR_FIELDS = ("agency", "province", "city", "county", "year", "date")

_DROP = re.compile(r"[\s《》〈〉“”\"'‘’「」『』]")
# Inside programs, punctuation is not significant (双随机、一公开 = 双随机一公开).
_PROGRAM_PUNCT = re.compile(r"[、，,·・.。:：;；!！?？\-—–()（）\[\]【】]")


def normalise(value: Any, field_name: str = "") -> str:
    s = unicodedata.normalize("NFKC", str(value))
    s = _DROP.sub("", s).replace("〔", "[").replace("〕", "]")
    if field_name == "programs":
        s = _PROGRAM_PUNCT.sub("", s)
    return s


def _items(record: dict, name: str) -> set[str]:
    value = record.get(name)
    if value in (None, "", []):
        return set()
    values = value if isinstance(value, list) else [value]
    return {normalise(v, name) for v in values if str(v).strip()}


@dataclass
class FieldScore:
    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[tuple[str, list[str], list[str]]] = field(default_factory=list)  # doc, missed, spurious

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.name, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Evaluation:
    fields: dict[str, FieldScore]
    documents: int
    missing: list[str]  # gold documents with no prediction

    def f1(self, name: str) -> float:
        return self.fields[name].f1


def evaluate(gold: Iterable[dict], predicted: Iterable[dict], fields: Iterable[str] | None = None) -> Evaluation:
    """Score predicted records against gold records, matched by their ``doc`` key."""
    names = list(fields) if fields else [*SCALAR_FIELDS, *LIST_FIELDS]
    scores = {n: FieldScore(n) for n in names}
    pred_by_doc = {r["doc"]: r for r in predicted}
    missing, n_docs = [], 0
    for g in gold:
        p = pred_by_doc.get(g["doc"])
        if p is None:
            missing.append(g["doc"])
            p = {}
        n_docs += 1
        for n in names:
            gs, ps = _items(g, n), _items(p, n)
            optional = _items(g, OPTIONAL[n]) if n in OPTIONAL else set()
            ps_scored = {x for x in ps if x in gs or x not in optional}
            s = scores[n]
            s.tp += len(gs & ps_scored)
            s.fp += len(ps_scored - gs)
            s.fn += len(gs - ps_scored)
            if gs != ps_scored:
                s.errors.append((g["doc"], sorted(gs - ps_scored), sorted(ps_scored - gs)))
    return Evaluation(scores, n_docs, missing)


# --- region codes -------------------------------------------------------------------------

AMBIGUOUS = "ambiguous"


def gold_region_code(record: dict, gazetteer=None) -> str:
    """The code the gold's names settle on: the most specific named level, kept to those
    within the broader names given; "ambiguous" when a name fits several places."""
    if gazetteer is None:
        from .gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    names = [record.get(k) or "" for k in ("province", "city", "county")]
    specific = next((n for n in reversed(names) if n), "")
    if not specific:
        return ""
    codes = [r.code for r in gazetteer.lookup(specific)]
    for broader in names[: names.index(specific)]:
        if broader and broader != specific:
            within = {r.code for r in gazetteer.lookup(broader)}
            codes = [c for c in codes if any(gazetteer.is_within(c, w) for w in within)]
    return codes[0] if len(codes) == 1 else AMBIGUOUS


def predicted_region_code(record: dict) -> str:
    meta = record.get("meta", {})
    if meta.get("region_code"):
        return meta["region_code"]
    return AMBIGUOUS if meta.get("region_candidates") else ""


def score_region_codes(gold: Iterable[dict], predicted: Iterable[dict]) -> FieldScore:
    score = FieldScore("region_code")
    pred_by_doc = {r["doc"]: r for r in predicted}
    for g in gold:
        want = gold_region_code(g)
        got = predicted_region_code(pred_by_doc.get(g["doc"], {}))
        _tally(score, g["doc"], {want} - {""}, {got} - {""})
    return score


# --- law levels and citation roles (supplementary annotations) ------------------------------

def read_tsv(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _law_mentions(record: dict) -> list[dict]:
    return [m for m in record.get("mentions", []) if m.get("label") == "LAW"]


def score_law_levels(annotation: list[dict[str, str]], predicted: Iterable[dict]) -> FieldScore:
    """Items ``law=level`` for the annotated laws only; a law the extractor missed is a miss."""
    score = FieldScore("law_levels")
    pred_by_doc = {r["doc"]: r for r in predicted}
    wanted: dict[str, dict[str, str]] = {}
    for row in annotation:
        wanted.setdefault(row["doc"], {})[normalise(row["law"])] = row["level"]
    for doc, laws in wanted.items():
        got = {normalise(m["canonical"]): m.get("level", "其他") for m in _law_mentions(pred_by_doc.get(doc, {}))}
        _tally(score, doc, {f"{k}={v}" for k, v in laws.items()},
               {f"{k}={v}" for k, v in got.items() if k in laws})
    return score


def score_citation_roles(annotation: list[dict[str, str]], predicted: Iterable[dict]) -> FieldScore:
    """Items ``law#n=role`` (the n-th citation of a law in a report), annotated citations only."""
    score = FieldScore("citation_roles")
    pred_by_doc = {r["doc"]: r for r in predicted}
    wanted: dict[str, set[str]] = {}
    for row in annotation:
        wanted.setdefault(row["doc"], set()).add(f"{normalise(row['law'])}#{row['occurrence']}={row['role']}")
    for doc, items in wanted.items():
        keys = {i.rsplit("=", 1)[0] for i in items}
        seen: Counter = Counter()
        got = set()
        for m in sorted(_law_mentions(pred_by_doc.get(doc, {})), key=lambda m: m["start"]):
            law = normalise(m["canonical"])
            seen[law] += 1
            key = f"{law}#{seen[law]}"
            if key in keys:
                got.add(f"{key}={m.get('role', '其他')}")
        _tally(score, doc, items, got)
    return score


def _tally(score: FieldScore, doc: str, gold: set[str], pred: set[str]) -> None:
    score.tp += len(gold & pred)
    score.fp += len(pred - gold)
    score.fn += len(gold - pred)
    if gold != pred:
        score.errors.append((doc, sorted(gold - pred), sorted(pred - gold)))


def evaluate_all(gold: list[dict], predicted: list[dict], levels: str | Path | None = None,
                 roles: str | Path | None = None) -> Evaluation:
    """The gold's fields, region codes, and levels and roles when their annotations are given."""
    result = evaluate(gold, predicted)
    result.fields["region_code"] = score_region_codes(gold, predicted)
    if levels:
        result.fields["law_levels"] = score_law_levels(read_tsv(levels), predicted)
    if roles:
        result.fields["citation_roles"] = score_citation_roles(read_tsv(roles), predicted)
    return result


# --- scores per group of reports (department type) -----------------------------------------

# The report's own metadata, scored as accuracy: the share of reports whose value matches.
METADATA_FIELDS = ("agency", "province", "city", "year")
# The group of a report whose gold has no value for the grouping key.
ALL = "all"


def metadata_accuracy(gold: list[dict], predicted: Iterable[dict]) -> dict[str, float]:
    """Share of the reports whose value of each metadata field matches the gold, compared as
    the fields are (an empty gold value is right when nothing is predicted)."""
    if not gold:
        return {name: 0.0 for name in METADATA_FIELDS}
    scores = evaluate(gold, predicted, fields=METADATA_FIELDS)
    return {name: 1 - len(scores.fields[name].errors) / len(gold) for name in METADATA_FIELDS}


@dataclass
class GroupScore:
    group: str
    evaluation: Evaluation
    accuracy: dict[str, float]

    @property
    def documents(self) -> int:
        return self.evaluation.documents

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, "documents": self.documents,
                "accuracy": {k: round(v, 4) for k, v in self.accuracy.items()},
                "fields": [s.as_dict() for s in self.evaluation.fields.values()]}


def evaluate_by(gold: list[dict], predicted: list[dict], key: str = "department") -> list[GroupScore]:
    """Field scores and metadata accuracy per value of the gold's ``key`` (the department type),
    groups in order of size; reports whose gold has no such value form the group "all"."""
    groups: dict[str, list[dict]] = {}
    for g in gold:
        groups.setdefault(str(g.get(key) or ALL), []).append(g)
    out = [GroupScore(name, evaluate_all(members, predicted), metadata_accuracy(members, predicted))
           for name, members in groups.items()]
    return sorted(out, key=lambda s: (-s.documents, s.group))
