"""Pages made of existing material: an HTML page (or mini-site) shown in a frame, a PDF
embedded with its text summary and a download link. The module's runtime counts
them as seen like any other page."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from packager.course.html_pages import collect_site
from packager.course.markdown import RenderedPage, new_window_mention


def _size_text(size: int, language: str) -> str:
    english = language.lower().startswith("en")
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} {'KB' if english else 'Ko'}"
    value = f"{size / (1024 * 1024):.1f}"
    return f"{value if english else value.replace('.', ',')} {'MB' if english else 'Mo'}"


def html_page(root: Path, file: str, title: str, strings: dict[str, str], url_prefix: str) -> RenderedPage:
    """An HTML page in a frame, with every file it needs; a link opens it full size."""
    assets, problems = collect_site(root, file)
    url = html.escape(url_prefix + quote(file))
    body = (
        f'<iframe class="pc-embedded" src="{url}" title="{html.escape(title)}" loading="lazy"></iframe>\n'
        f'<p class="pc-embedded-link"><a href="{url}" target="_blank" rel="noopener">'
        f'{html.escape(strings["open_page"].format(title=title))}{new_window_mention(strings)}</a></p>\n'
    )
    page = RenderedPage(title=title, html=body, assets=assets)
    page.linked_problems.extend(problems)
    return page


def pdf_page(root: Path, file: str, title: str, summary: str, strings: dict[str, str], url_prefix: str,
             language: str) -> RenderedPage:
    """A PDF shown in the page, after its text summary, with a download link that gives its size."""
    url = html.escape(url_prefix + quote(file))
    paragraphs = "".join(f"<p>{html.escape(' '.join(block.split()))}</p>\n"
                         for block in summary.strip().split("\n\n") if block.strip())
    size = _size_text((root / file).stat().st_size, language)
    label = strings["download_pdf"].format(title=title, size=size)
    body = (
        f'<div class="pc-summary">\n{paragraphs}</div>\n'
        f'<iframe class="pc-embedded pc-pdf" src="{url}" title="{html.escape(title)} (PDF)" loading="lazy"></iframe>\n'
        f'<p class="pc-embedded-link"><a href="{url}" target="_blank" rel="noopener">'
        f'{html.escape(label)}{new_window_mention(strings)}</a></p>\n'
    )
    return RenderedPage(title=title, html=body, assets={file})
