"""Small, valid packages for every format, built in memory, that tests break one rule at a time."""

from __future__ import annotations

import zipfile
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Module 1</title><link rel="stylesheet" href="style.css">
<script src="api.js"></script></head>
<body>
<main><h1>Module 1</h1><img src="image.png" alt="Schéma"><p>Bonjour</p></main>
</body>
</html>
"""
STYLE = "body { background: url('image.png') no-repeat; }\n"
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(64)
API_12 = 'var api = window.parent.API; api.LMSInitialize(""); api.LMSFinish("");\n'
API_2004 = 'var api = window.parent.API_1484_11; api.Initialize(""); api.Terminate("");\n'

SCORM12_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="course" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Cours</title>
      <item identifier="item1" identifierref="res1"><title>Module 1</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
      <file href="api.js"/>
      <file href="style.css"/>
      <file href="image.png"/>
    </resource>
  </resources>
</manifest>
"""

SCORM2004_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="course" version="1.0"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Cours</title>
      <item identifier="item1" identifierref="res1"><title>Module 1</title></item>
      <item identifier="item2" identifierref="res2"><title>Module 2</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
      <dependency identifierref="common"/>
    </resource>
    <resource identifier="res2" type="webcontent" adlcp:scormType="sco" href="index.html?page=2">
      <file href="index.html"/>
      <dependency identifierref="common"/>
    </resource>
    <resource identifier="common" type="webcontent" adlcp:scormType="asset">
      <file href="api.js"/>
      <file href="style.css"/>
      <file href="image.png"/>
    </resource>
  </resources>
</manifest>
"""

CMI5_XML = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://formation.example.fr/cours/securite">
    <title><langstring lang="fr">Sécurité</langstring></title>
    <description><langstring lang="fr">Les bases.</langstring></description>
  </course>
  <objectives>
    <objective id="https://formation.example.fr/cours/securite/objectifs/1">
      <title><langstring lang="fr">Objectif</langstring></title>
      <description><langstring lang="fr">Objectif.</langstring></description>
    </objective>
  </objectives>
  <au id="https://formation.example.fr/cours/securite/au/1" moveOn="Passed" masteryScore="0.8">
    <title><langstring lang="fr">Module 1</langstring></title>
    <description><langstring lang="fr">Module 1.</langstring></description>
    <objectives><objective idref="https://formation.example.fr/cours/securite/objectifs/1"/></objectives>
    <url>index.html?mode=complet</url>
  </au>
</courseStructure>
"""

TINCAN_XML = """<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="https://formation.example.fr/cours/securite" type="http://adlnet.gov/expapi/activities/course">
      <name lang="fr">Sécurité</name>
      <description lang="fr">Les bases.</description>
      <launch lang="fr">index.html</launch>
    </activity>
  </activities>
</tincan>
"""


def scorm12() -> dict[str, str | bytes]:
    return {"imsmanifest.xml": SCORM12_MANIFEST, "index.html": PAGE, "api.js": API_12, "style.css": STYLE,
            "image.png": IMAGE}


def scorm2004() -> dict[str, str | bytes]:
    return {"imsmanifest.xml": SCORM2004_MANIFEST, "index.html": PAGE, "api.js": API_2004, "style.css": STYLE,
            "image.png": IMAGE}


def cmi5() -> dict[str, str | bytes]:
    return {"cmi5.xml": CMI5_XML, "index.html": PAGE, "api.js": "// cmi5 launch\n", "style.css": STYLE,
            "image.png": IMAGE}


def xapi() -> dict[str, str | bytes]:
    return {"tincan.xml": TINCAN_XML, "index.html": PAGE, "api.js": "// xAPI\n", "style.css": STYLE,
            "image.png": IMAGE}


BUILDERS = {"scorm12": scorm12, "scorm2004-4th": scorm2004, "cmi5": cmi5, "xapi": xapi}


def write_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_folder(path: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def edit(files: dict[str, str | bytes], name: str, old: str, new: str) -> dict[str, str | bytes]:
    """A copy of `files` with one replacement in `name`; fails loudly if `old` is not there."""
    text = files[name]
    assert isinstance(text, str) and old in text, f"{old!r} not in {name}"
    return {**files, name: text.replace(old, new, 1)}
