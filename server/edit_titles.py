"""Code action titles that say what a fix does: "lastfix: Insert ')' after NA", "lastfix: Delete ','".

A user picks among several fixes by their titles, so the title names the edit itself rather than a rank
("Fix 1 of 3"); ruff's quick fixes are titled the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from lastfix.grammars import Grammar, TextEdit

__all__ = ["PREFIX", "fix_title", "describe_edit"]

PREFIX = "lastfix: "
_MAX_SHOWN = 24  # characters of one text shown in a title
_MAX_PARTS = 3  # edits named in one title; more are summarised
_CONTEXT = 200  # characters of the line before an insertion tokenized to name its neighbour


def _shown(text: str) -> str:
    """Quote a piece of code for a title: short, one line, quotes that do not clash."""
    text = text.replace("\r\n", "\n").replace("\n", "\\n").replace("\t", "\\t")
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return f'"{text}"' if "'" in text and '"' not in text else f"'{text}'"


def _neighbour_before(text: str, offset: int, grammar: Grammar) -> str | None:
    """Text of the token that ends at or before ``offset`` on its line (None at a line start)."""
    line_start = max(text.rfind("\n", 0, offset) + 1, offset - _CONTEXT)
    tokens = [t for t in grammar.tokenize(text[line_start:offset]) if t.text.strip()]
    return tokens[-1].text if tokens else None


def _neighbour_after(text: str, offset: int, grammar: Grammar) -> str | None:
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    tokens = [t for t in grammar.tokenize(text[offset : min(line_end, offset + _CONTEXT)]) if t.text.strip()]
    return tokens[0].text if tokens else None


def describe_edit(text: str, edit: TextEdit, grammar: Grammar) -> str:
    """One edit in words: Insert / Delete / Replace, naming the code it touches."""
    old = text[edit.start : edit.end].strip()
    new = edit.new_text.strip()
    if old and new:
        return f"Replace {_shown(old)} with {_shown(new)}"
    if old:
        return f"Delete {_shown(old)}"
    if not new:  # whitespace only: Python indentation or a line break
        return (
            "Fix indentation" if "\n" not in edit.new_text + text[edit.start : edit.end] else "Fix line break"
        )
    before = _neighbour_before(text, edit.start, grammar)
    if before is not None:
        return f"Insert {_shown(new)} after {_shown_bare(before)}"
    after = _neighbour_after(text, edit.end, grammar)
    if after is not None:
        return f"Insert {_shown(new)} before {_shown_bare(after)}"
    return f"Insert {_shown(new)}"


def _shown_bare(token: str) -> str:
    """A neighbouring token as in "after NA": bare when it is a word, quoted when it is punctuation."""
    if token.replace("_", "").replace(".", "").replace("$", "").isalnum() and len(token) <= _MAX_SHOWN:
        return token
    return _shown(token)


def fix_title(text: str, edits: Sequence[TextEdit], grammar: Grammar) -> str:
    """The title of a fix made of ``edits`` on ``text``."""
    if not edits:
        return PREFIX + "No change"
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    parts = [describe_edit(text, e, grammar) for e in ordered[:_MAX_PARTS]]
    if len(ordered) > _MAX_PARTS:
        parts.append(f"{len(ordered) - _MAX_PARTS} more edits")
    return PREFIX + "; ".join(parts)
