"""The apps' configurations: each app's own, and the installed libraries' as named here."""

from django.apps import apps
from django.utils import translation

from core.apps import CoreConfig, LoginLockoutConfig, TopicsConfig


def test_core_is_configured_by_its_own_config_whose_ready_connects_the_signals():
    """core/apps.py holds other apps' configurations too: CoreConfig is the default, or
    Django would configure "core" with a bare AppConfig and no signal would move the
    page cache's generation on."""
    assert type(apps.get_app_config("core")) is CoreConfig


def test_taggit_and_axes_are_configured_as_named_here():
    assert type(apps.get_app_config("taggit")) is TopicsConfig
    assert type(apps.get_app_config("axes")) is LoginLockoutConfig


def test_taggit_tag_is_named_a_topic_as_its_section_and_the_fields_are():
    tag = apps.get_model("taggit", "Tag")
    with translation.override("en"):
        assert str(apps.get_app_config("taggit").verbose_name) == "Topics"
        assert (str(tag._meta.verbose_name), str(tag._meta.verbose_name_plural)) == (
            "topic",
            "topics",
        )
    with translation.override("zh-hans"):
        assert str(tag._meta.verbose_name_plural) == "主题"
