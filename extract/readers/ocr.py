"""OCR with Tesseract (optional extra `policykg[ocr]` and Debian's tesseract-ocr and
tesseract-ocr-chi-sim), for scanned PDF pages and images only: a page with a text layer is
never OCR'd."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .base import IngestError, Limits, ReadResult, check_chars, version_of
from .layout import Line, paragraphs

LANG = "chi_sim"
DPI = 300  # for a page whose scan resolution cannot be read
DPI_RANGE = (200, 400)  # a scan is read at its own resolution, within these bounds


@lru_cache(maxsize=1)
def _tesseract():
    """pytesseract, once Tesseract and its Chinese model are known to be there; else the reason."""
    try:
        import pytesseract
    except ImportError:
        return None, "OCR needs the optional extra: pip install 'policykg[ocr]'"
    try:
        languages = pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, OSError):
        return None, "OCR needs Tesseract, which is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
    if LANG not in languages:
        return None, f"OCR needs Tesseract's {LANG} model (Debian: apt-get install tesseract-ocr-chi-sim)"
    return pytesseract, ""


def _require(path: Path, what: str):
    tess, reason = _tesseract()
    if tess is None:
        raise IngestError(str(path), f"{what} has no text layer; {reason}")
    return tess


def ocr_image(tess, image, page: int) -> tuple[list[Line], list[float]]:
    """Lines of one page image (coordinates turned to PDF's, y upwards) and word confidences."""
    # Tesseract's OpenMP threads fight our worker processes for the cores: one thread each was
    # 3x faster on 2 cores (33 s against 112 s for five pages)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = tess.image_to_data(image, lang=LANG, output_type=tess.Output.DICT)
    height = image.height
    lines: dict[tuple[int, int, int], Line] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        if not word.strip():
            continue
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        left, top = data["left"][i], data["top"][i]
        right, bottom = left + data["width"][i], top + data["height"][i]
        line = lines.get(key)
        if line is None:
            lines[key] = Line(page=page, left=left, right=right, top=height - top, bottom=height - bottom, text=word)
        else:
            line.left, line.right = min(line.left, left), max(line.right, right)
            line.top, line.bottom = max(line.top, height - top), min(line.bottom, height - bottom)
            line.text += word
    return sorted(lines.values(), key=lambda l: (-l.top, l.left)), confidences


def scan_dpi(page) -> float:
    """The resolution of the page's largest image (the scan), within DPI_RANGE."""
    import pypdfium2.raw as pdfium_c

    images = [obj.get_metadata() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])]
    if not images:
        return DPI
    dpi = max(images, key=lambda m: m.width * m.height).horizontal_dpi
    return min(max(dpi, DPI_RANGE[0]), DPI_RANGE[1]) if dpi > 0 else DPI


def ocr_pdf_pages(path: Path, pdf, indices: list[int]) -> tuple[dict[int, list[Line]], float]:
    """OCR the given pages (0-based) of an open pypdfium2 document, each rendered at the
    resolution of its scan; coordinates are scaled back to points."""
    tess = _require(path, f"page {indices[0] + 1}")
    out: dict[int, list[Line]] = {}
    confidences: list[float] = []
    for i in indices:
        scale = scan_dpi(pdf[i]) / 72
        image = pdf[i].render(scale=scale, grayscale=True).to_pil()
        lines, conf = ocr_image(tess, image, i)
        for l in lines:
            l.left, l.right, l.top, l.bottom = l.left / scale, l.right / scale, l.top / scale, l.bottom / scale
        out[i] = lines
        confidences += conf
    return out, _mean(confidences)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def read_image(path: Path, limits: Limits) -> ReadResult:
    """A scanned page as an image file (.png, .jpg, .tif; every frame of a multi-page TIFF)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    tess = _require(path, "an image")
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError) as e:
        raise IngestError(str(path), f"not a readable image ({e})")
    pages: list[list[Line]] = []
    heights: list[float] = []
    confidences: list[float] = []
    with image:
        for i, frame in enumerate(ImageSequence.Iterator(image)):
            lines, conf = ocr_image(tess, frame.convert("L"), i)
            pages.append(lines)
            heights.append(frame.height)
            confidences += conf
    text = paragraphs(pages, heights).strip()
    if not text:
        raise IngestError(str(path), "OCR found no text in the image")
    return ReadResult(text=check_chars(path, text, limits) + "\n", format="image",
                      reader=f"{version_of('pytesseract')} (Tesseract {LANG})",
                      ocr_pages=list(range(1, len(pages) + 1)), ocr_confidence=_mean(confidences))
