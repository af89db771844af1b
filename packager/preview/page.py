"""The preview page: the course in a frame and, beside it, the inspector that plays the LMS."""

from __future__ import annotations

from packager.preview.builder import BuildState
from packager.render import _environment, script_json
from validators.bilingual import choose

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Aperçu",
        "course_frame": "Le cours",
        "module": "Module",
        "inspector": "Inspecteur : ce que la plateforme enregistre",
        "calls": "Appels à l'API",
        "cmi": "Données CMI",
        "statements": "Déclarations xAPI",
        "settings": "Lancement",
        "mastery": "Seuil de réussite (0 à 1, vide : celui du cours)",
        "launch_data": "Données de lancement",
        "apply": "Relancer le module",
        "reset": "Tout effacer et relancer",
        "web": "Format web : la progression reste dans ce navigateur (localStorage) ; aucune plateforme n'est simulée.",
        "built": "Construit (version {generation}).",
        "build_error": "La construction a échoué ; l'aperçu montre la dernière version réussie.",
        "valid": "valide",
        "invalid": "{count} problème(s)",
        "new_session": "Nouvelle session (relance du module)",
        "element": "Élément",
        "value": "Valeur",
        "no_call": "Aucun appel pour l'instant.",
    },
    "en": {
        "title": "Preview",
        "course_frame": "The course",
        "module": "Module",
        "inspector": "Inspector: what the platform records",
        "calls": "API calls",
        "cmi": "CMI data",
        "statements": "xAPI statements",
        "settings": "Launch",
        "mastery": "Mastery score (0 to 1, empty: the course's)",
        "launch_data": "Launch data",
        "apply": "Launch the module again",
        "reset": "Clear everything and relaunch",
        "web": "Web format: progress stays in this browser (localStorage); no platform is simulated.",
        "built": "Built (version {generation}).",
        "build_error": "The build failed; the preview shows the last good version.",
        "valid": "valid",
        "invalid": "{count} problem(s)",
        "new_session": "New session (module launched again)",
        "element": "Element",
        "value": "Value",
        "no_call": "No call yet.",
    },
}


def preview_page(package_format: str, lang: str, state: BuildState) -> bytes:
    texts = choose(lang, TEXTS["fr"], TEXTS["en"])
    config = {"format": package_format, "modules": state.modules, "course": state.course, "texts": texts,
              "error": state.error, "generation": state.generation}
    html = _environment().get_template("preview.html.j2").render(
        lang=lang, t=texts, format=package_format, course_title=state.course.get("title", ""),
        modules=state.modules, error=state.error, config_json=script_json(config),
    )
    return html.encode("utf-8")
