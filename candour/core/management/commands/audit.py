from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core.audit import (
    CheckpointError,
    checkpoint_problems,
    make_checkpoint,
    read_checkpoint,
    verify_chain,
)
from candour.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Work with the audit log, chained by HMAC with the audit key (docs/security.md). "
        "'candour audit verify' checks every entry and the chain head; 'candour audit "
        "checkpoint' writes the head, signed, for write-once storage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = sub.add_parser(
            "verify",
            help="Recompute the chain with the audit keys and check its head; exit 1 if any "
            "entry was changed or removed, or the head was deleted or rewound.",
        )
        verify.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="Also prove that no entry at or before this checkpoint was removed or changed "
            "(repeatable).",
        )
        checkpoint = sub.add_parser(
            "checkpoint",
            help="Write the chain head's count and hash, signed with the audit key, after "
            "verifying the log. Keep the file on write-once storage.",
        )
        checkpoint.add_argument(
            "--out",
            metavar="FILE",
            help="Write the checkpoint to this new file (never overwritten) instead of stdout.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "checkpoint":
            self.checkpoint(options["out"])
        else:
            self.verify(options["checkpoint"])

    def verify(self, checkpoint_files: list[str]) -> None:
        checkpoints = [(name, self.read(name)) for name in checkpoint_files]
        total = AuditEntry.objects.count()
        breaks = verify_chain()
        for name, checkpoint in checkpoints:
            breaks.extend(checkpoint_problems(checkpoint, name))
        if breaks:
            for item in breaks:
                self.stderr.write(str(item))
            raise CommandError(
                f"The audit log has been tampered with: {len(breaks)} problem(s) in {total} entries.",
                returncode=1,
            )
        self.stdout.write(f"The audit log is intact: {total} entries verified.")
        for name, checkpoint in checkpoints:
            self.stdout.write(
                f"Entries 1 to {checkpoint.sequence} are as the checkpoint {name} of "
                f"{checkpoint.written_at} recorded them."
            )

    def read(self, name: str) -> Any:
        try:
            text = Path(name).read_text()
        except OSError as exc:
            raise CommandError(
                f"The checkpoint {name} cannot be read ({exc.strerror}).", returncode=2
            ) from None
        try:
            return read_checkpoint(text, name)
        except CheckpointError as exc:
            raise CommandError(str(exc), returncode=1) from None

    def checkpoint(self, out: str | None) -> None:
        breaks = verify_chain()
        if breaks:
            for item in breaks:
                self.stderr.write(str(item))
            raise CommandError(
                "The audit log does not verify, so no checkpoint was written: a checkpoint "
                "would vouch for a tampered log. Investigate with 'candour audit verify'.",
                returncode=1,
            )
        checkpoint = make_checkpoint()
        if out is None:
            self.stdout.write(checkpoint.to_json())
            return
        try:
            with open(out, "x") as file:  # "x": an existing checkpoint is never replaced
                file.write(checkpoint.to_json() + "\n")
        except FileExistsError:
            raise CommandError(
                f"{out} already exists: a checkpoint is never overwritten. Give a new file name.",
                returncode=2,
            ) from None
        except OSError as exc:
            raise CommandError(f"{out} cannot be written ({exc.strerror}).", returncode=2) from None
        self.stdout.write(f"Checkpoint of entry {checkpoint.sequence} written to {out}.")
