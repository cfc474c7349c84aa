"""core.addresses.address() gives the address reverse() gives, reversing each shape once."""

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils.html import escape

from core.addresses import _shape, address, address_shape, addresser, hrefs

CASES = [
    ("reading:paper_detail", {"slug": "attention-is-all-you-need"}),
    ("reading:model_detail", {"slug": "llama-2-7b"}),
    ("notes:meeting_detail", {"group": "nlp-reading", "number": 12}),
    ("notes:meeting_detail", {"number": 3, "group": "group_2"}),  # in another order
    ("notes:status_set", {"pk": 42}),
    ("notes:glossary", {}),
    ("reading:dataset_detail", {"slug": "c4_en-2019"}),
]


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_the_same_address_as_reverse(name, kwargs):
    assert address(name, **kwargs) == reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize(("name", "kwargs"), [case for case in CASES if len(case[1]) == 1])
def test_an_addresser_gives_the_same_address(name, kwargs):
    ((key, value),) = kwargs.items()
    assert addresser(name, key)(value) == reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    "value", ["llama-2-7b", "c4_en-2019", 42, "中文模型", "a&b", "x'y", "q?v=1", "100%", "a b"]
)
def test_hrefs_give_the_address_escaped_for_an_attribute(value):
    # A plain value (a slug, an id) is put in as it is; any other quoted and escaped.
    href = hrefs("reading:model_detail", "slug")(value)
    assert href == escape(addresser("reading:model_detail", "slug")(value))


def test_hrefs_of_slugs_are_the_reversed_addresses():
    for slug in ("llama-2-7b", "c4_en-2019", "GPT-4o"):
        expected = escape(reverse("reading:model_detail", kwargs={"slug": slug}))
        assert hrefs("reading:model_detail", "slug")(slug) == expected


def test_under_a_script_prefix():
    set_script_prefix("/reading-group/")
    try:
        url = address("reading:paper_detail", slug="gpt-4")
        assert url == reverse("reading:paper_detail", kwargs={"slug": "gpt-4"})
        assert url.startswith("/reading-group/")
    finally:
        clear_script_prefix()
    assert not address("reading:paper_detail", slug="gpt-4").startswith("/reading-group/")


def test_each_shape_is_reversed_once():
    _shape.cache_clear()
    for slug in ("one", "two", "three"):
        address("reading:paper_detail", slug=slug)
    assert _shape.cache_info().misses == 1
    start, key, end = address_shape("notes:status_set", "pk")
    assert (start, key, end) == ("/reading-status/", "pk", "/")


POSITIONAL = [
    ("notes:meeting_plan", ("nlp-reading", 12, "sign-up")),
    ("notes:group_calendar", ("a-token_1", "nlp-reading")),
    ("notes:comment_edit", (7,)),
    ("notes:notes_feed", ("über token",)),  # quoted as reverse() quotes it
    ("notes:glossary", ()),
]


@pytest.mark.parametrize(("name", "args"), POSITIONAL)
def test_arguments_in_order_as_reverse_takes_them(name, args):
    assert address(name, *args) == reverse(name, args=args)


def test_arguments_in_order_or_by_name_not_both():
    with pytest.raises(ValueError, match="Don't mix"):
        address("notes:meeting_detail", "nlp-reading", number=3)


@pytest.mark.parametrize(("name", "args"), POSITIONAL)
def test_the_template_tag_gives_what_url_gives(name, args):
    context = {"args": args}
    values = " ".join(f"args.{i}" for i in range(len(args)))
    url = Template(f"{{% url '{name}' {values} %}}").render(Context(context))
    shown = Template(
        f"{{% load addresses %}}{{% address '{name}' {values} %}}"
        f"|{{% address '{name}' {values} as there %}}{{{{ there }}}}"
    ).render(Context(context))
    assert shown == f"{url}|{url}"


def test_the_template_tag_escapes_as_url_does():
    template = "{% load addresses %}{% address 'notes:notes_feed' token %}"
    shown = Template(template).render(Context({"token": "a&b"}))
    assert shown == Template("{% url 'notes:notes_feed' token %}").render(Context({"token": "a&b"}))
    assert "&amp;" in shown
