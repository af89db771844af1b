"""Existing material reused as it is: an HTML page or mini-site, with the files it needs.

An HTML page is packaged with every local file it references (style sheets, images,
scripts, the pages it links to and theirs in turn), so that the page works inside
the package exactly as it did in the course folder. Every missing or escaping
reference is reported with the course-folder path and line where it is written.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from packager.messages import Bilingual, msg

HTML_SUFFIXES = (".html", ".htm")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")
_REFERENCES = {("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("video", "src"),
               ("video", "poster"), ("audio", "src"), ("track", "src"), ("iframe", "src"), ("a", "href"),
               ("area", "href"), ("object", "data"), ("embed", "src"), ("input", "src")}

Problem = tuple[str, int | None, Bilingual]  # course-relative file, line, message


class _References(HTMLParser):
    """The URLs of one page, with their lines, and its <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int]] = []
        self.title = ""
        self._in_title = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in _REFERENCES:
                self.found.append((value.strip(), line))
            elif name == "srcset":
                self.found.extend((part.strip().split(" ")[0], line) for part in value.split(",") if part.strip())
            elif name == "style":
                self.found.extend((url, line) for url in css_urls(value))
        self._in_title = tag == "title"
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._in_style:
            line = self.getpos()[0]
            self.found.extend((url, line) for url in css_urls(data))


def css_urls(text: str) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in _CSS_URL.finditer(text)]


def is_local(url: str) -> bool:
    """A reference to a file of the course (not an anchor, an outside address or inline data)."""
    parts = urlsplit(url)
    return bool(url) and not url.startswith("#") and not parts.scheme and not parts.netloc


def page_title(path: Path) -> str:
    """The text of an HTML page's <title>, or an empty text."""
    parser = _References()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return " ".join(parser.title.split())


def collect_site(root: Path, start: str) -> tuple[set[str], list[Problem]]:
    """Every course file that the HTML page `start` needs, followed through the pages and
    style sheets it references; and the references that are missing or leave the course."""
    found: set[str] = {start}
    problems: list[Problem] = []
    queue = [start]
    while queue:
        current = queue.pop()
        path = root / current
        text = path.read_text(encoding="utf-8", errors="replace")
        if current.lower().endswith(".css"):
            references = [(url, _line_of(text, url)) for url in css_urls(text)]
        else:
            parser = _References()
            parser.feed(text)
            references = parser.found
        for url, line in references:
            if not is_local(url):
                continue
            relative = _resolve(root, current, url)
            if relative is None:
                problems.append((current, line, msg("outside_course", file=url)))
            elif not (root / relative).is_file():
                problems.append((current, line, msg("reference_missing", value=url, file=relative)))
            elif relative not in found:
                found.add(relative)
                if relative.lower().endswith(HTML_SUFFIXES + (".css",)):
                    queue.append(relative)
    return found, problems


def _resolve(root: Path, page: str, url: str) -> str | None:
    target = (root / PurePosixPath(page).parent / unquote(urlsplit(url).path)).resolve()
    try:
        return target.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None
