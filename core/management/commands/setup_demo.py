import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notes.models import Membership, Note, ReadingGroup
from papers.models import Paper


def unapplied_migrations():
    """The migrations the database has yet to run (none: migrate is not run at all, and
    its post-migrate work, the search indexes, is not done again)."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class Command(BaseCommand):
    help = (
        "Prepare a local site: bring the database's tables up to date, load the demo data "
        "into an empty database and make sure an admin account exists. "
        "A new account's password is DJANGO_SUPERUSER_PASSWORD, else generated and printed "
        "once; an existing one is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument(
            "--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        )
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="Where the server will listen (runserver's address and port), for the "
            "last line's link.",
        )

    def handle(self, *args, no_demo, username, address, **options):
        # Run alone on a new database, it stopped at "no such table: papers_paper".
        if unapplied_migrations():
            call_command("migrate", interactive=False, verbosity=0)
        if no_demo:
            pass
        elif Paper.objects.exists() or Note.objects.exists():
            # Members may have changed the demo records: never load over their work.
            self.stdout.write(
                "The database already holds data: the demo data is not loaded again "
                "(python manage.py loaddemo adds only what is missing and changes nothing)."
            )
        else:
            call_command("loaddemo", stdout=self.stdout, stderr=self.stderr)
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            # Django's variables, as createsuperuser --noinput reads them (README).
            given = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
            password = given or secrets.token_urlsafe(12)
            email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
            user = User.objects.create_superuser(username=username, email=email, password=password)
            self.stdout.write(self.style.SUCCESS("\nCreated the admin account. Log in with:"))
            if given:
                self.stdout.write(
                    f"    username: {username}\n    password: DJANGO_SUPERUSER_PASSWORD's"
                )
            else:
                self.stdout.write(f"    username: {username}\n    password: {password}")
                self.stdout.write("This password is shown only now; keep it.\n")
        else:
            self.stdout.write(
                f"\nLog in as '{username}' with the password printed when the account was made "
                f"(to set a new one: python manage.py changepassword {username})."
            )
        for group in ReadingGroup.objects.all():
            Membership.objects.get_or_create(
                group=group, user=user, defaults={"role": Membership.Role.ORGANISER}
            )
        if address.isdigit():  # a port alone, as runserver takes it
            address = f"127.0.0.1:{address}"
        self.stdout.write(f"Open http://{address}/ once the server below has started.\n")
