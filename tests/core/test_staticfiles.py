"""core.staticfiles.StaticStorage: whitenoise's hashed addresses, each worked out once."""

import json

import pytest

from core.staticfiles import StaticStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=tmp_path, base_url="/static/")


def test_a_files_address_is_its_hashed_name_worked_out_once(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    storage.hashed_files.clear()  # the manifest is no longer read for it
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_file_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_debug_and_forced_addresses_are_not_kept(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
    settings.DEBUG = False
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert storage.url("css/site.css", force=True) == "/static/css/site.0123abcd.css"
