"""Reading reports: encodings, normalisation, sentences with offsets into the original text,
and bad files reported by name."""
import pytest

from policykg.extract.ingest import IngestError, normalise, read_document

TEXT = "北碚区卫生健康委员会2021年推进\n\n法治政府建设工作报告\n[bookmark: _GoBack]2021年，我委学习《中华人民共和国宪法》。依据《传染病防治法》查处案件３件；罚款1,000元！\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_every_common_chinese_encoding_reads_back(tmp_path, encoding):
    f = tmp_path / "r.txt"
    data = TEXT.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
    f.write_bytes(data)
    d = read_document(f)
    assert d.raw.lstrip("\ufeff") == TEXT
    assert "宪法" in d.text


def test_normalisation_keeps_an_offset_map_into_the_raw_text():
    text, idx = normalise(TEXT)
    assert "[bookmark" not in text
    assert text.startswith("北碚区卫生健康委员会2021年推进法治政府建设工作报告\n")  # broken title joined
    assert "3件" in text  # full-width digit folded
    assert "1,000" in text  # a comma between digits stays ASCII
    for i, c in enumerate(text):
        if c.isalnum() and ord(c) < 0x3000 and not c.isascii():
            continue
        if TEXT[idx[i]] == c:
            continue
        assert TEXT[idx[i]] in "３\n，," or c in "，"


def test_normalisation_maps_each_character_of_a_run_and_of_what_it_rewrites():
    # runs of ordinary characters are copied whole; NFC still applies inside them (a CJK
    # compatibility ideograph, U+F900, is its unified form), and CRLF, layout spaces between
    # Chinese characters and half-width brackets are rewritten with their offsets kept
    raw = "依法\uf900行政\r\n第 一 条(一)规定\u3000ABC DEF"
    text, idx = normalise(raw)
    assert text == "依法\u8c48行政\n第一条（一）规定ABC DEF"
    assert [raw[i] for i in idx[:-1]] == ["依", "法", "\uf900", "行", "政", "\n", "第", "一", "条", "(", "一", ")",
                                          "规", "定", "A", "B", "C", " ", "D", "E", "F"]
    assert idx[-1] == len(raw)


def test_sentences_point_at_the_original_text(seed_documents):
    for d in seed_documents.values():
        assert len(d.sentences) > 20
        for s in d.sentences:
            raw = d.raw[s.start:s.end]
            assert raw[:1] == s.text[:1] or not raw[:1].isalnum()
            assert "《" not in s.text or s.text.count("《") >= s.text.count("》") - 1


def test_sentences_do_not_break_inside_titles():
    from policykg.extract.ingest import document_from_text

    d = document_from_text("学习《关于X。Y的通知》等文件。开展培训。")
    assert [s.text for s in d.sentences] == ["学习《关于X。Y的通知》等文件。", "开展培训。"]


@pytest.mark.parametrize("content,reason", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03" * 500, "binary"),
    (b"hello world, no Chinese here", "no Chinese text"),
])
def test_bad_files_are_named_with_the_problem(tmp_path, content, reason):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(IngestError) as e:
        read_document(f)
    assert e.value.path.endswith("bad.txt") and reason in e.value.reason


def test_missing_file_is_an_ingest_error(tmp_path):
    with pytest.raises(IngestError):
        read_document(tmp_path / "nope.txt")


def test_a_missing_converter_is_named(tmp_path, monkeypatch):
    from policykg.extract.readers import office

    monkeypatch.setattr(office, "soffice", lambda: None)
    f = tmp_path / "report.wps"
    f.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    with pytest.raises(IngestError) as e:
        read_document(f)
    assert "needs LibreOffice" in e.value.reason and "libreoffice-writer-nogui" in e.value.reason


def test_a_scan_without_ocr_installed_says_what_to_install(tmp_path, monkeypatch):
    from policykg.extract.readers import ocr

    monkeypatch.setattr(ocr, "_tesseract", lambda: (None, "OCR needs Tesseract, which is not installed"))
    f = tmp_path / "scan.png"
    from PIL import Image

    Image.new("L", (200, 100), 255).save(f)
    with pytest.raises(IngestError) as e:
        read_document(f)
    assert "has no text layer" in e.value.reason and "Tesseract" in e.value.reason


def test_a_file_over_the_size_limit_is_named_unread(tmp_path):
    from policykg.extract.readers import Limits

    f = tmp_path / "big.txt"
    f.write_bytes("报告".encode() * 2000)
    with pytest.raises(IngestError) as e:
        read_document(f, Limits(max_file_bytes=1000))
    assert "over the limit" in e.value.reason
    with pytest.raises(IngestError) as e:
        read_document(f, Limits(max_chars=100))
    assert "characters" in e.value.reason


def test_a_stray_byte_is_replaced_with_a_warning(seed_paths, tmp_path):
    raw = seed_paths[0].read_bytes()
    cut = raw.index("。".encode()) + 3  # a character boundary
    f = tmp_path / "damaged.txt"
    f.write_bytes(raw[:cut] + b"\xff" + raw[cut:])
    d = read_document(f)
    assert "\ufffd" in d.raw and d.source.warnings == [
        f"1 byte sequence not valid UTF-8 replaced by U+FFFD (first at byte {cut})"]
