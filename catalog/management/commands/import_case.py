from django.core.management.base import BaseCommand, CommandError

from catalog.case_import import CaseImportError, import_case_package, load_case_file


class Command(BaseCommand):
    help = (
        "Import IMS/1EdTech CASE 1.0 JSON packages (CFDocument, CFItems, CFAssociations) as "
        "competency frameworks. Re-importing updates rows by CASE identifier, never duplicates; "
        "competencies missing from a new version are kept. Each file is validated and imported "
        "in its own transaction: a bad file writes nothing and stops the run with a non-zero exit "
        "status, while files imported before it stay imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="CASE package JSON file(s)")

    def handle(self, *args, files, **options):
        for path in files:
            try:
                summary = import_case_package(load_case_file(path))
            except CaseImportError as error:
                raise CommandError(f"{path}: {error}. Nothing was imported from this file.") from error
            for note in summary.notes:
                self.stderr.write(self.style.WARNING(f"{path}: {note}"))
            self.stdout.write(self.style.SUCCESS(f"{path}: {summary}"))
