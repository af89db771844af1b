"""How a reference (`href`, `src`, `url()`) found in a package resolves: inside, outside, or elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal
from urllib.parse import unquote, urlsplit

from validators.bilingual import Text
from validators.packages.source import PackageSource

RefKind = Literal["local", "external", "absolute-path", "outside", "invalid", "ignored"]
_IGNORED_SCHEMES = {"data", "javascript", "mailto", "tel", "about", "blob", "sms", "urn", "cid", "chrome"}


@dataclass(frozen=True, slots=True)
class Ref:
    kind: RefKind
    path: str = ""  # the package path, for a local reference
    host: str = ""  # for an external reference
    scheme: str = ""
    reason: str | Text = ""


def resolve(reference: str, base_dir: str = "") -> Ref:
    """Resolve `reference` as a browser would, relative to the package folder `base_dir` (`a/b/` or ``)."""
    value = reference.strip()
    if not value or value.startswith("#"):
        return Ref("ignored")
    if "{" in value or "${" in value or "<%" in value:
        return Ref("ignored")  # a template placeholder filled in by a script
    try:
        parts = urlsplit(value)
    except ValueError as error:
        return Ref("invalid", reason=str(error))
    scheme = parts.scheme.lower()
    if scheme in _IGNORED_SCHEMES:
        return Ref("ignored")
    if len(scheme) == 1:
        return Ref("absolute-path", reason=Text("lettre de lecteur", "drive letter"))
    if scheme or value.startswith("//"):
        return Ref("external", host=parts.hostname or "", scheme=scheme or "https")
    if "\\" in value:
        return Ref("invalid", reason=Text("« \\ » n'est pas un séparateur d'URL", "'\\' is not a URL separator"))
    path = unquote(parts.path)
    if not path:
        return Ref("ignored")  # `?page=2` alone: the same document
    if path.startswith("/"):
        return Ref("absolute-path")
    segments: list[str] = [segment for segment in base_dir.split("/") if segment]
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not segments:
                return Ref("outside")
            segments.pop()
        else:
            segments.append(segment)
    joined = "/".join(segments)
    if path.endswith("/"):
        joined += "/"
    return Ref("local", path=joined)


def join_base(*bases: str | None) -> str:
    """Concatenate xml:base values the way SCORM manifests stack them (`manifest`, `resources`, `resource`)."""
    result = ""
    for base in bases:
        if not base:
            continue
        base = base.strip()
        if urlsplit(base).scheme or base.startswith("/"):
            result = base
        else:
            result += base
        if result and not result.endswith("/"):
            result += "/"
    return result


def local_paths(references: Iterable[str | None]) -> set[str]:
    """The package files among `references` (text of launch elements; None for an empty one)."""
    paths = set()
    for reference in references:
        ref = resolve((reference or "").strip())
        if ref.kind == "local":
            paths.add(ref.path)
    return paths


def folder_of(name: str) -> str:
    return name.rsplit("/", 1)[0] + "/" if "/" in name else ""


def lookup(source: PackageSource, path: str) -> tuple[str, str | None]:
    """`ok`, `case` (with the name as spelt in the package) or `missing`."""
    if path.endswith("/"):
        return ("ok", None) if source.has_folder(path) else ("missing", None)
    if source.has(path):
        return "ok", None
    actual = source.case_variant(path)
    if actual is not None:
        return "case", actual
    return "missing", None
