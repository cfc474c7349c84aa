"""Model families: the stored family root, and pages that read only the families they draw."""

import json
import re
import signal
from contextlib import contextmanager
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.models.functions import Coalesce
from django.urls import reverse

from bench.synthetic import Generator
from papers import families
from papers.families import Family, _family_rows
from papers.models import LanguageModel
from papers.models.language_models import family_roots
from tests.factories import LanguageModelFactory, OrganizationFactory
from tests.plans import plan_of

pytestmark = pytest.mark.django_db


@contextmanager
def deadline(seconds=10):
    """Fail, rather than hang the run, if the block takes longer than this."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds}s: a loop that never ends?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def roots():
    """Return {slug: slug of the stored family root, or None}, read afresh."""
    slugs = dict(LanguageModel.objects.values_list("pk", "slug"))
    return {
        slug: slugs.get(root)
        for slug, root in LanguageModel.objects.values_list("slug", "family_root")
    }


def expected_roots():
    """Return {slug: slug of the top of its base-model chain, or None for a root}."""
    bases = dict(LanguageModel.objects.values_list("pk", "base_model"))
    slugs = dict(LanguageModel.objects.values_list("pk", "slug"))
    return {
        slugs[pk]: None if root == pk else slugs[root] for pk, root in family_roots(bases).items()
    }


def chain(*names, base=None):
    """Make models named so, each derived from the one before; return them."""
    made = []
    for name in names:
        relation = "lora" if base else ""
        base = LanguageModelFactory(
            name=name, slug=name.lower(), base_model=base, relation=relation
        )
        made.append(base)
    return made


def grow_families(count, size=4):
    """Make count families of size models (a root, two children, a grandchild), and as
    many lone models; return the roots."""
    organization = OrganizationFactory()
    made = []
    for _ in range(count):
        root = LanguageModelFactory(organization=organization)
        first = LanguageModelFactory(base_model=root, relation="lora")
        LanguageModelFactory(base_model=root, relation="instruction_tuning")
        for _ in range(size - 3):
            LanguageModelFactory(base_model=first, relation="rlhf")
        LanguageModelFactory(organization=organization)
        made.append(root)
    return made


# The functions that compute roots.


def test_family_roots_follow_each_chain_to_its_top():
    assert family_roots({1: None, 2: 1, 3: 2, 4: None, 5: 4, 6: 99}) == {
        1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 6,
    }  # fmt: skip


def test_family_roots_root_a_cycle_at_its_smallest_pk():
    with deadline():
        assert family_roots({5: 3, 3: 4, 4: 5, 7: 4, 8: 7, 9: 9}) == {
            3: 3, 4: 3, 5: 3, 7: 3, 8: 3, 9: 9,
        }  # fmt: skip


def test_a_new_model_gets_its_base_models_root():
    llama, alpaca, lora = chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    assert (llama.family_root_id, alpaca.family_root_id, lora.family_root_id) == (
        None,
        llama.pk,
        llama.pk,
    )
    assert roots() == {"llama": None, "alpaca": "llama", "alpaca-lora": "llama"}


def test_re_parenting_a_subtree_moves_the_whole_subtree():
    chain("LLaMA", "Alpaca", "Alpaca-LoRA", "Alpaca-LoRA-Chat")
    chain("Vicuna")
    alpaca_lora = LanguageModel.objects.get(slug="alpaca-lora")
    chat = LanguageModel.objects.get(slug="alpaca-lora-chat")  # read before the move
    alpaca_lora.base_model = LanguageModel.objects.get(slug="vicuna")
    alpaca_lora.save()
    assert roots() == expected_roots()
    assert roots() == {
        "llama": None,
        "alpaca": "llama",
        "vicuna": None,
        "alpaca-lora": "vicuna",
        "alpaca-lora-chat": "vicuna",
    }
    # Saving a model read before the move does not write back its old root.
    chat.name = "Alpaca-LoRA-Chat v2"
    chat.save()
    assert roots()["alpaca-lora-chat"] == "vicuna"
    # Cut loose, the subtree is a family of its own.
    alpaca_lora.base_model = None
    alpaca_lora.relation = ""
    alpaca_lora.save()
    assert roots() == expected_roots()
    assert (roots()["alpaca-lora"], roots()["alpaca-lora-chat"]) == (None, "alpaca-lora")


def test_a_root_given_a_base_takes_its_family_along():
    chain("LLaMA", "Alpaca")
    gpt, chatgpt = chain("GPT", "ChatGPT")
    llama = LanguageModel.objects.get(slug="llama")
    llama.base_model = chatgpt
    llama.save()
    assert set(roots().values()) == {None, "gpt"}
    assert roots() == expected_roots()


def test_a_save_from_an_instance_read_before_its_family_moved_leaves_every_root_right():
    """Saved from an instance read before another save gave it a base, a model wrote its
    old base back (the admin's revision check refuses that; code does not) and left its
    derivatives with the root they had been moved to: a root with a root of its own,
    dropped from its family's drawing. Its family is rooted as written."""
    chain("LLaMA", "Alpaca")
    gpt, _chatgpt = chain("GPT", "ChatGPT")
    stale = LanguageModel.objects.get(slug="llama")
    moved = LanguageModel.objects.get(slug="llama")
    moved.base_model = gpt
    moved.save()
    stale.name = "LLaMA 1"  # a later edit from the old instance: its base as read
    stale.save()
    assert roots() == expected_roots()
    assert roots()["alpaca"] == "llama"
    assert [
        m.slug for m in Family.containing(LanguageModel.objects.get(slug="alpaca")).members()
    ] == [
        "llama",
        "alpaca",
    ]


def test_deleting_a_model_roots_the_families_below_it():
    chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    LanguageModelFactory(slug="vicuna", base_model=LanguageModel.objects.get(slug="llama"))
    LanguageModel.objects.filter(slug="llama").delete()
    assert roots() == {"alpaca": None, "alpaca-lora": "alpaca", "vicuna": None}


def test_recompute_puts_right_what_bulk_updates_left_wrong():
    chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    chain("Vicuna")
    LanguageModel.objects.filter(slug="alpaca").update(
        base_model=LanguageModel.objects.get(slug="vicuna")
    )
    assert roots()["alpaca-lora"] == "llama"  # stale: update() goes round save()
    assert LanguageModel.recompute_family_roots() == 2
    assert roots() == expected_roots()
    assert roots()["alpaca-lora"] == "vicuna"
    assert LanguageModel.recompute_family_roots() == 0


def test_a_cycle_of_base_models_does_not_hang(member_client):
    a, b, c = chain("A", "B", "C")
    # clean() refuses this; a bulk update does not go through it.
    LanguageModel.objects.filter(pk=b.pk).update(base_model=c)
    with deadline():
        assert LanguageModel.recompute_family_roots() == 2
        assert roots() == {"a": None, "b": None, "c": "b"}  # rooted at its smallest pk
        b.refresh_from_db()
        b.name = "B2"
        b.save()
        a.refresh_from_db()
        a.update_family_roots()
        d = LanguageModelFactory(slug="d", base_model=c)  # hangs below the cycle
        assert d.family_root_id == b.pk
        family = Family.containing(d)
        assert [m.slug for m in family.members()] == ["b", "c", "d"]
        assert [m.pk for m in family.ancestors(d)] == [b.pk, c.pk]
        assert member_client.get(d.get_absolute_url()).status_code == 200
        page = member_client.get(reverse("papers:model_family"))
        assert page.status_code == 200
        # Breaking the cycle through save() gives a proper root again.
        c.refresh_from_db()
        c.base_model = None
        c.relation = ""
        c.save()
    assert roots() == {"a": None, "b": "c", "c": None, "d": "c"}


# Loads that go round save().


def test_loaddata_raw_saves_get_their_roots(tmp_path):
    # Derivatives before their bases: loaddata defers those links and saves them again.
    records = [
        {"model": "papers.languagemodel", "fields": {"slug": s, "name": s, "base_model": [b]}}
        for s, b in [("alpaca-lora", "alpaca"), ("alpaca", "llama"), ("vicuna", "llama")]
    ]
    records.append({"model": "papers.languagemodel", "fields": {"slug": "llama", "name": "L"}})
    for record in records:
        record["fields"].update(created="2024-01-01T00:00:00Z", updated="2024-01-01T00:00:00Z")
    path = tmp_path / "models.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    assert roots() == {"llama": None, "alpaca": "llama", "alpaca-lora": "llama", "vicuna": "llama"}
    # Loading again over existing rows (which writes their family root as empty) also ends right.
    call_command("loaddata", str(path), verbosity=0)
    assert roots() == expected_roots()


def test_a_raw_save_re_roots_what_derives_from_it():
    chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    chain("Vicuna")
    alpaca = LanguageModel.objects.get(slug="alpaca")
    alpaca.base_model = LanguageModel.objects.get(slug="vicuna")
    data = serializers.serialize("json", [alpaca])
    for deserialized in serializers.deserialize("json", data):
        deserialized.save()  # as loaddata does: save_base(raw=True), no save()
    assert roots() == {"llama": None, "alpaca": "vicuna", "alpaca-lora": "vicuna", "vicuna": None}


def test_loaddemo_ends_with_every_root_right(tmp_path):
    fixture = """
- model: papers.languagemodel
  fields: {slug: alpaca, name: Alpaca, base_model: [llama], relation: instruction_tuning,
           created: '2024-01-01T00:00:00Z', updated: '2024-01-01T00:00:00Z'}
- model: papers.languagemodel
  fields: {slug: llama, name: LLaMA, created: '2024-01-01T00:00:00Z',
           updated: '2024-01-01T00:00:00Z'}
- model: papers.languagemodel
  fields: {slug: alpaca-lora, name: Alpaca-LoRA, base_model: [alpaca], relation: lora,
           created: '2024-01-01T00:00:00Z', updated: '2024-01-01T00:00:00Z'}
"""
    (tmp_path / "20_models.yaml").write_text(fixture, encoding="utf-8")
    call_command("loaddemo", fixtures_dir=tmp_path, stdout=None)
    assert roots() == {"llama": None, "alpaca": "llama", "alpaca-lora": "llama"}


@pytest.mark.django_db(transaction=True)
def test_restore_ends_with_every_root_right(tmp_path):
    chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    chain("Vicuna", "Vicuna-LoRA")
    before = roots()
    path = tmp_path / "site.json.gz"
    call_command("backup", output=path)
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    call_command("restore", path, stdout=None)
    assert roots() == before == expected_roots()


def test_synthetic_bench_data_gets_its_roots():
    Generator(papers=20, notes_per_paper=1).run()
    assert LanguageModel.objects.exclude(family_root=None).count() == 28
    assert roots() == expected_roots()


def test_the_migration_gives_existing_models_their_roots():
    """papers.0006's data step roots the models that were there before the field. Run
    on today's tables with the roots cleared, where unapplying every migration after
    papers.0003 and applying them again took a minute of the suite for this step."""
    migration = import_module("papers.migrations.0006_languagemodel_family_root")
    llama = LanguageModelFactory(slug="llama", name="LLaMA")
    alpaca = LanguageModelFactory(slug="alpaca", name="Alpaca", base_model=llama)
    LanguageModelFactory(slug="alpaca-lora", name="Alpaca-LoRA", base_model=alpaca)
    LanguageModelFactory(slug="gpt", name="GPT")
    LanguageModel.objects.update(family_root=None)
    migration.compute_family_roots(django_apps, schema_editor=None)
    assert roots() == {"llama": None, "alpaca": "llama", "alpaca-lora": "llama", "gpt": None}


# The pages read only the families they draw.


@pytest.mark.parametrize("count", [1, 3])
def test_family_page_queries_do_not_grow(member_client, django_assert_num_queries, count):
    grow_families(count, size=3 + count)
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(5):  # the user, a count, the page's roots, their models
        response = member_client.get(reverse("papers:model_family"))
    assert len(response.context["trees"]) == count
    assert response.content.decode().count('class="node') == count * (3 + count)


@pytest.mark.parametrize("count", [1, 3])
def test_model_page_queries_do_not_grow(member_client, django_assert_num_queries, count):
    roots_made = grow_families(count, size=3 + count)
    model = LanguageModel.objects.filter(base_model=roots_made[0]).first()
    # Its notes and mentions: one query of keys, no notes to read (reading/views.py)
    # + the member's audience and roles, once (the page is kept for all who read alike)
    with django_assert_num_queries(9):
        response = member_client.get(model.get_absolute_url())
    assert [m.pk for m in response.context["ancestors"]] == [roots_made[0].pk]
    assert response.content.decode().count('class="node') == 3 + count


def test_model_page_draws_only_its_own_family(member_client):
    llama, alpaca, _lora = chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    chain("GPT", "ChatGPT")
    response = member_client.get(alpaca.get_absolute_url())
    content = response.content.decode()
    assert content.count('class="node') == 3
    assert "ChatGPT" not in content
    assert [m.pk for m in response.context["ancestors"]] == [llama.pk]


def test_families_come_largest_first_then_by_root_name(member_client):
    chain("Zeta", "Zeta-1")
    beta = LanguageModelFactory(name="Beta", slug="beta")
    LanguageModelFactory(base_model=beta, relation="lora")
    LanguageModelFactory(base_model=beta, relation="lora")
    chain("Alpha", "Alpha-1")
    chain("Lonely")
    response = member_client.get(reverse("papers:model_family"))
    assert [family.root.slug for family, _svg in response.context["trees"]] == [
        "beta",
        "alpha",
        "zeta",
    ]
    assert len(Family.all()) == 3
    assert [f.root.slug for f in Family.all()[1:]] == ["alpha", "zeta"]


def test_family_pages_share_out_the_families_in_order(member_client):
    for i in range(12):
        chain(f"Root-{i:02d}", f"Child-{i:02d}")
    second = member_client.get(reverse("papers:model_family") + "?page=2")
    assert [family.root.slug for family, _svg in second.context["trees"]] == [
        "root-10",
        "root-11",
    ]
    assert second.context["page_obj"].paginator.num_pages == 2
    last = member_client.get(reverse("papers:model_family") + "?page=99")
    assert last.context["page_obj"].number == 2


def test_more_families_than_compiled_sql_takes_are_read_by_the_queryset(monkeypatch):
    grow_families(3)
    every = [[m.pk for m in family.members()] for family in Family.all()]
    monkeypatch.setattr(families, "MARKS", families.MARKS[:2])
    assert [[m.pk for m in family.members()] for family in Family.all()] == every
    assert len(every) == 3 and [len(members) for members in every] == [4, 4, 4]


def test_a_family_is_read_without_reading_the_other_models(monkeypatch):
    grow_families(3)
    _llama, alpaca, _lora = chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    read, member = [], families.Member

    def counting_member(*values):
        read.append(values)
        return member(*values)

    monkeypatch.setattr(families, "Member", counting_member)
    assert len(Family.containing(alpaca).members()) == len(read) == 3
    read.clear()
    assert [len(family.members()) for family in Family.all()[1:3]] == [4, 4]
    assert len(read) == 8


def test_a_family_is_found_from_the_database_not_from_an_old_instance():
    _llama, alpaca, lora = chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    (vicuna,) = chain("Vicuna")
    moved = LanguageModel.objects.get(pk=alpaca.pk)
    moved.base_model = vicuna
    moved.save()
    family = Family.containing(lora)  # lora still holds LLaMA as its root
    assert (family.root.pk, [m.pk for m in family.ancestors(lora)]) == (
        vicuna.pk,
        [vicuna.pk, alpaca.pk],
    )


def test_a_family_read_with_its_sql_compiled_once_is_the_querysets():
    llama, alpaca, lora = chain("LLaMA", "Alpaca", "Alpaca-LoRA")
    (alone,) = chain("Alone")
    for model in (llama, alpaca, lora, alone):
        root = LanguageModel.objects.filter(pk=model.pk).values(root=Coalesce("family_root", "pk"))
        assert _family_rows(model.pk) == list(Family._members_query(root)) != []
    assert [m.slug for m in Family.containing(alpaca).members()] == [
        "llama",
        "alpaca",
        "alpaca-lora",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index: PostgreSQL")
def test_a_familys_members_are_read_by_the_family_index():
    """ "id IN roots OR family_root IN roots" read every model (0.6-0.9 ms of a model page
    at 2000 models): the members are found by one index on COALESCE(family_root, id)."""
    root = LanguageModelFactory()
    LanguageModelFactory(base_model=root)
    # Enough other models, and the table's statistics read as they are now, that the
    # plan is the one a library gets: with three rows (and whatever statistics earlier
    # tests left), scanning another index whole and filtering cost as little, and was
    # chosen once in a run.
    LanguageModel.objects.bulk_create(
        LanguageModel(name=f"Other {n}", slug=f"other-{n}") for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_languagemodel")
    plan = plan_of(Family._members_query([root.pk]), without="seqscan")
    assert re.search(r"(Scan on|Scan using) model_family\b", plan), plan
    assert len(Family._members_query([root.pk])) == 2
