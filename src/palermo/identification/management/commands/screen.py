"""`palermo screen`: the indicator catalogues and the screening rules from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palermo.identification.catalogues import CatalogueError
from palermo.identification.rules import EvaluationInputError
from palermo.identification.selectors import catalogue_list
from palermo.identification.services import catalogues_load, screening_evaluate


class Command(BaseCommand):
    help = "Indicator catalogues and screening: catalogues | evaluate --catalogue ID --answers FILE | load-catalogues"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("catalogues", help="list the catalogues and their indicator ids")
        evaluate = sub.add_parser("evaluate", help="evaluate answers (JSON) against a catalogue; prints JSON")
        evaluate.add_argument("--catalogue", required=True)
        evaluate.add_argument("--answers", required=True, help="a JSON file, or - for standard input")
        sub.add_parser("load-catalogues", help="store new catalogue versions (migrate does this too)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "catalogues":
            self._catalogues()
        elif options["action"] == "evaluate":
            self._evaluate(options["catalogue"], options["answers"])
        else:
            try:
                report = catalogues_load()
            except CatalogueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"Loaded: {', '.join(report.added) or 'nothing new'}.")

    def _catalogues(self) -> None:
        for catalogue in catalogue_list():
            strengths = "with strengths" if catalogue.has_strengths else "checklist"
            self.stdout.write(f"{catalogue.id} v{catalogue.version} ({strengths}): {catalogue.title.get('en')}")
            for dimension in catalogue.dimensions:
                ids = ", ".join(f"{i.id} {i.strength[0].upper()}" if i.strength else i.id for i in dimension.indicators)
                self.stdout.write(f"  {dimension.id}: {ids}")

    def _evaluate(self, catalogue_id: str, answers: str) -> None:
        try:
            text = sys.stdin.read() if answers == "-" else Path(answers).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {answers}: {error.strerror}.", returncode=2) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{answers} is not valid JSON: {error}.", returncode=2) from None
        try:
            evaluation = screening_evaluate(data=data, catalogue_id=catalogue_id)
        except EvaluationInputError as error:
            lines = [f"{field}: {message}" for field, messages in error.fields.items() for message in messages]
            raise CommandError("\n".join(lines), returncode=2) from None
        self.stdout.write(json.dumps(evaluation.as_dict(), indent=2, ensure_ascii=False))
