from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...importing import bibtex
from ...importing import plan as importing
from ._importing import add_common_arguments, added_by, check, report


class Command(BaseCommand):
    help = (
        "Add the papers of a BibTeX file to the library (duplicates are reported, not added). "
        "Exits non-zero, naming the entry, when an entry cannot be read; nothing is saved then."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .bib file")
        add_common_arguments(parser)

    def handle(self, *args, **options):
        user = added_by(options["user"])
        self.quiet = options["verbosity"] == 0
        try:
            text, encoding = bibtex.decoded(Path(options["file"]).read_bytes())
        except OSError as error:
            reason = error.strerror or error
            raise CommandError(f"Cannot read {options['file']}: {reason}") from error
        except ValueError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        if encoding in bibtex.LEGACY:
            self.stderr.write(
                f"{options['file']} is not in UTF-8; it was read as {bibtex.LEGACY[encoding]}."
            )
        if not importing.looks_like_bibtex(text):  # build() would read it as identifiers
            raise CommandError(f"{options['file']} holds no BibTeX entry.")
        plan = importing.build(bib_text=text, limit=None)
        if not plan.candidates:
            raise CommandError(f"{options['file']} holds no BibTeX entry.")
        check(plan, self, options["skip_invalid"])
        report(self, plan, options["dry_run"], user)
