"""Citation keys made from an author line whose first author ran on into "et al."
("Hugo Touvron et al.": the surname taken was "al.", alLLaMAOpenEfficient2023) are made
again from the named author (touvronLLaMAOpenEfficient2023). Other keys stay as they are,
an "Alayrac, … et al." paper's or one typed in the admin among them: documents cite them.
"""

import re
from types import SimpleNamespace

from django.db import migrations

from papers import citations


def rekey(apps, schema_editor):
    Paper = apps.get_model("papers", "Paper")
    taken = set(Paper.objects.exclude(citation_key=None).values_list("citation_key", flat=True))
    for paper in Paper.objects.filter(authors__iregex=r"et\.?\s*al\.?$").order_by("pk"):
        first = re.split(r",\s*|\s+and\s+|;\s*", paper.authors.strip())[0]
        made_from_al = re.match(r"al[A-Z0-9]", paper.citation_key or "")
        if not (made_from_al and citations.ET_AL.search(first) and citations.ET_AL.sub("", first)):
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
