"""server.document: incremental changes in UTF-16 and UTF-8, language detection, cached issues."""

from __future__ import annotations

from lastfix.server.document import Document, apply_content_changes, language_of
from lastfix.server.positions import UTF8, UTF16, LineIndex
from lsprotocol import types


def _change(l0: int, c0: int, l1: int, c1: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=l0, character=c0), end=types.Position(line=l1, character=c1)
        ),
        text=text,
    )


def test_incremental_changes_apply_in_order_after_an_emoji():
    text = '="😀"&SUM(A1\r\n=1'
    # Insert ")" at the end of line 0 (UTF-16 column 12), then replace "1" on the next line.
    out = apply_content_changes(
        LineIndex(text), [_change(0, 12, 0, 12, ")"), _change(1, 1, 1, 2, "2")], UTF16
    )
    assert out == '="😀"&SUM(A1)\r\n=2'
    # The same insertion in UTF-8 units: the emoji is four bytes.
    assert apply_content_changes(LineIndex(text), [_change(0, 14, 0, 14, ")")], UTF8) == '="😀"&SUM(A1)\r\n=1'


def test_a_full_change_replaces_everything():
    full = types.TextDocumentContentChangeWholeDocument(text="new")
    assert apply_content_changes(LineIndex("old"), [full, _change(0, 3, 0, 3, "!")]) == "new!"


def test_language_from_id_then_extension():
    assert language_of("file:///a/b.txt", "python") == "python"
    assert language_of("file:///a/b%20c.PS1", "plaintext") == "powershell"
    assert language_of("untitled:Untitled-1", "excel-formula") == "excel"
    assert language_of("untitled:1", "ps1") == "powershell"  # Neovim sends its filetype
    assert language_of("file:///a/b.txt", "plaintext") is None


def test_issues_are_computed_once_per_version():
    doc = Document("file:///a.xlf", "excel", 1, "=SUM(A1\n")
    first = doc.issues()
    assert first and doc.issues() is first
    assert doc.with_text(2, "=SUM(A1)\n").issues() == ()


def test_a_new_target_version_rechecks_open_python_documents_only():
    import dataclasses

    from lastfix.server.session import Session

    session = Session()
    item = types.TextDocumentItem
    py = session.open(item(uri="file:///a.py", language_id="python", version=1, text="type X = int\n"))
    xl = session.open(item(uri="file:///b.xlf", language_id="excel-formula", version=1, text="=1\n"))
    assert py.issues() == () and session.follow_grammars() == []
    session.settings = dataclasses.replace(session.settings, python_target_version="3.11")
    (again,) = session.follow_grammars()
    assert again.uri == py.uri and again.version == 1 and session.get(py.uri) is again
    assert session.get(xl.uri) is xl and not session.is_current(py)  # repairs on the old one are stale
    assert [i.message for i in again.issues()] == [
        "type alias statements need Python 3.12 (the target version is 3.11)"
    ]
    assert again.with_text(2, "type Y = int\n").grammar is again.grammar  # the next versions keep it
