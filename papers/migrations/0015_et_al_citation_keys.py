"""Citation keys made from an author line ending in "et al." (alLLaMAOpenEfficient2023:
the surname taken was "al.") are made again from the named author
(touvronLLaMAOpenEfficient2023). Other keys stay as they are: documents cite them."""

from types import SimpleNamespace

from django.db import migrations

from papers import citations


def rekey(apps, schema_editor):
    Paper = apps.get_model("papers", "Paper")
    taken = set(Paper.objects.exclude(citation_key=None).values_list("citation_key", flat=True))
    for paper in Paper.objects.filter(authors__iregex=r"et\.?\s*al\.?$").order_by("pk"):
        named = citations.split_authors(paper.authors)
        if not (named and (paper.citation_key or "").startswith("al")):
            continue
        shown = SimpleNamespace(
            authors=paper.authors,
            title_en=paper.title_en,
            title=paper.title_en or paper.title_zh,
            year=paper.year,
        )
        taken.discard(paper.citation_key)
        paper.citation_key = citations.unique_key(shown, taken)
        taken.add(paper.citation_key)
        paper.save(update_fields=["citation_key"])


class Migration(migrations.Migration):
    dependencies = [("papers", "0014_revisions")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop, elidable=True)]
