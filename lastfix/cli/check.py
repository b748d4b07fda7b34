"""``lastfix check``: syntax errors of files (path:line:col: message) or of JSONL records (one line each)."""

from __future__ import annotations

import argparse
import json
import sys

from lastfix.grammars import LANGUAGES, get_grammar, language_for_path, line_col
from lastfix.grammars.errors import InputError
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.grammars.source_files import read_source

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, help="language (default: from each file's extension)")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='FILE is JSONL of {"text": ...} or {"broken": ...}; print one JSON result per line',
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check (- for standard input)")


def run(args: argparse.Namespace) -> int:
    if args.jsonl:
        if not args.lang:
            raise InputError("--jsonl needs --lang")
        return _check_jsonl(args.lang, args.files)
    found = False
    for path in args.files:
        language = args.lang or language_for_path(path)
        text = read_source(path)
        # chunk by chunk, as the editor's diagnostics: the same errors in the terminal and the editor
        for issue in IncrementalIssues(get_grammar(language)).issues(text):
            line, col = line_col(text, issue.start)
            print(f"{path}:{line + 1}:{col + 1}: {issue.message}")
            found = True
    return 1 if found else 0


def _check_jsonl(language: str, paths: list[str]) -> int:
    grammar = get_grammar(language)
    found = False
    for path in paths:
        for n, line in enumerate(read_source(path).splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"] if "text" in record else record["broken"]
                if not isinstance(text, str):
                    raise TypeError("not a string")
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise InputError(
                    f'{path}:{n}: not a JSON object with a "text" or "broken" string ({e})'
                ) from None
            errors = []
            for issue in grammar.errors(text):
                (l0, c0), (l1, c1) = line_col(text, issue.start), line_col(text, issue.end)
                errors.append(
                    {
                        "line": l0 + 1,
                        "col": c0 + 1,
                        "end_line": l1 + 1,
                        "end_col": c1 + 1,
                        "message": issue.message,
                    }
                )
            found = found or bool(errors)
            sys.stdout.write(json.dumps({"valid": not errors, "errors": errors}) + "\n")
    return 1 if found else 0
