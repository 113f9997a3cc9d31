"""The translation catalogues in locale/: complete, current, and compiled.

`make messages` writes them (README, "Adding a language"); these tests fail when a marked
string has no translation or a fuzzy one, when a translation loses a placeholder, when
the catalogue misses a string the code marks, or when the committed .mo files are not
the .po files compiled.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ("django", "djangojs")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdfi]|%[sdfi]|\{\w*\}")
CATALOGUES = [(language, domain) for language in TRANSLATED for domain in DOMAINS]


def _po(language: str, domain: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))


def _key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def test_french_is_offered():
    assert "fr" in TRANSLATED


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_every_string_is_translated_and_none_is_fuzzy(language, domain):
    catalogue = _po(language, domain)
    entries = [e for e in catalogue if not e.obsolete]
    assert len(entries) > (400 if domain == "django" else 20)
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=2; plural=(n > 1);")
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_every_translation_keeps_its_placeholders_and_never_a_straight_double_quote(
    language, domain
):
    wrong = []
    for entry in _po(language, domain).translated_entries():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for original, translation in pairs:
            # A singular may name its number in words ("un mot"): a plural entry's
            # translation may drop a placeholder, never add one.
            ours, theirs = PLACEHOLDER.findall(translation), PLACEHOLDER.findall(original)
            added = set(ours) - set(theirs)
            changed = entry.msgid_plural is None and sorted(ours) != sorted(theirs)
            if added or changed:
                wrong.append((original, translation))
            if '"' in translation and '"' not in original:
                wrong.append((original, translation))
    assert not wrong, wrong[:20]


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_the_committed_compiled_catalogue_is_the_po_compiled(language, domain):
    po = _po(language, domain)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.mo"))
    expected = {
        _key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
        for e in po.translated_entries()
    }
    compiled = {
        _key(e): ({int(k): v for k, v in e.msgstr_plural.items()} if e.msgid_plural else e.msgstr)
        for e in mo
        if e.msgid
    }
    assert compiled == expected, "run `make messages` to compile locale/ again"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogues_hold_every_string_the_code_marks(tmp_path):
    """makemessages, run on a copy of the code, finds nothing the catalogues lack."""
    for part in ("coexist", "lessons", "sources", "templates", "static/js"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "locale").mkdir()
    (tmp_path / "extract_settings.py").write_text(
        f"from coexist.settings import *\nLOCALE_PATHS = [{str(tmp_path / 'locale')!r}]\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "extract_settings",
        "DEBUG": "true",
        "ENV_FILE": "/dev/null",
    }
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                f"--domain={domain}",
                "--locale=fr",
                "--no-wrap",
            ],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )
        found = {
            _key(e) for e in polib.pofile(str(tmp_path / "locale/fr/LC_MESSAGES" / f"{domain}.po"))
        }
        held = {_key(e) for e in _po("fr", domain) if not e.obsolete}
        missing = sorted(found - held)
        stale = sorted(held - found)
        assert not missing, f"{domain}: not in the catalogue (run `make messages`): {missing[:20]}"
        assert not stale, f"{domain}: no longer marked anywhere (run `make messages`): {stale[:20]}"
