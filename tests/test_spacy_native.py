"""The extraction as a spaCy user meets it: mentions as Spans, declared components, Docs that
serialise, a saved pipeline that loads in a fresh process, several processes, displaCy."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import spacy
from spacy import displacy
from spacy.tokens import Doc

from policykg.extract.components.base import MENTION_ATTRS, SPANS_KEY, DataComponent
from policykg.extract.datafiles import bundled_file
from policykg.extract.pipeline import COMPONENTS, doc_to_record, pipe, run

LABELS = {"LAW", "DOCNUM", "AGENCY", "REGION", "PROGRAM"}


def span_table(doc: Doc) -> list[list]:
    """Every span with its label, key and attributes, as plain values."""
    return [[s.start_char, s.end_char, s.label_, s.kb_id_, {a: getattr(s._, a) for a in MENTION_ATTRS[s.label_]}]
            for s in doc.spans[SPANS_KEY]]


@pytest.fixture(scope="module")
def seed_docs(nlp, seed_documents):
    return [run(nlp, d) for d in seed_documents.values()]


def test_every_mention_is_an_exactly_aligned_span_with_its_key(seed_docs):
    for doc in seed_docs:
        group = doc.spans[SPANS_KEY]
        record = doc_to_record(doc)
        assert len(group) == len(record["mentions"]) > 0
        assert {s.label_ for s in group} <= LABELS
        for s in group:
            # mention edges fall on token edges (委机关, 我委共: tokens split where jieba did not)
            aligned = doc.char_span(s.start_char, s.end_char)
            assert (aligned.start, aligned.end) == (s.start, s.end)
            assert s.kb_id_
        canonicals = sorted((m["label"], m["canonical"]) for m in record["mentions"])
        assert canonicals == sorted((s.label_, s.kb_id_) for s in group)
        # the law's attributes live on the span
        law = next(s for s in group if s.label_ == "LAW")
        assert law._.level and law._.role and isinstance(law._.triggers, list)


def test_mentions_that_do_not_overlap_are_entities(seed_docs):
    for doc in seed_docs:
        ents = list(doc.ents)
        assert ents and {e.label_ for e in ents} <= LABELS
        assert all(a.end <= b.start for a, b in zip(ents, ents[1:]))


def test_components_declare_what_they_require_and_assign(nlp):
    analysis = nlp.analyze_pipes()
    assert all(not problems for problems in analysis["problems"].values())
    summary = analysis["summary"]
    assert list(summary) == COMPONENTS
    assert all(summary[name]["assigns"] for name in COMPONENTS)
    assert "doc._.region_context" in summary["pk_metadata"]["requires"]
    assert "doc.ents" in summary["pk_entities"]["assigns"]
    # the role classifier's tuning constants are configuration
    assert nlp.get_pipe_meta("pk_citation_roles").default_config["clause_penalty"] == 30


def test_a_processed_doc_round_trips_through_bytes(nlp, seed_docs):
    for doc in seed_docs:
        back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert span_table(back) == span_table(doc)
        assert doc_to_record(back) == doc_to_record(doc)


def test_two_processes_give_the_same_spans_as_one(nlp, seed_documents):
    documents = list(seed_documents.values())[:3]
    one = [span_table(d) for d in pipe(nlp, documents)]
    two = [span_table(d) for d in pipe(nlp, documents, n_process=2)]
    assert one == two and all(one)


def _span_rows(doc):
    return [[s.start_char, s.end_char, s.label_, s.kb_id_, s._.role if s.label_ == "LAW" else None]
            for s in doc.spans[SPANS_KEY]]


def _same_spans_in_a_fresh_process(nlp, seed_documents, tmp_path, prelude: str = "") -> None:
    """Save ``nlp``, load it with spacy.load in a new interpreter (after ``prelude``), run two seed
    reports through both, and compare every span with its key and role."""
    nlp.to_disk(tmp_path / "pipeline")
    texts = [d.text for d in list(seed_documents.values())[:2]]
    (tmp_path / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    script = textwrap.dedent(prelude) + textwrap.dedent(f"""
        import json, spacy
        nlp = spacy.load({str(tmp_path / "pipeline")!r})
        texts = json.loads(open({str(tmp_path / "texts.json")!r}, encoding="utf-8").read())
        print(json.dumps([[[s.start_char, s.end_char, s.label_, s.kb_id_, s._.role if s.label_ == "LAW" else None]
                           for s in doc.spans["policykg"]] for doc in nlp.pipe(texts)], ensure_ascii=False))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    fresh = json.loads(done.stdout.strip().splitlines()[-1])
    here = [_span_rows(doc) for doc in map(nlp, texts)]
    assert fresh == here and all(here)


def test_a_saved_pipeline_loads_in_a_fresh_process_with_the_same_spans(nlp, seed_documents, tmp_path):
    # the fresh process imports nothing of policykg itself: spacy.load finds the factories through
    # the spacy_factories entry points
    _same_spans_in_a_fresh_process(nlp, seed_documents, tmp_path)


def test_a_saved_pipeline_carries_its_lexicon_data(tmp_path):
    """The role triggers are read in initialize() from the configured file and saved with the
    pipeline: the loaded pipeline needs the file no more."""
    roles = tmp_path / "roles.yaml"
    roles.write_text("执行:\n  - 严格执行\n学习:\n  - 学习\n", encoding="utf-8")
    built = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for name in COMPONENTS:
        built.add_pipe(name, config={"roles": str(roles)} if name == "pk_citation_roles" else {})
    built.initialize()
    built.to_disk(tmp_path / "pipeline")
    roles.unlink()
    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded("严格执行《中华人民共和国行政处罚法》。")
    law = next(s for s in doc.spans[SPANS_KEY] if s.label_ == "LAW")
    assert (law._.role, law._.triggers) == ("执行", ["严格执行"])


def test_displacy_renders_the_spans(seed_docs):
    html = "".join(displacy.render(doc, style="span", options={"spans_key": SPANS_KEY}) for doc in seed_docs)
    for label in ("LAW", "AGENCY", "REGION", "PROGRAM"):
        assert label in html


# ---------------------------------------------------------------- reference data travel with the pipeline

def data_components(nlp):
    return [(name, pipe) for name, pipe in nlp.pipeline if isinstance(pipe, DataComponent)]


def test_the_config_names_every_data_file(nlp):
    """Each component's data files are config settings; null stands for the bundled file."""
    components = nlp.config["components"]
    assert {k: components["pk_laws"][k] for k in ("adcodes", "region_abbreviations", "laws", "laws_catalogue",
                                                  "doc_number_codes")} == dict.fromkeys(
        ("adcodes", "region_abbreviations", "laws", "laws_catalogue", "doc_number_codes"))
    assert {"agencies", "organ_catalogue", "adcodes"} <= set(components["pk_agencies"])
    assert {"agencies", "organ_catalogue", "adcodes"} <= set(components["pk_metadata"])
    assert "doc_number_codes" in components["pk_doc_numbers"] and "adcodes" in components["pk_regions"]
    for name, pipe in data_components(nlp):
        assert set(pipe.files) <= set(components[name]), name


def test_a_saved_pipeline_holds_each_components_data_files(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    components = data_components(nlp)
    assert {name for name, _ in components} == set(COMPONENTS) - {"pk_entities"}
    for name, pipe in components:
        for file in pipe.files.values():
            saved = tmp_path / "pipeline" / name / file
            assert saved.read_bytes() == bundled_file(file).read_bytes(), saved


def test_components_share_one_copy_of_each_resource(nlp, tmp_path):
    """The gazetteer (and the organ lexicon) is built once for all the components reading the same
    files, and a pipeline loaded from a saved copy of the same files shares it too."""
    gazetteers = {id(pipe.gaz) for _name, pipe in data_components(nlp) if hasattr(pipe, "gaz")}
    assert len(gazetteers) == 1
    assert nlp.get_pipe("pk_agencies").lex is nlp.get_pipe("pk_metadata").lex
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("pk_regions").gaz is nlp.get_pipe("pk_laws").gaz
    assert loaded.get_pipe("pk_laws").registry is nlp.get_pipe("pk_laws").registry
    assert loaded.get_pipe("pk_laws").sources["laws"].parent == tmp_path / "pipeline" / "pk_laws"


def test_a_saved_pipeline_needs_no_package_data_in_a_fresh_process(nlp, seed_documents, tmp_path):
    """With every bundled file hidden (datafiles.bundled_file raises), spacy.load of a saved
    pipeline reads only the files saved with it and finds the same spans."""
    _same_spans_in_a_fresh_process(nlp, seed_documents, tmp_path, prelude="""
        from policykg.extract import datafiles

        def hidden(name):
            raise FileNotFoundError(f"bundled {name} is hidden")

        datafiles.bundled_file = hidden
    """)


FICTIONAL_LAW = "- {name: 虚构事务管理法, level: 法律, issuer: 全国人民代表大会常务委员会, aliases: []}\n"
FICTIONAL_TEXT = "严格执行虚构事务管理法。"


def laws_in(nlp, text):
    doc = nlp(text)
    return [(s.kb_id_, s._.level, s._.in_registry) for s in doc.spans[SPANS_KEY] if s.label_ == "LAW"]


def test_a_laws_file_named_in_the_config_changes_what_is_found(tmp_path):
    """A custom laws.yaml (the bundled one plus a law) makes its law a bare name found in text; a
    pipeline saved with it keeps finding the law once the file is gone."""
    laws = tmp_path / "laws.yaml"
    laws.write_text(bundled_file("laws.yaml").read_text(encoding="utf-8") + FICTIONAL_LAW, encoding="utf-8")

    def pipeline(config):
        built = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        for name in COMPONENTS:
            built.add_pipe(name, config=config if name == "pk_laws" else {})
        return built

    assert laws_in(pipeline({}), FICTIONAL_TEXT) == []
    custom = pipeline({"laws": str(laws)})
    assert custom.config["components"]["pk_laws"]["laws"] == str(laws)
    custom.initialize()
    assert laws_in(custom, FICTIONAL_TEXT) == [("虚构事务管理法", "法律", True)]
    custom.to_disk(tmp_path / "pipeline")
    laws.unlink()
    assert laws_in(spacy.load(tmp_path / "pipeline"), FICTIONAL_TEXT) == [("虚构事务管理法", "法律", True)]
