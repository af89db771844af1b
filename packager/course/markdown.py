"""Course pages: Markdown to HTML fragments, with the checks that keep them accessible.

CommonMark + tables, admonitions (`::: note`), images that must carry alt text,
audio and video through a fenced `media` block that must name a WebVTT captions
file, and local links (PDFs…) that must exist. Raw HTML is off: authors write
Markdown, and the pages stay safe and consistent.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from packager.course.html_pages import HTML_SUFFIXES, collect_site
from packager.course.yaml_errors import explain
from packager.layout import ASSET_DIR
from packager.messages import msg
from packager.strings import interface_strings
from validators.bilingual import Text
from validators.xapi import is_language_tag

ADMONITIONS = ("note", "tip", "important", "warning", "caution")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
               ".wav": "audio/wav", ".m4a": "audio/mp4"}
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")  # what every browser shows in an <img>
# fence names an author may mean as ```media: the player would be dropped for a code block
MEDIA_LOOKALIKES = ("medias", "média", "médias", "video", "vidéo", "audio")
MEDIA_KEYS = ("src", "captions", "title", "language")
COURSE_SOURCES = (".md", ".yaml", ".yml")  # course material that the build turns into pages and quizzes
_CUE_TIMING = re.compile(r"^\s*(\d+:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(\d+:)?\d{2}:\d{2}\.\d{3}")
_ADMONITION_RE = re.compile(r"^(\w+)(?:\s+(.*))?$")
NEW_WINDOW = {"target": "_blank", "rel": "noopener"}
# Raw HTML authors may write in Markdown: text-level and structural elements that
# carry no script, no style and nothing loaded from elsewhere.
SAFE_TAGS = frozenset({
    "abbr", "b", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "i", "ins", "kbd", "mark", "p", "q", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "var",
})
SAFE_ATTRIBUTES = frozenset({"lang", "title", "dir", "class", "datetime", "cite", "open", "scope", "colspan",
                             "rowspan", "abbr"})


class _HtmlCheck(HTMLParser):
    """The first element or attribute of a raw HTML snippet that is outside the safe subset."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refused: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.refused:
            return
        if tag not in SAFE_TAGS:
            self.refused = f"<{tag}>"
            return
        for name, _value in attrs:
            if name not in SAFE_ATTRIBUTES:
                self.refused = f"<{tag} {name}=…>"
                return

    def handle_endtag(self, tag: str) -> None:
        if not self.refused and tag not in SAFE_TAGS:
            self.refused = f"</{tag}>"

    def handle_pi(self, data: str) -> None:
        self.refused = self.refused or f"<?{data}>"


def refused_html(text: str) -> str | None:
    """What is not allowed in a raw HTML snippet of a page (None: all of it is allowed)."""
    checker = _HtmlCheck()
    checker.feed(text)
    checker.close()
    return checker.refused


def new_window_mention(strings: dict[str, str]) -> str:
    """The mention ending a link that opens a new window: read aloud, shown as an arrow."""
    return (f'<span class="pc-new-window"><span class="pc-sr-only"> {html.escape(strings["new_window"])}</span>'
            f'<span aria-hidden="true"> ↗</span></span>')


@dataclass
class RenderedPage:
    title: str
    html: str
    assets: set[str] = field(default_factory=set)  # course-relative paths
    problems: list[tuple[int | None, Text]] = field(default_factory=list)
    # problems in the HTML pages and style sheets the page links to: (course-relative file, line, message)
    linked_problems: list[tuple[str, int | None, Text]] = field(default_factory=list)


def _admonition_validate(params: str, *args: object) -> bool:
    # any word opens a box, so that a misspelt type is reported rather than shown as text
    return bool(_ADMONITION_RE.match(params.strip()))


def _parser(language: str) -> MarkdownIt:
    strings = interface_strings(language)
    # raw HTML is parsed so that it can be checked: the safe subset is kept, the rest refused
    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")

    def render_open(self, tokens: list[Token], idx: int, options: object, env: dict) -> str:
        token = tokens[idx]
        if token.nesting != 1:
            return "</div></aside>\n"
        match = _ADMONITION_RE.match(token.info.strip())
        kind = match.group(1).lower() if match else "note"
        title = (match.group(2) if match else None) or strings[f"admonition_{kind}" if kind in ADMONITIONS else "admonition_note"]
        css_kind = kind if kind in ADMONITIONS else "note"
        return (
            f'<aside class="pc-admonition pc-{css_kind}">'
            f'<p class="pc-admonition-title">{html.escape(title)}</p><div>\n'
        )

    md.use(container_plugin, name="admonition", marker=":", validate=_admonition_validate, render=render_open)
    return md


def _closes_container(lines: list[str], end_line: int) -> bool:
    """Whether the container running to `end_line` (the page's end) ends with its `:::`
    line: unclosed, markdown-it runs it to the end and the rest of the page falls in it."""
    return bool(lines) and lines[min(end_line, len(lines)) - 1].strip().startswith(":::")


def _container_name(token: Token) -> str:
    match = _ADMONITION_RE.match(token.info.strip())
    return match.group(1).lower() if match else ""


def _is_external(target: str) -> bool:
    parts = urlsplit(target)
    return bool(parts.scheme or parts.netloc)


def _resolve(course_root: Path, page_file: Path, target: str) -> str | None:
    """The course-relative POSIX path of a local target, or None if it leaves the course."""
    path = (page_file.parent / unquote(urlsplit(target).path)).resolve()
    try:
        return PurePosixPath(path.relative_to(course_root.resolve()).as_posix()).as_posix()
    except ValueError:
        return None


def _inline_lines(token: Token) -> list[int]:
    """The source line (1-based) of each child of an inline token."""
    start = (token.map[0] if token.map else 0) + 1
    lines, current = [], start
    for child in token.children or []:
        lines.append(current)
        if child.type in ("softbreak", "hardbreak"):
            current += 1
        elif child.content:
            current += child.content.count("\n")
    return lines


def read_captions(path: Path) -> list[str] | None:
    """The cue texts of a WebVTT file, or None if the file is not WebVTT; raises
    UnicodeDecodeError if it is not UTF-8 (WebVTT's only encoding)."""
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    if not lines or not lines[0].startswith("WEBVTT"):
        return None
    cues: list[str] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    for block in blocks[1:]:
        rows = block.strip().split("\n")
        if not rows or rows[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        for index, row in enumerate(rows):
            if _CUE_TIMING.match(row):
                cue = " ".join(r.strip() for r in rows[index + 1 :] if r.strip())
                cue = html.unescape(re.sub(r"<[^>]+>", "", cue))  # voice and styling tags; &amp; and the like
                if cue:
                    cues.append(cue)
                break
    return cues


class PageRenderer:
    """Renders the pages of one course; knows the package layout to rewrite local URLs."""

    def __init__(self, course_root: Path, language: str, url_prefix: str = f"../../{ASSET_DIR}/"):
        self.root = course_root
        self.language = language
        self.strings = interface_strings(language)
        self.url_prefix = url_prefix  # from modules/<key>/index.html to the course files
        self.md = _parser(language)

    def render(self, page_file: Path) -> RenderedPage:
        source = page_file.read_text(encoding="utf-8-sig")  # a byte order mark is not text
        tokens = self.md.parse(source)
        lines = source.splitlines()
        page = RenderedPage(title="", html="")
        self._check_headings(tokens, page)
        for index, token in enumerate(tokens):
            if token.type == "inline":
                self._inline(token, page_file, page)
            elif token.type == "fence" and token.info.strip().split(" ")[0] == "media":
                tokens[index] = self._media(token, page_file, page)
            elif token.type == "fence" and token.info.strip().split(" ")[0].lower() in MEDIA_LOOKALIKES:
                page.problems.append((_line(token), msg("media_fence_name", value=token.info.strip().split(" ")[0])))
            elif token.type == "html_block":
                self._check_html(token.content, _line(token), page)
            elif token.type == "container_admonition_open":
                kind = _container_name(token)
                if kind not in ADMONITIONS:
                    page.problems.append(
                        (_line(token), msg("unknown_admonition", value=kind, choices=", ".join(ADMONITIONS)))
                    )
                elif token.map and token.map[1] >= len(lines) and not _closes_container(lines, token.map[1]):
                    page.problems.append((_line(token), msg("unclosed_admonition", value=kind)))
        body = tokens
        if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
            page.title = _plain_text(tokens[1])
            body = tokens[3:]
        page.html = self.md.renderer.render(body, self.md.options, {})
        return page

    def _check_headings(self, tokens: list[Token], page: RenderedPage) -> None:
        headings = [t for t in tokens if t.type == "heading_open"]
        if not tokens or tokens[0].type != "heading_open" or tokens[0].tag != "h1":
            page.problems.append((_line(tokens[0]) if tokens else 1, msg("page_needs_title")))
        for index, token in enumerate(tokens[:-1]):
            if token.type == "heading_open" and not _plain_text(tokens[index + 1]):
                page.problems.append((_line(token), msg("empty_heading")))  # an empty entry in the outline
        previous = 1
        for heading in headings[1:]:
            level = int(heading.tag[1])
            if level == 1:
                page.problems.append((_line(heading), msg("second_h1")))
            elif level > previous + 1:
                page.problems.append((_line(heading), msg("heading_skip", level=level, previous=previous)))
            previous = level

    def _inline(self, token: Token, page_file: Path, page: RenderedPage) -> None:
        for child, line in zip(token.children or [], _inline_lines(token)):
            if child.type == "html_inline":
                self._check_html(child.content, line, page)
            elif child.type == "image":
                src = str(child.attrs.get("src", ""))
                if _is_external(src):
                    page.problems.append((line, msg("image_external", file=src)))
                    continue
                if not "".join(c.content for c in child.children or []).strip():
                    page.problems.append((line, msg("image_alt", file=src)))
                if PurePosixPath(urlsplit(src).path).suffix.lower() not in IMAGE_SUFFIXES:
                    page.problems.append((line, msg("image_type", file=unquote(src))))
                    continue
                self._local(src, page_file, page, line, child, "src", "media_missing")
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if href.startswith("#"):
                    continue
                if _is_external(href):
                    if urlsplit(href).scheme.lower() in ("http", "https"):
                        child.attrs.update(NEW_WINDOW)
                    continue
                if PurePosixPath(urlsplit(href).path).suffix.lower() in COURSE_SOURCES:
                    # the source of a page or a quiz (its answers): not something to hand learners
                    page.problems.append((line, msg("link_to_source", file=href)))
                    continue
                relative = self._local(href, page_file, page, line, child, "href", "link_missing")
                if relative:
                    child.attrs.update(NEW_WINDOW)  # a download or a page of its own: the module stays open
                    if relative.lower().endswith(HTML_SUFFIXES):
                        site, problems = collect_site(self.root, relative)  # the page brings its own files
                        page.assets.update(site)
                        page.linked_problems.extend(problems)
        self._mention_new_windows(token)

    def _mention_new_windows(self, token: Token) -> None:
        """Links that open a new window say so in their name (RGAA 13.2), e.g. "Fiche (nouvelle fenêtre)"."""
        children = token.children or []
        result: list[Token] = []
        pending: list[bool] = []
        for child in children:
            if child.type == "link_open":
                pending.append(child.attrs.get("target") == "_blank")
            elif child.type == "link_close" and pending and pending.pop():
                mention = Token("html_inline", "", 0)
                mention.content = new_window_mention(self.strings)
                result.append(mention)
            result.append(child)
        token.children = result

    def _check_html(self, text: str, line: int | None, page: RenderedPage) -> None:
        refused = refused_html(text)
        if refused:
            page.problems.append((line, msg("raw_html", value=refused, choices=", ".join(sorted(SAFE_TAGS)))))

    def _local(self, target: str, page_file: Path, page: RenderedPage, line: int,
               token: Token, attr: str, missing_code: str) -> str | None:
        relative = _resolve(self.root, page_file, target)
        written = unquote(target)  # markdown-it percent-encodes URLs; the author wrote `schéma.png`
        if relative is None:
            page.problems.append((line, msg("outside_course", file=written)))
            return None
        if not (self.root / relative).is_file():
            page.problems.append((line, msg(missing_code, file=written)))
            return None
        page.assets.add(relative)
        fragment = urlsplit(target).fragment
        token.attrs[attr] = self.url_prefix + quote(relative) + (f"#{fragment}" if fragment else "")
        return relative

    def _media(self, token: Token, page_file: Path, page: RenderedPage) -> Token:
        line = _line(token)
        result = Token("html_block", "", 0)
        result.content = ""
        try:
            spec = yaml.safe_load(token.content)
        except yaml.MarkedYAMLError as error:  # said as in course.yaml, at its line of the page
            offset, message = explain(error, token.content)
            page.problems.append(((line + offset) if line and offset else line, message))
            return result
        except yaml.YAMLError as error:
            page.problems.append((line, msg("media_block", problem=str(error).splitlines()[0])))
            return result
        if not isinstance(spec, dict) or not isinstance(spec.get("src"), str):
            page.problems.append((line, msg("media_src_missing", choices=", ".join(MEDIA_KEYS))))
            return result
        unknown = sorted(str(key) for key in spec if key not in MEDIA_KEYS)
        if unknown:
            page.problems.append((line, msg("media_unknown_keys", value=", ".join(unknown),
                                            choices=", ".join(MEDIA_KEYS))))
            return result
        src = spec["src"]
        if _is_external(src):
            page.problems.append((line, msg("media_external", file=src)))
            return result
        suffix = PurePosixPath(urlsplit(src).path).suffix.lower()
        if suffix not in AUDIO_TYPES and suffix not in VIDEO_TYPES:
            page.problems.append((line, msg("media_type", file=src)))
            return result
        language = spec.get("language")
        if language is not None and not (isinstance(language, str) and is_language_tag(language)):
            page.problems.append((line, msg("not_language", value=language)))
            return result
        captions = spec.get("captions")
        if not isinstance(captions, str) or not captions.lower().endswith(".vtt"):
            page.problems.append((line, msg("media_captions", file=src)))
            return result
        media_path = _resolve(self.root, page_file, src)
        captions_path = _resolve(self.root, page_file, captions)
        ok = True
        for target, relative in ((src, media_path), (captions, captions_path)):
            if relative is None:
                page.problems.append((line, msg("outside_course", file=target)))
                ok = False
            elif not (self.root / relative).is_file():
                page.problems.append((line, msg("media_missing", file=target)))
                ok = False
        if not ok:
            return result
        try:
            cues = read_captions(self.root / captions_path)
        except UnicodeDecodeError:
            page.linked_problems.append((captions_path, 1, msg("not_utf8")))
            return result
        if cues is None:
            page.problems.append((line, msg("vtt_invalid", file=captions)))
            return result
        if not cues:
            page.problems.append((line, msg("vtt_empty", file=captions)))
            return result
        page.assets.update((media_path, captions_path))
        result.content = self._media_html(spec, media_path, captions_path, suffix, cues)
        return result

    def _media_html(self, spec: dict, media: str, captions: str, suffix: str, cues: list[str]) -> str:
        kind = "video" if suffix in VIDEO_TYPES else "audio"
        mime = (VIDEO_TYPES | AUDIO_TYPES)[suffix]
        title = str(spec.get("title") or "").strip()
        srclang = str(spec.get("language") or self.language)
        esc = html.escape
        # captions in another language than the course's: named by their tag, and the
        # transcript says its language to screen readers
        captions_label = self.strings["captions_label"] if srclang == self.language else srclang
        transcript_lang = "" if srclang == self.language else f' lang="{esc(srclang)}"'
        transcript = "".join(f"<p{transcript_lang}>{esc(cue)}</p>" for cue in cues)
        label = esc(title) if title else esc(self.strings[f"{kind}_label"])
        caption = f"<figcaption>{esc(title)}</figcaption>" if title else ""
        return (
            f'<figure class="pc-media pc-{kind}">\n'
            f'<{kind} controls preload="metadata" aria-label="{label}">'
            f'<source src="{esc(self.url_prefix + quote(media))}" type="{mime}">'
            f'<track kind="captions" src="{esc(self.url_prefix + quote(captions))}" srclang="{esc(srclang)}" '
            f'label="{esc(captions_label)}" default>'
            f"</{kind}>\n{caption}\n"
            f'<details class="pc-transcript"><summary>{esc(self.strings["transcript"])}</summary>'
            f"{transcript}</details>\n</figure>\n"
        )


def _line(token: Token) -> int | None:
    return token.map[0] + 1 if token.map else None


def _plain_text(inline: Token) -> str:
    return "".join(
        child.content for child in inline.children or [] if child.type in ("text", "code_inline")
    ).strip()
