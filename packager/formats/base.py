"""What every format shares: the launch documents, the runtime, the stylesheet and the media."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lxml import etree

from packager.course.model import Course, Module, Text
from packager.description import DESCRIPTION_FILE, description_bytes
from packager.layout import STATIC_DIR, STYLESHEET, asset_path, module_document, runtime_files
from packager.render import module_html
from packager.zipwriter import Content

XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass
class Package:
    """The files of one package, by archive path, and how to check its manifest."""

    format: str
    files: dict[str, Content] = field(default_factory=dict)
    manifest: str | None = None  # archive path of the manifest
    schema_kind: str | None = None  # validators.schemas kind for the manifest's XSD check
    schema_files: tuple[str, ...] = ()  # the official XSDs shipped at the root


def shared_files(course: Course, package_format: str) -> dict[str, Content]:
    """Runtime, stylesheet, media (used by every module) and the course description."""
    files: dict[str, Content] = {f"runtime/{path.name}": path for path in runtime_files()}
    files[DESCRIPTION_FILE] = description_bytes(course, package_format)
    files[STYLESHEET] = STATIC_DIR / Path(STYLESHEET).name
    for relative in course.assets:
        files[asset_path(relative)] = course.root / relative
    return files


def module_files(course: Course, package_format: str) -> dict[str, Content]:
    return {module_document(m.key): module_html(course, m, package_format) for m in course.modules}


def schema_files(folder: Path) -> dict[str, Content]:
    """Every schema file of `folder`, at the package root with the same relative layout."""
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in (".xsd", ".dtd")
    }


def xml_bytes(root: etree._Element) -> bytes:
    """Deterministic, indented XML with a declaration."""
    etree.indent(root, space="  ")
    body = etree.tostring(root, xml_declaration=False, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("__", ":"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def qualified(namespace: str) -> Callable[[str], str]:
    """Turns a local tag name into `{namespace}tag`."""
    return lambda tag: f"{{{namespace}}}{tag}"


def lang_strings(parent: etree._Element, tag: str, string_tag: str, text: Text, lang_attribute: str) -> None:
    """A `tag` element holding one `string_tag` a language (LOM and cmi5 language strings)."""
    element = sub(parent, tag)
    for language, value in text.values.items():
        sub(element, string_tag, value, **{lang_attribute: language})


def ncname(text: str) -> str:
    """An XML ID made from any text: letters, digits, `.`, `-`, `_`, never starting with a digit."""
    value = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")
    return value if value[:1].isalpha() or value[:1] == "_" else f"id-{value}"


def mastery_percent(module: Module) -> str | None:
    if module.mastery_score is None:
        return None
    value = round(module.mastery_score * 100, 2)
    return str(int(value)) if value.is_integer() else str(value)


def vcard(name: str, organisation: str | None, email: str | None) -> str:
    """The vCard 3.0 LOM uses for contributors."""
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{escaped}", f"N:{escaped};;;;"]
    if organisation:
        lines.append(f"ORG:{organisation}")
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{email}")
    lines.append("END:VCARD")
    return "\n".join(lines)


def licence_text(course: Course) -> str:
    return f"{course.licence.name} — {course.licence.url}" if course.licence.url else course.licence.name
