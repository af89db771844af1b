"""SCORM 2004 sequencing sanity: what the IMS SS schema allows but no learner could get through."""

from __future__ import annotations

from lxml import etree

from validators.findings import Finding
from validators.packages.catalog import finding
from validators.packages.manifest import NS, Manifest

SS = NS["imsss"]


def _ss(name: str) -> str:
    return f"{{{SS}}}{name}"


def check_sequencing(manifest: Manifest, file: str) -> list[Finding]:
    found: list[Finding] = []
    collection = {
        element.get("ID"): element
        for element in manifest.root.iter(_ss("sequencing"))
        if element.get("ID") and _in_collection(element)
    }
    activities: list[tuple[etree._Element, str, bool]] = [
        (org, org.get("identifier", ""), True) for org in manifest.organizations
    ]
    activities += [(item.element, item.identifier, bool(item.children)) for item in manifest.items]
    for element, identifier, has_children in activities:
        sequencing = element.find(_ss("sequencing"))
        if sequencing is None:
            continue
        shared = None
        ref = sequencing.get("IDRef")
        if ref is not None:
            shared = collection.get(ref)
            if shared is None:
                found.append(finding("SCORM2004-SEQUENCING-IDREF", file=file, line=sequencing.sourceline, ref=ref))
        parts = [sequencing] + ([shared] if shared is not None else [])
        found.extend(_objectives(parts, identifier, file))
        found.extend(_rollup(parts, identifier, has_children, file))
        found.extend(_control(parts, identifier, has_children, file, sequencing.sourceline))
    return found


def _in_collection(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == _ss("sequencingCollection")


def _objectives(parts: list[etree._Element], identifier: str, file: str) -> list[Finding]:
    found: list[Finding] = []
    defined: dict[str, int] = {}
    for part in parts:
        for objective in part.iterfind(f"{_ss('objectives')}/*"):
            if objective.tag not in (_ss("primaryObjective"), _ss("objective")):
                continue
            objective_id = objective.get("objectiveID")
            if not objective_id:
                continue  # a primary objective may go unnamed; the XSD requires the others' ids
            if objective_id in defined and part is parts[0]:
                found.append(finding("SCORM2004-OBJECTIVE-DUPLICATE", file=file, line=objective.sourceline,
                                     ref=objective_id, item=identifier))
            defined.setdefault(objective_id, objective.sourceline)
    for part in parts:
        for condition in part.iter(_ss("ruleCondition")):
            ref = condition.get("referencedObjective")
            if ref is not None and ref not in defined:
                found.append(finding("SCORM2004-OBJECTIVE-UNKNOWN", file=file, line=condition.sourceline,
                                     item=identifier, ref=ref))
    return found


def _rollup(parts: list[etree._Element], identifier: str, has_children: bool, file: str) -> list[Finding]:
    found: list[Finding] = []
    for part in parts:
        rules = part.find(_ss("rollupRules"))
        if rules is None:
            continue
        rule_list = rules.findall(_ss("rollupRule"))
        if rule_list and not has_children:
            found.append(finding("SCORM2004-ROLLUP-ON-LEAF", file=file, line=rules.sourceline, item=identifier))
        for rule in rule_list:
            child_set = rule.get("childActivitySet", "all")
            for expected_set, attribute in (("atLeastCount", "minimumCount"), ("atLeastPercent", "minimumPercent")):
                if child_set == expected_set and _number(rule.get(attribute)) <= 0:
                    found.append(finding("SCORM2004-ROLLUP-COUNT", file=file, line=rule.sourceline, item=identifier,
                                         set=child_set, attribute=attribute))
    return found


def _control(parts: list[etree._Element], identifier: str, has_children: bool, file: str,
             line: int) -> list[Finding]:
    if not has_children:
        return []
    # The item's own controlMode replaces the shared one; missing attributes take the schema defaults.
    controls = [control for part in parts if (control := part.find(_ss("controlMode"))) is not None]
    control = controls[0] if controls else None
    choice = control is None or control.get("choice", "true") == "true"
    flow = control is not None and control.get("flow", "false") == "true"
    if not choice and not flow:
        return [finding("SCORM2004-NO-NAVIGATION", file=file, line=line, item=identifier)]
    return []


def _number(value: str | None) -> float:
    try:
        return float(value) if value is not None else 0.0
    except ValueError:
        return 0.0
