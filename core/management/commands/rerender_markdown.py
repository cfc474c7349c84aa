from django.core.management import BaseCommand

from core.rendering import rerender_all


class Command(BaseCommand):
    help = "Render the stored Markdown of every note, meeting and glossary term again."

    def handle(self, *args, **options):
        count = rerender_all()
        self.stdout.write(self.style.SUCCESS(f"Rendered {count} records."))
