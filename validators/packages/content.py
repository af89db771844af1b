"""Content checks on the pages and style sheets of a package: parsing, accessibility, references.

Pages are read straight from the package (bounded), parsed with the standard
library's tolerant HTML tokenizer, and every reference they make is resolved the
way a browser would: missing files, wrong case, and anything fetched from another
host (it breaks offline platforms and tells that host who is learning what).
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from validators.findings import Finding, Severity
from validators.packages.catalog import Bilingual, bilingual, finding
from validators.packages.refs import folder_of, lookup, resolve
from validators.packages.source import TEXT_LIMIT, EntryUnreadable, PackageSource, is_junk
from validators.xapi.syntax import is_language_tag

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
CSS_SUFFIXES = (".css",)
MAX_MALFORMED_PER_FILE = 5

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "keygen", "command", "basefont", "frame", "isindex", "image"}
# End tags the HTML syntax lets authors leave out.
_OPTIONAL_END = {"html", "head", "body", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option",
                 "optgroup", "colgroup", "caption", "rt", "rp", "rb", "rtc"}
# Elements whose URL attribute the browser fetches by itself, as opposed to links the learner follows.
_FETCHED = {("img", "src"), ("script", "src"), ("iframe", "src"), ("frame", "src"), ("video", "src"),
            ("video", "poster"), ("audio", "src"), ("source", "src"), ("track", "src"), ("embed", "src"),
            ("object", "data"), ("input", "src")}
_LINK_FETCHED = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon",
                 "shortcut"}
_FOLLOWED = {("a", "href"), ("area", "href")}
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")


def check_content(source: PackageSource, entry_points: set[str] | None = None) -> list[Finding]:
    """Check every page and style sheet; `entry_points` are the pages the descriptor launches or lists.

    A missing file referenced from one of those pages breaks what learners see (error); from
    a page nothing launches, or from a style sheet, it degrades it (warning).
    """
    found: list[Finding] = []
    for name in source.names():
        if is_junk(name):
            continue
        lower = name.lower()
        if not lower.endswith(HTML_SUFFIXES + CSS_SUFFIXES):
            continue
        try:
            data = source.read(name)
        except EntryUnreadable as error:
            found.append(finding("ZIP-ENTRY-UNREADABLE", file=name, name=name, reason=str(error)))
            continue
        if lower.endswith(HTML_SUFFIXES):
            launched = entry_points is None or name in entry_points
            found.extend(check_html(data, name, source, missing="error" if launched else "warning"))
        else:
            found.extend(check_css(data, name, source))
    return found


def decode_page(data: bytes, name: str) -> tuple[str, list[Finding]]:
    """The page's text, decoded the way a browser would; a finding if it had to guess."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, "replace").lstrip("\ufeff"), []
    head = data[:4096]
    declared = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), "replace"), []
        except LookupError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), [finding("HTML-ENCODING", file=name, line=1)]


def check_html(data: bytes, name: str, source: PackageSource | None,
               missing: Severity = "error") -> list[Finding]:
    text, found = decode_page(data, name)
    page = _PageParser(name)
    try:
        page.feed(text)
        page.close()
    except Exception as error:  # the tokenizer is tolerant; this is a last resort, not a crash
        found.append(finding("HTML-MALFORMED", file=name, line=page.getpos()[0], detail=str(error)))
    # A page longer than the read limit is cut short: its open elements say nothing.
    document_findings = page.finish(truncated=len(data) >= TEXT_LIMIT)
    found.extend(page.findings)
    found.extend(document_findings)
    if source is not None:
        found.extend(_references(page.references, page.base, name, source, missing))
    return found


def check_css(data: bytes, name: str, source: PackageSource | None) -> list[Finding]:
    if source is None:
        return []
    text = data.decode("utf-8", "replace")
    references = [(element, "url", url, line) for element, url, line in _css_references(text, 1)]
    return _references(references, folder_of(name), name, source, "warning")


def _css_references(text: str, first_line: int) -> list[tuple[str, str, int]]:
    found = []
    for match in _CSS_URL.finditer(text):
        url = next((group for group in match.groups() if group is not None), "")
        found.append(("style", url, first_line + text.count("\n", 0, match.start())))
    return found


class _PageParser(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.findings: list[Finding] = []
        self.references: list[tuple[str, str, str, int]] = []  # element, attribute, url, line
        self.base = folder_of(name)
        self.stack: list[tuple[str, int]] = []
        self.malformed = 0
        self.has_document = False
        self.html_lang: str | None = None
        self.html_line = 1
        self.has_title = False
        self.media: list[dict] = []
        self.in_style = False

    # --- tokens ------------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        attributes = {key: (value or "") for key, value in attrs}
        self._element(tag, attributes, line)
        if tag not in _VOID:
            self.stack.append((tag, line))
            if tag == "style":
                self.in_style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, {key: (value or "") for key, value in attrs}, self.getpos()[0])
        if tag in ("video", "audio"):
            self._close_media(tag)

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in _VOID:
            return
        if tag == "style":
            self.in_style = False
        if tag in ("video", "audio"):
            self._close_media(tag)
        if not any(open_tag == tag for open_tag, _ in self.stack):
            if tag not in _OPTIONAL_END:
                self._malformed(line, bilingual(f"</{tag}> sans <{tag}> ouvert", f"</{tag}> with no open <{tag}>"))
            return
        while self.stack:
            open_tag, open_line = self.stack.pop()
            if open_tag == tag:
                break
            if open_tag not in _OPTIONAL_END:
                self._malformed(open_line, bilingual(f"<{open_tag}> non fermé avant </{tag}>",
                                                     f"<{open_tag}> not closed before </{tag}>"))

    def handle_data(self, data: str) -> None:
        if self.in_style:
            line = self.getpos()[0]
            for element, url, ref_line in _css_references(data, line):
                self.references.append((element, "url", url, ref_line))
        elif self.stack and self.stack[-1][0] == "title" and data.strip():
            self.has_title = True

    # --- checks -----------------------------------------------------------------------------------
    def _element(self, tag: str, attributes: dict[str, str], line: int) -> None:
        if tag in ("html", "head", "body"):
            self.has_document = True
        if tag == "html":
            self.html_lang = attributes.get("lang") or attributes.get("xml:lang")
            self.html_line = line
        elif tag == "base" and "href" in attributes:
            ref = resolve(attributes["href"], folder_of(self.name))
            self.base = ref.path if ref.kind == "local" and ref.path.endswith("/") else (
                folder_of(ref.path) if ref.kind == "local" else "\x00external")
        elif tag == "img" and "alt" not in attributes and not _hidden(attributes):
            self.findings.append(finding("HTML-IMG-ALT", file=self.name, line=line, src=attributes.get("src", "")))
        elif tag in ("iframe", "frame") and not (attributes.get("title", "").strip() or attributes.get("aria-label")):
            if not _hidden(attributes):
                self.findings.append(finding("HTML-IFRAME-TITLE", file=self.name, line=line,
                                             src=attributes.get("src", "")))
        elif tag in ("video", "audio"):
            self.media.append({"tag": tag, "line": line, "src": attributes.get("src", ""), "track": False})
        elif tag == "source" and self.media and not self.media[-1]["src"]:
            self.media[-1]["src"] = attributes.get("src", "")
        elif tag == "track" and self.media:
            if attributes.get("kind", "subtitles").lower() in ("captions", "subtitles", "descriptions"):
                self.media[-1]["track"] = True
        if "style" in attributes:
            for element, url, ref_line in _css_references(attributes["style"], line):
                self.references.append((tag, "style", url, ref_line))
        licence = tag == "a" and "license" in attributes.get("rel", "").lower().split()
        for attribute, value in attributes.items():
            if licence and attribute == "href":
                continue  # the licence a package declares is metadata, not a link out of the course
            if (tag, attribute) in _FETCHED or (tag, attribute) in _FOLLOWED:
                self.references.append((tag, attribute, value, line))
            elif tag == "link" and attribute == "href":
                rel = set(attributes.get("rel", "").lower().split())
                if rel & _LINK_FETCHED:
                    self.references.append(("link", "href", value, line))
            elif attribute == "srcset" and tag in ("img", "source"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.references.append((tag, "srcset", url, line))

    def _close_media(self, tag: str) -> None:
        for index in range(len(self.media) - 1, -1, -1):
            if self.media[index]["tag"] == tag:
                self._judge_media(self.media.pop(index))
                return

    def _judge_media(self, media: dict) -> None:
        if media["track"]:
            return
        code = "HTML-MEDIA-CAPTIONS" if media["tag"] == "video" else "HTML-AUDIO-TRANSCRIPT"
        self.findings.append(finding(code, file=self.name, line=media["line"], src=media["src"]))

    def _malformed(self, line: int, detail: Bilingual) -> None:
        self.malformed += 1
        if self.malformed <= MAX_MALFORMED_PER_FILE:
            self.findings.append(finding("HTML-MALFORMED", file=self.name, line=line, detail=detail))

    def finish(self, truncated: bool = False) -> list[Finding]:
        found: list[Finding] = []
        for media in self.media:
            self._judge_media(media)
        self.media = []
        for open_tag, open_line in [] if truncated else self.stack:
            if open_tag not in _OPTIONAL_END:
                self._malformed(open_line, bilingual(f"<{open_tag}> jamais fermé", f"<{open_tag}> never closed"))
        if self.has_document:
            if not self.html_lang:
                found.append(finding("HTML-LANG-MISSING", file=self.name, line=self.html_line))
            elif not is_language_tag(self.html_lang):
                found.append(finding("HTML-LANG-INVALID", file=self.name, line=self.html_line, value=self.html_lang))
            if not self.has_title:
                found.append(finding("HTML-TITLE-MISSING", file=self.name, line=self.html_line))
        return found


def _hidden(attributes: dict[str, str]) -> bool:
    return attributes.get("aria-hidden") == "true" or attributes.get("role") in ("presentation", "none")


def _references(references: list[tuple[str, str, str, int]], base: str, name: str,
                source: PackageSource, missing: Severity) -> list[Finding]:
    found: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    for element, attribute, url, line in references:
        if base == "\x00external":
            break
        ref = resolve(url, base)
        key = (ref.kind, url)
        if key in reported:
            continue
        fetched = (element, attribute) not in _FOLLOWED
        if ref.kind == "external":
            reported.add(key)
            if not fetched:
                found.append(finding("CONTENT-EXTERNAL-LINK", file=name, line=line, url=url))
                continue
            found.append(finding("CONTENT-EXTERNAL-RESOURCE", file=name, line=line, element=element, url=url,
                                 host=ref.host or "?"))
            if ref.scheme == "http":
                found.append(finding("CONTENT-INSECURE", file=name, line=line, url=url))
        elif ref.kind in ("absolute-path", "outside"):
            reported.add(key)
            found.append(finding("CONTENT-REF-OUTSIDE", file=name, line=line, url=url, severity=missing))
        elif ref.kind == "local":
            status, actual = lookup(source, ref.path)
            if status == "case":
                reported.add(key)
                found.append(finding("CONTENT-REF-CASE", file=name, line=line, url=url, actual=actual,
                                     severity=missing))
            elif status == "missing":
                reported.add(key)
                found.append(finding("CONTENT-REF-MISSING", file=name, line=line, url=url, severity=missing))
    return found
