"""The demo cartoon (Source D): its redrawn picture, stored once as an upload is stored,
and demo provenance texts that state facts instead of pointing at a page students have
not seen."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from PIL import Image

from lessons.demo import CARTOON_ALT, CARTOON_IMAGE, CARTOON_SLUG
from sources.models import Source
from tests.sources.factories import image_upload

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
SOURCES_PACK = FIXTURES / "khrushchev-sources.json"
CARTOON_SVG = FIXTURES / "images" / f"{CARTOON_SLUG}.svg"


@pytest.fixture
def media_root(settings, tmp_path, db) -> Path:
    """Uploads go to the test's own folder, never into ./data."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", "--force", stdout=out)
    return out.getvalue()


def stored_files(media_root: Path) -> list[str]:
    return sorted(
        path.relative_to(media_root).as_posix() for path in media_root.rglob("*") if path.is_file()
    )


def cartoon() -> Source:
    return Source.objects.get(slug=CARTOON_SLUG)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _pack() -> dict:
    return json.loads(SOURCES_PACK.read_text(encoding="utf-8"))


def _pack_record(slug: str) -> dict:
    return next(record for record in _pack()["sources"] if record["slug"] == slug)


def test_the_demo_gives_the_cartoon_a_picture_stored_as_an_upload_is(media_root):
    out = load_demo()
    source = cartoon()
    assert source.image
    name = PurePosixPath(source.image.name)
    assert name.parent == PurePosixPath("sources")
    assert CARTOON_SLUG not in name.stem and name.name != CARTOON_IMAGE.name
    assert len(name.stem) >= 20  # 128 random bits, not a name anybody could guess
    with source.image.open("rb") as stored, Image.open(stored) as picture:
        assert picture.format in {"PNG", "JPEG"}
        width, height = picture.size
    assert width * 3 == height * 4
    assert stored_files(media_root) == [source.image.name]
    assert source.image_alt.strip() == CARTOON_ALT
    assert "COLD WAR" in source.image_alt
    source.full_clean()  # what the admin would accept
    assert f"Demo cartoon: added the redrawn picture to {CARTOON_SLUG}." in out


def test_loading_the_demo_again_keeps_the_same_picture_and_adds_none(media_root):
    load_demo()
    first = cartoon().image.name
    files = stored_files(media_root)
    out = load_demo()
    assert cartoon().image.name == first
    assert stored_files(media_root) == files
    assert "Demo cartoon" not in out
    assert "Demo accounts already exist" in out


def test_a_picture_a_teacher_chose_is_kept_when_the_demo_loads_again(media_root):
    load_demo()
    source = cartoon()
    source.image = image_upload("our-own-scan.png", size=(80, 60))
    source.image_alt = "A scan of the cartoon from our school's textbook."
    source.full_clean()
    source.save()
    chosen = source.image.name
    chosen_bytes = (media_root / chosen).read_bytes()
    out = load_demo()
    source = cartoon()
    assert source.image.name == chosen
    assert (media_root / chosen).read_bytes() == chosen_bytes
    assert source.image_alt.strip()
    assert "Demo cartoon" not in out
    assert chosen in stored_files(media_root)


def test_the_pack_carries_the_cartoons_description_so_a_reload_stays_valid():
    # Every load of the pack sets `image_alt`: empty, it would leave the picture with none.
    record = _pack_record(CARTOON_SLUG)
    assert record["image_alt"] == CARTOON_ALT
    assert len(record["image_alt"]) <= Source._meta.get_field("image_alt").max_length


def test_the_cartoons_texts_say_the_picture_is_a_redrawing_and_leave_the_judgement_open():
    record = _pack_record(CARTOON_SLUG)
    assert "No image is stored" not in record["summary"]
    note = record["provenance"]["note"]
    assert "redrawn" in note and "Coexist demo" in note and "unknown" in note
    context = record["provenance"]["context"]
    assert "state" in context
    assert "reflects the image" not in context and "wanted to give" not in context


def test_no_provenance_text_in_the_source_pack_mentions_the_revision_page():
    pack = _pack()
    assert not [text for text in _strings(pack) if "the revision page" in text.lower()]
    provenance = [text for record in pack["sources"] for text in _strings(record["provenance"])]
    assert not [text for text in provenance if "revision page" in text.lower()]
    cartoon_texts = _strings(_pack_record(CARTOON_SLUG))
    assert not [text for text in cartoon_texts if "revision page" in text.lower()]


def test_the_cartoon_svg_is_well_formed_with_no_script_and_nothing_from_outside():
    text = CARTOON_SVG.read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 1200 900"
    assert "<script" not in text.lower()
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1].lower() not in {"script", "foreignobject", "image"}
        for attribute, value in element.attrib.items():
            assert not attribute.lower().startswith("on"), attribute
            if attribute.rsplit("}", 1)[-1] == "href":
                assert value.startswith("#"), value
    assert all(target.startswith("#") for target in re.findall(r"url\(\s*([^)]*)\)", text))
    assert "@import" not in text


def test_the_cartoon_png_is_1200_by_900_and_small():
    with Image.open(CARTOON_IMAGE) as picture:
        assert (picture.format, picture.size) == ("PNG", (1200, 900))
    assert CARTOON_IMAGE.stat().st_size < 250 * 1024
