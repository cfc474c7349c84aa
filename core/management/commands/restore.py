from pathlib import Path

from django.core.management import BaseCommand, CommandError, call_command, get_commands
from django.db import transaction
from django.db.models.signals import post_save

from core.backup import LOGS, backup_models, is_log, restored
from core.pagecache import changes_batched
from core.rendering import render_raw_save
from papers.models import LanguageModel, Paper


class DryRun(Exception):
    pass


def restore_logs(file):
    """Put back the logs the backup holds (core.backup.LOGS) in place of those that
    loading the other rows wrote; return whether it did. A backup made before it held
    them keeps the new ones (whose numbers are none of the replaced library's)."""
    logs = [model for model in backup_models() if is_log(model)]
    others = [model._meta.label_lower for model in backup_models() if not is_log(model)]
    with transaction.atomic():
        before = transaction.savepoint()
        for model in logs:
            model._base_manager.all().delete()
        call_command("loaddata", str(file), verbosity=0, exclude=others)
        if not any(model._base_manager.exists() for model in logs):
            transaction.savepoint_rollback(before)
            return False
    return True


class Command(BaseCommand):
    help = (
        "Load a file written by 'manage.py backup' into an EMPTY database (run 'manage.py "
        "migrate' first). Refuses a database that already holds records; loads everything "
        "or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Load, report, then roll everything back."
        )

    def handle(self, *args, file, dry_run, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        if not file.name.endswith((".jsonl.gz", ".jsonl", ".json.gz", ".json")):
            raise CommandError(f"{file} is not a backup (expected a .jsonl.gz file).")
        occupied = {
            model._meta.label: count
            for model in backup_models()
            if not is_log(model) and (count := model._base_manager.count())
        }
        if occupied:
            found = ", ".join(f"{count} {label}" for label, count in sorted(occupied.items()))
            raise CommandError(
                "Refusing to restore: the database is not empty "
                f"({found}). Restore into a new, migrated database."
            )
        # The backup holds the rendered Markdown as it was: keep it, do not render again.
        post_save.disconnect(render_raw_save)
        try:
            with transaction.atomic(), changes_batched():
                call_command("loaddata", str(file), verbosity=0, exclude=list(LOGS))
                log_kept = restore_logs(file)
                restored.send(sender=self.__class__, log_kept=log_kept)
                LanguageModel.recompute_family_roots()  # not in the backup; hook was off
                Paper.assign_missing_citation_keys()  # a backup made before keys existed
                counts = {m._meta.label: m._base_manager.count() for m in backup_models()}
                if "rebuild_search_index" in get_commands():
                    call_command("rebuild_search_index", verbosity=0)
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        except Exception as exc:
            raise CommandError(f"Nothing was restored: {exc}") from exc
        finally:
            post_save.connect(render_raw_save)
        total = sum(counts.values())
        verb = "Would restore" if dry_run else "Restored"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} records from {file}"))
