"""What the import commands share: the member to record, the plan's report, saving."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from tqdm import tqdm

from ...importing import plan as importing


def added_by(username):
    if not username:
        return None
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist as error:
        raise CommandError(f"No user {username!r}.") from error


def check(plan, command=None, skip_invalid=False):
    """Fail, naming each entry, when any entry of the plan cannot be added (or, skipping
    them, name them on stderr); what failed for all of them (a service that did not
    answer, ``plan.errors``) is said first, as the page says it above the rows."""
    if plan.invalid and skip_invalid:
        for error in plan.errors:
            command.stderr.write(str(error))
        for c in plan.invalid:
            command.stderr.write(f"  skipped: {c.entry}: {c.reason}")
        return
    if plan.invalid:
        lines = [f"  {c.entry}: {c.reason}" for c in plan.invalid]
        raise CommandError(
            "".join(f"{error}\n" for error in plan.errors)
            + f"{len(plan.invalid)} entr{'y' if len(plan.invalid) == 1 else 'ies'} cannot be "
            "added; nothing was saved:\n" + "\n".join(lines)
        )


def add_common_arguments(parser):
    parser.add_argument("--dry-run", action="store_true", help="show what would be added")
    parser.add_argument("--user", help="the username to record as the one who added them")
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="add the entries that can be added and name the others, instead of failing",
    )


def report(command, plan, dry_run, user):
    for candidate in plan.candidates:
        for note in candidate.notes:
            command.stdout.write(f"  {candidate.entry}: {note}")
    for candidate in plan.repeated:
        command.stdout.write(f"  repeated: {candidate.entry}: {candidate.reason}")
    for candidate in plan.existing:
        command.stdout.write(
            f"  already in the library: {candidate.entry} → {candidate.existing.slug}"
            + (f" (would change: {', '.join(str(c[0]) for c in candidate.changes)})"
               if candidate.changes else "")
        )  # fmt: skip
    if dry_run:
        for candidate in plan.new:
            command.stdout.write(f"  new: {candidate.entry}: {candidate.record.title}")
        command.stdout.write(
            f"Dry run: {len(plan.new)} new, {len(plan.existing)} already in the library; "
            "nothing saved."
        )
        return []
    try:
        with tqdm(total=len(plan.new), unit="paper", desc="saving", disable=command.quiet) as bar:
            added = importing.save(plan, user, progress=bar.update)
    except importing.Conflict as conflict:
        raise CommandError(
            f"Nothing was saved: meanwhile {', '.join(conflict.args[0])} came into the "
            "library; run the command again."
        ) from conflict
    for paper in added:
        command.stdout.write(f"  added: {paper.slug}")
    command.stdout.write(
        command.style.SUCCESS(
            f"{len(added)} papers added, {len(plan.existing)} already in the library."
        )
    )
    return added
