"""The seeds graph: stable IRIs, SHACL conformance, one node per agency, evidence and role on
every citation, ambiguous places kept ambiguous, named queries on the pyoxigraph store."""
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from policykg.graph import store as st
from policykg.graph.build import build_graph
from policykg.graph import iris
from policykg.graph.iris import PK
from policykg.graph.validate import validate


def test_same_input_gives_the_same_graph(seed_records, seeds_rdf):
    again = build_graph(seed_records)
    assert sorted(again.serialize(format="nt").splitlines()) == sorted(seeds_rdf.serialize(format="nt").splitlines())


def test_seeds_graph_conforms_to_the_shapes(seeds_rdf):
    conforms, violations = validate(seeds_rdf)
    assert conforms, violations


def test_a_citation_without_role_is_reported_in_plain_words(seeds_rdf):
    g = type(seeds_rdf)()
    for t in seeds_rdf:
        g.add(t)
    citation = next(g.subjects(RDF.type, PK.Citation))
    g.remove((citation, PK.role, None))
    conforms, violations = validate(g)
    assert not conforms
    assert any("exactly one role" in v and str(citation) in v for v in violations)


def test_every_citation_has_evidence_offsets_and_role(seeds_rdf, seed_records):
    citations = list(seeds_rdf.subjects(RDF.type, PK.Citation))
    assert len(citations) == sum(len(r["law_mentions"]) for r in seed_records)
    for c in citations:
        assert seeds_rdf.value(c, PK.evidenceText)
        assert seeds_rdf.value(c, PK.role) is not None
        assert int(seeds_rdf.value(c, PK.startOffset)) < int(seeds_rdf.value(c, PK.endOffset))


def test_one_agency_written_three_ways_is_one_node(seeds_rdf, seed_records):
    dazhou = next(r for r in seed_records if r["agency"] == "达州市卫生健康委员会")
    surfaces = {m["surface"] for m in dazhou["mentions"]
                if m["label"] == "AGENCY" and m["canonical"] == "达州市卫生健康委员会"}
    assert {"达州市卫生健康委员会", "市卫生健康委", "我委"} <= surfaces
    nodes = set(seeds_rdf.subjects(SKOS.prefLabel, Literal("达州市卫生健康委员会", lang="zh")))
    assert len(nodes) == 1


def test_regions_carry_codes_hierarchy_and_coordinates(seeds_rdf):
    beibei = URIRef("https://w3id.org/policykg/id/region/500109")
    assert seeds_rdf.value(beibei, PK.partOf) == URIRef("https://w3id.org/policykg/id/region/500000")
    assert seeds_rdf.value(beibei, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat")) is not None


def test_ambiguous_shizhong_is_not_guessed(seed_records, seeds_rdf):
    r = next(r for r in seed_records if r["agency"] == "市中区卫生健康局")
    assert r["meta"]["region_code"] == "" and len(r["meta"]["region_candidates"]) == 4
    agency = next(seeds_rdf.subjects(SKOS.prefLabel, Literal("市中区卫生健康局", lang="zh")))
    assert seeds_rdf.value(agency, PK.locatedIn) is None
    amb = seeds_rdf.value(agency, PK.ambiguousLocation)
    assert len(list(seeds_rdf.objects(amb, PK.candidate))) == 4


def test_local_law_has_its_jurisdiction_and_level(seeds_rdf):
    law = next(seeds_rdf.subjects(SKOS.prefLabel, Literal("无锡市社会医疗机构管理条例", lang="zh")))
    assert seeds_rdf.value(law, PK.jurisdiction) == URIRef("https://w3id.org/policykg/id/region/320200")
    assert seeds_rdf.value(law, PK.level) == PK.LocalRegulation


def test_named_queries_run_on_the_store(seeds_rdf, tmp_path):
    st.write_store(seeds_rdf, tmp_path)
    store = st.open_store(tmp_path)
    names = st.list_named_queries()
    assert {"laws-by-region", "regions-citing", "programs-by-region", "laws-by-role", "local-laws"} <= set(names)
    rows = st.to_table_rows(st.run_query(store, st.load_named_query("laws-by-region")))[1]
    assert ["北碚区", "中华人民共和国传染病防治法", "法律"] in [[r[1], r[3], r[4]] for r in rows]
    roles = st.to_table_rows(st.run_query(store, st.load_named_query("laws-by-role")))[1]
    assert {r[1] for r in roles} >= {"学习培训", "执法依据", "制定修订"}
    local = st.to_table_rows(st.run_query(store, st.load_named_query("local-laws")))[1]
    assert any(r[0] == "无锡市" and r[1] == "无锡市社会医疗机构管理条例" and r[3] == "无锡市" for r in local)
    with pytest.raises(ValueError, match="missing parameter"):
        st.run_query(store, st.load_named_query("regions-citing"))


def test_program_adoption_per_agency_and_year(seeds_rdf):
    """One node per (agency, year, program), supported by mentions that carry evidence."""
    adoptions = list(seeds_rdf.subjects(RDF.type, PK.ProgramAdoption))
    assert adoptions
    keys = [(seeds_rdf.value(a, PK.adoptingAgency), seeds_rdf.value(a, PK.year), seeds_rdf.value(a, PK.adoptedProgram))
            for a in adoptions]
    assert len(keys) == len(set(keys))
    dazhou = iris.agency("达州市卫生健康委员会")
    programs = {str(seeds_rdf.value(p, SKOS.prefLabel)) for a, y, p in keys if a == dazhou and int(y) == 2023}
    assert {"一网通办", "互联网+普法", "以案释法"} <= programs, programs
    for a in adoptions:
        mentions = list(seeds_rdf.objects(a, PK.supportedBy))
        assert mentions and all(seeds_rdf.value(m, PK.evidenceText) for m in mentions)


def test_compound_abbreviations_in_running_text_are_regions(seed_records):
    """川渝毗邻地区 and 万达开川渝统筹发展示范区 name 四川省, 重庆市, 万州区, 达州市 and 开州区."""
    dazhou = next(r for r in seed_records if r["agency"] == "达州市卫生健康委员会")
    abbreviated = {m["code"] for m in dazhou["mentions"] if m["label"] == "REGION" and m.get("abbreviation")}
    assert {"510000", "500000", "500101", "511700", "500154"} <= abbreviated
    # and nowhere else: no report without such a compound gets one
    others = [m for r in seed_records if r is not dazhou for m in r["mentions"] if m.get("abbreviation")]
    assert others == []


def test_read_rdf_gives_what_rdflib_parses(seeds_build, tmp_path):
    """The fast reader (pyoxigraph's parser) yields the same rdflib graph as rdflib's parser,
    plain strings untyped as rdflib makes them; bad files are a ValueError naming the file."""
    from rdflib.compare import isomorphic

    from policykg.graph.store import read_rdf

    ttl = seeds_build / "graph.ttl"
    fast = read_rdf(ttl)
    slow = Graph().parse(ttl, format="turtle")
    assert len(fast) == len(slow) > 4000 and isomorphic(fast, slow)
    levels = {o for o in fast.objects(None, PK.regionLevel)}
    assert Literal("county") in levels  # untyped, as the shapes' sh:in lists them
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.ttl"):
        read_rdf(bad)
    with pytest.raises(ValueError, match="unknown RDF format"):
        read_rdf(tmp_path / "notes.docx")


def test_a_township_is_part_of_its_county_and_valid(tmp_path):
    """乡, 镇 and 街道 have no code in the gazetteer: each is a pk:Township keyed by its county's
    code and its name, part of that county (dcterms:isPartOf), and the graph still conforms."""
    from policykg.corpus import extract_file
    from rdflib.namespace import DCTERMS

    text = tmp_path / "report.txt"
    text.write_text("长沙市天心区坡子街街道办事处2022年法治政府建设情况报告\n2022年,坡子街街道坚持依法行政,"
                    "全面推进法治政府建设。", encoding="utf-8")
    g = build_graph([extract_file(text)])
    town = URIRef("https://w3id.org/policykg/id/township/430103/坡子街街道")
    assert (town, RDF.type, PK.Township) in g
    assert g.value(town, DCTERMS.isPartOf) == URIRef("https://w3id.org/policykg/id/region/430103")
    assert g.value(town, SKOS.prefLabel) == Literal("坡子街街道", lang="zh")
    assert any(g.triples((None, PK.mentionsRegion, town)))
    conforms, problems = validate(g)
    assert conforms, problems


def test_townships_without_their_county_stay_each_reports_own(tmp_path):
    """Two reports' 城关镇 with no county named are not merged into one place."""
    from policykg.corpus import extract_file

    records = []
    for i, county in enumerate(("甲", "乙")):
        text = tmp_path / f"r{i}.txt"
        text.write_text(f"{county}单位2022年报告\n2022年,城关镇坚持依法行政,推进法治建设。", encoding="utf-8")
        records.append(extract_file(text))
    g = build_graph(records)
    towns = sorted(str(t) for t in g.subjects(RDF.type, PK.Township))
    assert len(towns) == 2 and all("/report/" in t and t.endswith("/township/城关镇") for t in towns)
    conforms, problems = validate(g)
    assert conforms, problems
