"""The Python API on the real reports: the README's notebook example runs as written,
KnowledgeGraph answers in typed DataFrames, and citations() gives one row per citation with
its evidence."""
import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pytest
import rdflib
import spacy

import policykg
from policykg.resolve import ParameterError

ROOT = Path(__file__).resolve().parent.parent
README_SEEDS = "../shared/corpus/seeds"
COLUMNS = ["report", "year", "agency", "region", "region_code", "law", "level", "role", "sentence",
           "start", "end", "text_file", "source"]


@pytest.fixture(scope="module")
def kg(tmp_path_factory, corpus_dir):
    return policykg.build(corpus_dir / "seeds", out=tmp_path_factory.mktemp("api") / "out")


def _python_blocks(section: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = readme.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", body, re.S)


def test_readme_notebook_example_runs_as_written(corpus_dir, tmp_path, monkeypatch):
    blocks = _python_blocks("Python API")
    assert len(blocks) >= 5 and all(README_SEEDS in blocks[0] or README_SEEDS not in b for b in blocks)
    monkeypatch.chdir(tmp_path)  # the example writes seeds-out beside where it runs
    namespace: dict = {}
    for block in blocks:  # in order, sharing one namespace, as a notebook runs its cells
        exec(compile(block.replace(README_SEEDS, str(corpus_dir / "seeds")), "README.md", "exec"), namespace)
    assert namespace["kg"].summary.documents == 5
    assert set(namespace["constitution"]["regionLabel"]) >= {"北碚区", "达州市"}
    assert len(namespace["citations"]) == 73
    assert namespace["most_cited"]["citations"].dtype == "Int64"
    assert (tmp_path / "seeds-out" / "store").is_dir()


def test_root_package_is_the_library(kg):
    import policykg.builder
    import policykg.cli

    # the CLI is a subpackage beside the library, and the build driver is the library's
    assert Path(policykg.cli.__file__).parent != Path(policykg.__file__).parent
    assert Path(policykg.builder.__file__).parent == Path(policykg.__file__).parent
    assert {"build", "open", "pipeline", "KnowledgeGraph", "__version__"} <= set(policykg.__all__)
    assert isinstance(kg, policykg.KnowledgeGraph)
    assert kg.summary.documents == 5 and not kg.summary.failed
    version = subprocess.run([sys.executable, "-m", "policykg", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and policykg.__version__ in version.stdout


def test_citations_one_row_per_citation_with_evidence(kg):
    df = kg.citations()
    assert list(df.columns[1:]) == COLUMNS
    records = [json.loads(line) for line in (kg.path / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    mentions = {(r["text_file"], m["start"], m["end"]): m for r in records for m in r["mentions"] if m["label"] == "LAW"}
    assert len(df) == len(mentions) == df["citation"].nunique()
    for row in df.itertuples():
        m = mentions[(row.text_file, row.start, row.end)]
        text = (kg.path / row.text_file).read_text(encoding="utf-8")
        assert text[row.start:row.end] == m["surface"] and m["surface"] in row.sentence
        assert row.law == m["canonical"] and row.role == m["role"]
    assert df["report"].nunique() == 5


def test_integers_stay_integers(kg, tmp_path):
    df = kg.citations()
    for col in ("year", "region_code", "start", "end"):
        assert df[col].dtype == "Int64", col
    beibei = df[df["region"] == "北碚区"].iloc[0]
    assert beibei["region_code"] == 500109 and beibei["year"] == 2021
    unplaced = df[df["agency"] == "市中区卫生健康局"]
    assert len(unplaced) and unplaced["region_code"].isna().all() and unplaced["region"].isna().all()
    df.to_csv(tmp_path / "c.csv", index=False)
    back = pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False)
    assert "500109" in set(back["region_code"]) and "" in set(back["region_code"])
    assert not back["region_code"].str.contains(r"\.").any() and not back["year"].str.contains(r"\.").any()


def test_query_types_columns(kg):
    df = kg.query("""PREFIX pk: <https://w3id.org/policykg/ontology#>
        PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
        SELECT ?region ?code ?lat ?inRegistry WHERE { ?region a pk:Region ; pk:adminCode ?code ; geo:lat ?lat .
          OPTIONAL { ?region pk:inRegistry ?inRegistry } }""")
    assert str(df["region"].dtype) == "string" and df["lat"].dtype == "Float64"
    assert kg.query("ASK { ?s ?p ?o }")["boolean"].tolist() == [True]
    laws = kg.query("PREFIX pk: <https://w3id.org/policykg/ontology#> "
                    "SELECT ?law ?known WHERE { ?law a pk:Law ; pk:inRegistry ?known }")
    assert laws["known"].dtype == "boolean"


def test_named_query_parameters_accept_aliases(kg):
    by_alias = kg.query(name="regions-citing", law="宪法")
    by_name = kg.query(name="regions-citing", law="中华人民共和国宪法")
    assert len(by_alias) >= 3 and by_alias.equals(by_name)
    assert set(by_alias.columns) >= {"regionLabel", "report", "year", "role", "evidence", "start", "end"}
    with pytest.raises(ParameterError, match="ambiguous.*医疗纠纷预防和处理条例"):
        kg.query(name="regions-citing", law="条例")
    with pytest.raises(ParameterError, match="no law named"):
        kg.query(name="regions-citing", law="不存在的法")
    with pytest.raises(ValueError, match="missing parameter"):
        kg.query(name="regions-citing")
    with pytest.raises(KeyError, match="laws-by-region"):
        kg.query(name="no-such-query")
    assert "regions-citing" in kg.named_queries()


def test_graph_objects(kg):
    assert "rdf" not in vars(kg)  # rdflib's graph is read only when asked for
    assert isinstance(kg.store, ox.Store)
    assert isinstance(kg.rdf, rdflib.Graph) and len(kg.rdf) == len(kg.store)
    G = kg.to_networkx()
    assert isinstance(G, nx.MultiDiGraph)
    assert any(d.get("type") == "Law" and d.get("label") == "中华人民共和国宪法" for _, d in G.nodes(data=True))
    reopened = policykg.open(kg.path)
    assert reopened.summary is None and len(reopened.citations()) == len(kg.citations())


def test_pipeline_is_the_spacy_language():
    nlp = policykg.pipeline()
    assert isinstance(nlp, spacy.Language)
    assert "pk_laws" in nlp.pipe_names
    assert isinstance(nlp("依据《中华人民共和国宪法》开展普法。"), spacy.tokens.Doc)
