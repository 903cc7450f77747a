from django.core.management.base import BaseCommand, CommandError


def finish(command: BaseCommand, problems: list[str], summary: str) -> None:
    """Each problem on stderr, then the summary: on stdout, or as the failure (exit status 1)."""
    for problem in problems:
        command.stderr.write(problem)
    if problems:
        raise CommandError(summary)
    command.stdout.write(summary)
