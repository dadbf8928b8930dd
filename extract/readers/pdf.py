"""PDF reports: the text layer read with pypdfium2 (PDFium, Apache-2.0/BSD), laid back into
paragraphs (layout.py); pages without a text layer are read by OCR (ocr.py) when it is installed."""
from __future__ import annotations

from pathlib import Path

from .base import IngestError, Limits, ReadResult, check_chars, version_of
from .layout import Line, paragraphs

# a page with fewer visible characters than this has no usable text layer (a scan)
MIN_TEXT_CHARS = 20


def _page_lines(page, index: int) -> list[Line]:
    """The page's text lines, each with the box of its characters.

    PDFium gives characters in content order and marks line ends; inside a line, runs in another
    font (the “” quotes of a Chinese text, say) can come out of place, so each line's characters
    are put back in order by their position.
    """
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()  # one character per char index; line breaks are generated chars
        lines: list[Line] = []
        start = 0
        for end in [*(i for i, c in enumerate(text) if c == "\n"), len(text)]:
            placed = [(textpage.get_charbox(i), text[i]) for i in range(start, end) if text[i] not in "\r\n"]
            start = end + 1
            inked = [(box, c) for box, c in placed if not c.isspace()]
            if not inked:
                continue
            ordered = sorted(placed, key=lambda bc: bc[0][0])
            lines.append(Line(page=index, left=min(b[0] for b, _ in inked), right=max(b[2] for b, _ in inked),
                              top=max(b[3] for b, _ in inked), bottom=min(b[1] for b, _ in inked),
                              text="".join(c for _, c in ordered)))
        return lines
    finally:
        textpage.close()


def read_pdf(path: Path, limits: Limits) -> ReadResult:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise IngestError(str(path), f"not a readable PDF ({e})")
    try:
        pages: list[list[Line]] = []
        heights: list[float] = []
        scanned: list[int] = []
        for i in range(len(pdf)):
            page = pdf[i]
            heights.append(page.get_size()[1])
            lines = _page_lines(page, i)
            if sum(len(l.text.strip()) for l in lines) < MIN_TEXT_CHARS:
                scanned.append(i)
            pages.append(lines)
        ocr_confidence = None
        if scanned:
            from .ocr import ocr_pdf_pages

            ocr_lines, ocr_confidence = ocr_pdf_pages(path, pdf, scanned)
            for i in scanned:
                pages[i] = ocr_lines[i]
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
    finally:
        pdf.close()
    text = paragraphs(pages, heights).strip()
    if not text:
        raise IngestError(str(path), "the PDF holds no text")
    reader = version_of("pypdfium2") + (" + Tesseract OCR" if scanned else "")
    return ReadResult(text=check_chars(path, text, limits) + "\n", format="pdf", reader=reader, title=title,
                      ocr_pages=[i + 1 for i in scanned], ocr_confidence=ocr_confidence)
