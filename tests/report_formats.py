"""Turn a real report (.txt) into the formats governments publish, at test time: .docx
(python-docx), .doc and .pdf (LibreOffice), a government web page with navigation, breadcrumb
and footer naming other agencies, and an image-only PDF (a scan) for OCR. Nothing converted is
committed: the seeds stay in ../shared."""
from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

# agencies the page chrome names; none may reach the extraction
CHROME_AGENCIES = ("市财政局", "市公安局", "区教育委员会", "市生态环境局", "区人力资源和社会保障局", "市大数据发展管理局")


def report_lines(txt: Path) -> list[str]:
    from policykg.extract.ingest import read_document

    return [line.strip() for line in read_document(txt).raw.splitlines() if line.strip()]


def write_docx(lines: list[str], out: Path) -> Path:
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{CHROME_AGENCIES[0]}内部资料"  # running header: never body text
    section.footer.paragraphs[0].text = f"{CHROME_AGENCIES[1]}印发"
    for line in lines:
        document.add_paragraph(line)
    document.save(str(out))
    return out


def libreoffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    profile = (outdir / ".lo-profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt, "--outdir",
                    str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    return outdir / f"{src.stem}.{fmt.split(':')[0]}"


def write_web_page(lines: list[str], out: Path, url: str, published: str, charset: str = "utf-8") -> Path:
    """A page in the shape of a Chinese government CMS: menus, breadcrumb, meta tags, share bar, footer."""
    title = html.escape(lines[0])
    nav = "".join(f'<li><a href="/{i}.html">{html.escape(a)}</a></li>' for i, a in enumerate(CHROME_AGENCIES))
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_政务公开_人民政府门户网站</title>
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{published} 09:30">
<meta name="ContentSource" content="{html.escape(CHROME_AGENCIES[2])}">
<link rel="canonical" href="{url}"></head>
<body><div class="header"><ul class="nav">{nav}</ul><form class="search"><input name="q"></form></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; {html.escape(CHROME_AGENCIES[3])}</div>
<div class="main"><div class="side"><h3>相关链接</h3><ul>{nav}</ul></div>
<div class="article"><h1>{title}</h1><div class="info">发布时间：{published} 来源：{html.escape(CHROME_AGENCIES[4])} 浏览次数：128</div>
<div class="TRS_Editor">{body}</div>
<div class="share">分享到：微信 微博 QQ空间</div></div></div>
<div class="footer"><p>主办单位：{html.escape(CHROME_AGENCIES[5])} 网站标识码：5001090001</p><p>版权所有 ICP备案号：渝ICP备00000000号</p></div>
</body></html>"""
    out.write_bytes(page.encode(charset, errors="xmlcharrefreplace"))
    return out


def write_scanned_pdf(pdf: Path, out: Path, dpi: int = 200) -> Path:
    """An image-only PDF: each page of ``pdf`` rendered to a bitmap, no text layer left."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = [document[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(document))]
    document.close()
    images[0].save(str(out), save_all=True, append_images=images[1:], resolution=dpi)
    return out
