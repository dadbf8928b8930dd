"""Analytics tables on the real seed reports, checked against facts read in the reports and
against direct counts on the RDF graph; and `policykg stats` end to end."""
from __future__ import annotations

import csv

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg.cli import cli
from policykg.graph import analytics as an

PK = "https://w3id.org/policykg/ontology#"
CONSTITUTION = "中华人民共和国宪法"


@pytest.fixture(scope="module")
def rdf(seeds_rdf):
    return seeds_rdf


@pytest.fixture(scope="module")
def G(seeds_nx):
    return seeds_nx


@pytest.fixture(scope="module")
def ttl(rdf, tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "graph.ttl"
    rdf.serialize(path, format="turtle")
    return path


def _sparql_region_laws(rdf) -> dict[str, set[str]]:
    """Region → laws straight from the RDF: report issuedBy agency locatedIn region; an agency
    without a region stands for itself (as the laws-by-region named query does)."""
    q = f"""SELECT ?place ?law WHERE {{
      ?report a <{PK}Report> ; <{PK}issuedBy> ?agency ; <{PK}cites> ?law .
      OPTIONAL {{ ?agency <{PK}locatedIn> ?region }}
      BIND(COALESCE(?region, ?agency) AS ?place) }}"""
    out: dict[str, set[str]] = {}
    for place, law in rdf.query(q):
        out.setdefault(str(place), set()).add(str(law))
    return out


def test_the_constitution_is_the_most_cited_national_law(G):
    # Read in the reports: 《宪法》 is cited twice by 北碚区 (000), twice by 达州市 (001) and once by
    # the 市中区 report (003, whose 市中区 is ambiguous); 东城区's 弘扬宪法精神 is a slogan.
    rows = an.most_cited_laws_by_level(G)
    first = rows[0]
    assert (first["level"], first["rank"], first["law"]) == ("法律", 1, CONSTITUTION)
    assert (first["reports"], first["regions"], first["citations"]) == (3, 3, 5)
    assert [r["level"] for r in rows] == sorted((r["level"] for r in rows), key=an.LEVEL_ORDER.index)
    assert an.most_cited_laws_by_level(G, top=1) == [r for r in rows if r["rank"] == 1]
    placed = an.most_cited_laws_by_level(G, unplaced=False)[0]
    assert (placed["law"], placed["reports"], placed["regions"], placed["citations"]) == (CONSTITUTION, 2, 2, 4)


def test_law_counts_match_the_edges(G):
    for row in an.law_citations(G):
        cites = [(u, d) for u, _, d in G.in_edges(row["law_id"], data=True) if d["type"] == "cites"]
        assert row["reports"] == len(cites)
        assert row["citations"] == sum(d["citations"] for _, d in cites)


def test_regions_distinct_laws_equal_a_sparql_count(G, rdf):
    rows = an.regions_by_distinct_laws(G)
    expected = _sparql_region_laws(rdf)
    assert {r["region_id"]: r["distinct_laws"] for r in rows} == {k: len(v) for k, v in expected.items()}
    levels = [k for k in rows[0] if k in an.LEVEL_ORDER]
    for r in rows:
        assert sum(r[lv] for lv in levels) == r["distinct_laws"]
    by_name = {r["region"]: r for r in rows}
    # full names tell the four regions called 市中区 apart; the unplaced report is marked
    assert {"无锡市", "重庆市北碚区", "达州市", "北京市东城区", "市中区卫生健康局 (unplaced)"} == set(by_name)
    assert by_name["无锡市"]["code"] == "320200" and by_name["无锡市"]["地方性法规"] == 1  # 无锡市社会医疗机构管理条例
    assert [r["distinct_laws"] for r in rows] == sorted((r["distinct_laws"] for r in rows), reverse=True)


def test_jaccard_is_a_symmetric_similarity_and_matches_a_hand_count(G):
    rows = an.region_similarity(G)
    laws = an.region_laws(G)
    assert len(rows) == len(laws) * (len(laws) - 1) // 2
    assert len({frozenset((r["region_a_id"], r["region_b_id"])) for r in rows}) == len(rows)
    for r in rows:
        a, b = laws[r["region_a_id"]], laws[r["region_b_id"]]
        assert 0.0 <= r["jaccard"] <= 1.0
        assert r["jaccard"] == an.jaccard(a, b) == an.jaccard(b, a)
    assert [r["jaccard"] for r in rows] == sorted((r["jaccard"] for r in rows), reverse=True)
    # 达州市 cites 12 laws, 北碚区 19; both cite 宪法 and 职业病防治法: 2 / (12 + 19 - 2)
    pair = next(r for r in rows if {r["region_a"], r["region_b"]} == {"达州市", "重庆市北碚区"})
    assert (pair["shared_laws"], pair["union_laws"]) == (2, 29)
    assert pair["jaccard"] == pytest.approx(2 / 29)
    assert set(pair["shared"]) == {CONSTITUTION, "中华人民共和国职业病防治法"}
    assert an.jaccard(set(), set()) == 0.0


def test_communities_partition_the_regions_deterministically(G):
    rows = an.region_communities(G, seed=0)
    members = [r for c in rows for r in c["region_ids"]]
    assert sorted(members) == sorted(an.region_laws(G))  # each region in exactly one community
    assert rows == an.region_communities(G, seed=0)
    together = next(c for c in rows if "达州市" in c["regions"])
    assert "重庆市北碚区" in together["regions"] and CONSTITUTION in together["shared_laws"]
    east = next(c for c in rows if "北京市东城区" in c["regions"])
    assert east["regions"] == ["北京市东城区"]  # 东城区 shares no law with the others


def test_laws_cited_by_one_region_really_have_one(G, rdf):
    rows = an.laws_cited_by_one_region(G)
    citing: dict[str, set[str]] = {}
    for place, laws in _sparql_region_laws(rdf).items():
        for law in laws:
            citing.setdefault(law, set()).add(place)
    assert {r["law_id"] for r in rows} == {law for law, places in citing.items() if len(places) == 1}
    for r in rows:
        assert citing[r["law_id"]] == {r["region_id"]}
    by_law = {r["law"]: r for r in rows}
    assert by_law["中华人民共和国传染病防治法"]["region"] == "重庆市北碚区"  # three times, in 000 only
    assert by_law["中华人民共和国传染病防治法"]["citations"] == 3
    assert "中华人民共和国行政处罚法" not in by_law  # 无锡市 and the unplaced 市中区 report
    placed = {r["law"] for r in an.laws_cited_by_one_region(G, unplaced=False)}
    assert "中华人民共和国行政处罚法" in placed


def test_tables_do_not_depend_on_insertion_order(G):
    # the same graph built in reverse order must give the very same rows (ties broken by label)
    R = nx.MultiDiGraph()
    R.add_nodes_from(reversed(list(G.nodes(data=True))))
    R.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    for f in (an.most_cited_laws_by_level, an.regions_by_distinct_laws, an.region_similarity,
              an.region_communities, an.laws_cited_by_one_region):
        assert f(R) == f(G), f.__name__


# --- policykg stats ------------------------------------------------------------------------
def _stats(*args):
    return CliRunner().invoke(cli, ["stats", *map(str, args)], env={"COLUMNS": "250"})


def test_stats_prints_every_table_and_writes_csv(ttl, tmp_path):
    result = _stats(ttl, "--csv", tmp_path / "tables")
    assert result.exit_code == 0, result.output
    for text in ("Most-cited laws by level", "Regions by number of distinct laws cited", "Jaccard",
                 "Communities", "Laws cited by only one region", CONSTITUTION, "重庆市北碚区", "无锡市",
                 "(unplaced)"):
        assert text in result.output
    names = {p.name for p in (tmp_path / "tables").iterdir()}
    assert names == {"laws.csv", "regions.csv", "similarity.csv", "communities.csv", "single-region.csv"}
    raw = (tmp_path / "tables" / "laws.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # plain UTF-8, as --help says
    with (tmp_path / "tables" / "laws.csv").open(encoding="utf-8") as f:
        laws = list(csv.DictReader(f))
    assert laws[0]["law"] == CONSTITUTION and laws[0]["regions"] == "3"
    assert len(laws) == len({r["law_id"] for r in laws})  # the CSV is complete, not cut by --top


def test_stats_one_table_top_and_placed_only(ttl):
    result = _stats(ttl, "-t", "laws", "--top", "1", "--placed-only")
    assert result.exit_code == 0, result.output
    assert CONSTITUTION in result.output
    assert "中华人民共和国基本医疗卫生与健康促进法" not in result.output  # rank 2 of 法律
    assert "Regions by number" not in result.output and "(unplaced)" not in result.output


def test_stats_bad_graph_gives_a_message_not_a_traceback(tmp_path):
    missing = _stats(tmp_path / "nowhere")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    not_rdf = tmp_path / "notes.ttl"
    not_rdf.write_text("这不是 RDF", encoding="utf-8")
    bad = _stats(not_rdf)
    assert bad.exit_code == 1 and "not a readable RDF file" in bad.output
    empty = _stats(tmp_path)  # a folder without graph.ttl
    assert empty.exit_code == 1 and "no graph.ttl" in empty.output
    for r in (missing, bad, empty):
        assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)


def _table_rows(output: str, title: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("└"))
    return [line for line in lines[start:end] if line.startswith("│")]


@pytest.mark.parametrize("env", [{"COLUMNS": "80"}, {}])
def test_stats_tables_keep_every_value_whole(ttl, env):
    """In a narrow terminal (or piped, where Rich would assume 80 columns) no column is squeezed
    away: every region code, count and header stays whole, the wide table wraps instead."""
    env = {"COLUMNS": None, **env}  # no COLUMNS: as when piped to a file
    result = CliRunner().invoke(cli, ["stats", str(ttl), "-t", "regions", "-t", "laws", "--top", "0"], env=env)
    assert result.exit_code == 0, result.output
    assert "distinct_laws" in result.output and "地方政府规章" in result.output
    rows = _table_rows(result.output, "Regions by number")
    assert any("320200" in r and "无锡市" in r for r in rows)
    assert any(" 19 " in r and "500109" in r for r in rows)
    if not env.get("COLUMNS"):  # piped: one line per row
        assert any("重庆市北碚区" in r for r in rows)


def _all_pairs_similarity(G) -> list[dict]:
    """region_similarity as it was first written (every pair through jaccard() and G), the reference
    for the faster per-pair loop."""
    from itertools import combinations

    laws = an.region_laws(G)
    regions = sorted(laws, key=lambda r: (an.region_name(G, r), r))
    rows = [{"region_a": an.region_name(G, a), "region_b": an.region_name(G, b),
             "code_a": G.nodes[a].get("code", ""), "code_b": G.nodes[b].get("code", ""),
             "shared_laws": len(laws[a] & laws[b]), "union_laws": len(laws[a] | laws[b]),
             "jaccard": an.jaccard(laws[a], laws[b]),
             "shared": sorted(G.nodes[x].get("label", x) for x in laws[a] & laws[b]),
             "region_a_id": a, "region_b_id": b} for a, b in combinations(regions, 2)]
    rows.sort(key=lambda r: (-r["jaccard"], -r["shared_laws"], r["region_a"], r["region_b"],
                             r["region_a_id"], r["region_b_id"]))
    return rows


def test_similarity_equals_the_all_pairs_computation(G):
    rows = an.region_similarity(G)
    assert rows == _all_pairs_similarity(G)
    assert any(r["jaccard"] == 0.0 for r in rows) and any(r["jaccard"] > 0 for r in rows)


def test_edges_read_from_the_adjacency_are_networkx_edges(G):
    """out_edges, in_edges and cites give what networkx's edge views give, in their order (the
    pages depend on it), on the projection and on a subgraph view of it (the overview draws one)."""
    laws = an.law_citation_counts(G)
    H = G.subgraph([n for n in G if n not in laws or laws[n] > 1])
    for graph in (G, H):
        for n in graph:
            assert an.out_edges(graph, n) == [(v, k, d) for _, v, k, d in graph.out_edges(n, keys=True, data=True)]
            assert an.in_edges(graph, n) == [(u, k, d) for u, _, k, d in graph.in_edges(n, keys=True, data=True)]
        expected = [(u, v, d) for u, v, d in graph.edges(data=True) if d.get("type") == "cites"]
        assert expected and an.cites(graph) == expected
    assert len(an.cites(H)) < len(an.cites(G))  # (the subgraph really leaves citations out)
