"""The packages the browser tests open: the sample courses built by `parcours build`,
and a hand-made module (tests/browser/fixtures/course) that follows docs/runtime-contract.md."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_COURSE = Path(__file__).resolve().parent / "fixtures" / "course"
RUNTIME_DIR = ROOT / "packager" / "runtime"
SAMPLE_COURSES = ROOT / "samples" / "courses"

# The sample courses the tests build, and the hand-made module.
SOURCES = ("fixture", "numerique-responsable", "minimal", "accueil-handicap")


@dataclass(frozen=True)
class Package:
    source: str
    format: str
    root: Path                 # the unpacked package, served under /pkg/
    launches: tuple[str, ...]  # launch documents, in course order, relative to root


def fixture_package(destination: Path, package_format: str) -> Package:
    """The hand-made module with its `format` set, and the runtime at runtime/parcours.js."""
    shutil.copytree(FIXTURE_COURSE, destination)
    shutil.copytree(RUNTIME_DIR, destination / "runtime", ignore=shutil.ignore_patterns("*.md"))
    page = destination / "modules" / "m1" / "index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('"format": "scorm12"', json.dumps({"format": package_format})[1:-1]), encoding="utf-8")
    return Package("fixture", package_format, destination, ("modules/m1/index.html",))


def _parcours_command() -> list[str]:
    script = Path(sys.executable).parent / "parcours"
    return [str(script)] if script.exists() else [sys.executable, "-m", "parcours.cli"]


def built_package(course: str, package_format: str, work: Path) -> Package:
    """Builds samples/courses/<course> with the real CLI and unpacks the result."""
    source = SAMPLE_COURSES / course
    if not (source / "course.yaml").is_file():
        raise AssertionError(f"{source}/course.yaml is missing: the sample course is not written yet")
    out = work / "dist"
    result = subprocess.run(
        _parcours_command() + ["build", str(source), "--format", package_format, "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"parcours build {course} --format {package_format} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    root = work / "unpacked"
    zips = sorted(out.rglob("*.zip"))
    if zips:
        chosen = [z for z in zips if package_format in z.name] or zips
        with zipfile.ZipFile(chosen[0]) as archive:
            archive.extractall(root)
    else:
        folders = [p.parent.parent.parent for p in out.rglob("modules/*/index.html")]
        if not folders:
            raise AssertionError(f"parcours build wrote neither a zip nor a site in {out}: {list(out.rglob('*'))}")
        shutil.copytree(folders[0], root)
    return Package(course, package_format, root, launch_documents(root, package_format))


def launch_documents(root: Path, package_format: str) -> tuple[str, ...]:
    """The launch documents as the LMS sees them: from the manifest where the format has one."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    if package_format in ("scorm12", "scorm2004"):
        tree = etree.parse(str(root / "imsmanifest.xml"), parser)
        hrefs = []
        for item in tree.iter("{*}item"):
            ref = item.get("identifierref")
            if not ref:
                continue
            for resource in tree.iter("{*}resource"):
                if resource.get("identifier") == ref and resource.get("href"):
                    hrefs.append(resource.get("href"))
        return tuple(hrefs)
    if package_format == "cmi5":
        tree = etree.parse(str(root / "cmi5.xml"), parser)
        return tuple(url.text.strip() for url in tree.iter("{*}url"))
    modules = sorted(root.glob("modules/*/index.html"))
    index = root / "index.html"
    if index.is_file():
        order = re.findall(r'href="(?:\./)?(modules/[^"/]+/index\.html)', index.read_text(encoding="utf-8"))
        if order:
            return tuple(dict.fromkeys(order))
    return tuple(str(p.relative_to(root)) for p in modules)
