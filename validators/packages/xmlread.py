"""Safe XML parsing and XSD validation, with findings located by file and line."""

from __future__ import annotations

import re

from lxml import etree

from validators.bilingual import Text
from validators.findings import Finding
from validators.packages.catalog import finding
from validators.schemas import load_schema

MAX_SCHEMA_FINDINGS = 50

# libxml2 speaks English; the French message translates its usual phrases.
_FRENCH = (
    ("This element is not expected. Expected is one of", "Cet élément n'est pas attendu. Attendu : l'un de"),
    ("This element is not expected. Expected is", "Cet élément n'est pas attendu. Attendu :"),
    ("This element is not expected.", "Cet élément n'est pas attendu."),
    ("Missing child element(s). Expected is one of", "Élément(s) enfant(s) manquant(s). Attendu : l'un de"),
    ("Missing child element(s). Expected is", "Élément(s) enfant(s) manquant(s). Attendu :"),
    ("The attribute", "L'attribut"),
    ("is required but missing.", "est obligatoire mais absent."),
    ("is not allowed.", "n'est pas autorisé."),
    ("is not a valid value of the atomic type", "n'est pas une valeur valide du type"),
    ("is not a valid value of the local atomic type", "n'est pas une valeur valide du type local"),
    ("is not an element of the set", "n'est pas dans l'ensemble"),
    ("is not a valid value of the union type", "n'est pas une valeur valide du type union"),
    ("No matching global declaration available for the validation root.",
     "Aucune déclaration globale ne correspond à l'élément racine."),
    ("No matching global element declaration available, but demanded by the strict wildcard.",
     "Aucune déclaration d'élément ne correspond, alors que le joker strict l'exige."),
    ("Element", "Élément"),
    ("attribute", "attribut"),
)


def parser() -> etree.XMLParser:
    """No network, no entity expansion, no external DTD: package files are untrusted."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(data: bytes, file: str | None) -> tuple[etree._ElementTree | None, list[Finding]]:
    """The document, or None with a finding saying where it is malformed."""
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:
        detail = error.msg or Text("document vide", "empty document")
        return None, [finding("XML-NOT-WELL-FORMED", file=file, line=error.lineno or None, detail=detail)]
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return None, [finding("XML-DTD", file=file, line=1)]
    return tree, []


def schema_findings(tree: etree._ElementTree, schema_kind: str, file: str | None,
                    code: str = "XML-SCHEMA") -> list[Finding]:
    schema = load_schema(schema_kind)
    if schema.validate(tree):
        return []
    found: list[Finding] = []
    for entry in list(schema.error_log)[:MAX_SCHEMA_FINDINGS]:
        message = _shorten_namespaces(entry.message)
        found.append(_translated(code, file, entry.line or None, message))
    return found


def _translated(code: str, file: str | None, line: int | None, message: str) -> Finding:
    base = finding(code, file=file, line=line, detail=message)
    french = message
    for english, translation in _FRENCH:
        french = french.replace(english, translation)
    return Finding(code=base.code, message_fr=base.message_fr.replace(message, french), message_en=base.message_en,
                   severity=base.severity, file=file, line=line, spec=base.spec)


_NAMESPACE = re.compile(r"\{[^}]*\}")


def _shorten_namespaces(message: str) -> str:
    """`{http://www.imsglobal.org/xsd/imscp_v1p1}item` reads better as `item`."""
    return _NAMESPACE.sub("", message).strip()


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or "" if isinstance(element.tag, str) else ""
