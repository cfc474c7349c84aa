"""PostgreSQL: the search's GIN indexes take each document at once. With a pending list
(GIN's default), every search read every entry written since the last vacuum."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from search.backends import gin_index_names, install
from search.query import search
from tests.factories import PaperFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL"),
]


def options():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [gin_index_names()],
        )
        return dict(cursor.fetchall())


def pending_pages(name):
    """Flush the index's pending list; return how many pages it held."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        return cursor.fetchone()[0]


def test_every_search_index_is_written_through():
    found = options()
    assert sorted(found) == sorted(gin_index_names())
    assert all(opts == ["fastupdate=off"] for opts in found.values()), found
    PaperFactory(title_en="Chain-of-thought prompting")
    assert pending_pages("search_doc_papers_words") == 0
    assert search(UserFactory(), "prompting").total == 1


def test_an_index_made_with_a_pending_list_is_flushed_and_written_through():
    for name in gin_index_names():  # as made before search.0009
        connection.cursor().execute(f"ALTER INDEX {name} RESET (fastupdate)")
    PaperFactory.create_batch(3, title_en="Chain-of-thought prompting")
    # A migration runs in a transaction of its own: no foreign key is left to check.
    connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    migration = importlib.import_module("search.migrations.0009_gin_indexes_written_through")

    schema_editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    migration.forwards(apps, schema_editor)

    assert pending_pages("search_doc_papers_words") == 0
    assert set(map(tuple, options().values())) == {("fastupdate=off",)}
    assert search(UserFactory(), "prompting").total == 3
    migration.backwards(apps, schema_editor)
    assert set(options().values()) == {None}


def test_migrating_again_leaves_the_indexes_options_alone():
    """``install`` runs after every migrate: changing an index's options there would lock
    out the table's readers on every deploy. search.0009 alone changes them."""
    name = "search_doc_papers_words"
    connection.cursor().execute(f"ALTER INDEX {name} RESET (fastupdate)")
    install(connection)
    assert options()[name] is None
