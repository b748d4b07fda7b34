"""``lastfix check``: syntax errors of files (path:line:col: message) or of JSONL records (one line each)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lastfix.grammars import LANGUAGES, Grammar, get_grammar, language_for_path, line_col
from lastfix.grammars.errors import InputError
from lastfix.grammars.incremental_issues import IncrementalIssues
from lastfix.grammars.source_files import read_source, read_source_lines

__all__ = ["add_arguments", "run", "add_python_version", "grammar_for"]

# A message quoting the user's text can hold its line breaks (PowerShell: unexpected '"x<LF>y"'); one
# error is one line of output, so they print escaped, as a string literal would show them.
_LINE_BREAK_ESCAPES = str.maketrans(
    {
        "\n": "\\n",
        "\r": "\\r",
        "\v": "\\v",
        "\f": "\\f",
        "\x1c": "\\x1c",
        "\x1d": "\\x1d",
        "\x1e": "\\x1e",
        "\x85": "\\x85",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, help="language (default: from each file's extension)")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='FILE is JSONL of {"text": ...} or {"broken": ...}, read line by line (any size); print one '
        "JSON result per line as it goes",
    )
    add_python_version(parser)
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check (- for standard input)")


def add_python_version(parser: argparse.ArgumentParser) -> None:
    """``--python-version 3.X``, shared by ``check`` and ``repair``."""
    from lastfix.grammars.python.target_syntax import NEWEST, TARGET_VERSIONS, version_name

    parser.add_argument(
        "--python-version",
        metavar="3.X",
        help=f"Python files: the version the code is written for, as ruff's target-version, from "
        f"{TARGET_VERSIONS[0]} to {TARGET_VERSIONS[-1]} (default: {version_name(NEWEST)}); syntax newer "
        "than it is an error, syntax up to it that the running Python cannot read is judged by tree-sitter",
    )


def grammar_for(language: str, python_version: str | None) -> Grammar:
    """The grammar of ``language``; a Python grammar for code written for ``python_version`` when given."""
    from lastfix.grammars.python.grammar import PythonGrammar
    from lastfix.grammars.python.target_syntax import parse_target

    grammar = get_grammar(language)
    if python_version is None or not isinstance(grammar, PythonGrammar):
        return grammar
    try:
        return grammar.for_version(parse_target(python_version))
    except ValueError as e:
        raise InputError(f"--python-version {python_version}: {e}") from None


def run(args: argparse.Namespace) -> int:
    if args.jsonl:
        if not args.lang:
            raise InputError("--jsonl needs --lang")
        return _check_jsonl(grammar_for(args.lang, args.python_version), args.files)
    found = False
    for path in args.files:
        language = args.lang or language_for_path(path)
        text = read_source(path)
        # chunk by chunk, as the editor's diagnostics: the same errors in the terminal and the editor
        for issue in IncrementalIssues(grammar_for(language, args.python_version)).issues(text):
            line, col = line_col(text, issue.start)
            print(f"{path}:{line + 1}:{col + 1}: {issue.message.translate(_LINE_BREAK_ESCAPES)}")
            found = True
    return 1 if found else 0


def _check_jsonl(grammar: Grammar, paths: list[str]) -> int:
    """Each record's result written as soon as it is known: memory is one record's, whatever the file."""
    found = refused = False
    for path in paths:
        for line in read_source_lines(path):
            if line.text is None:
                # one record too big (or not UTF-8) is that record's error, not the batch's
                refused = True
                print(f"lastfix check: error: {path}:{line.number}: {line.problem}", file=sys.stderr)
                _write({"valid": None, "errors": [], "error": f"line {line.number}: {line.problem}"})
                continue
            if not line.text.strip():
                continue
            errors = _record_errors(grammar, _record_text(line.text, path, line.number))
            found = found or bool(errors)
            _write({"valid": not errors, "errors": errors})
    return 2 if refused else 1 if found else 0


def _record_text(line: str, path: str, number: int) -> str:
    try:
        record = json.loads(line)
        text = record["text"] if "text" in record else record["broken"]
        if not isinstance(text, str):
            raise TypeError("not a string")
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise InputError(
            f'{path}:{number}: not a JSON object with a "text" or "broken" string ({e})'
        ) from None
    return text


def _record_errors(grammar: Grammar, text: str) -> list[dict[str, Any]]:
    errors = []
    for issue in grammar.errors(text):
        (l0, c0), (l1, c1) = line_col(text, issue.start), line_col(text, issue.end)
        errors.append(
            {"line": l0 + 1, "col": c0 + 1, "end_line": l1 + 1, "end_col": c1 + 1, "message": issue.message}
        )
    return errors


def _write(result: dict[str, Any]) -> None:
    """One result line, flushed: a program feeding records through a pipe gets each answer at once."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
