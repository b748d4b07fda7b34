"""Error windows: the enclosing statement, grown by whole statements up to the canvas."""

from lastfix.grammars import get_grammar
from lastfix.grammars.base import SyntaxIssue
from lastfix.model_runtime.windows import error_size, find_window, find_windows


def _window_text(text, tokens, w):
    return text[tokens[w.first].start : tokens[w.last - 1].end]


def test_window_is_the_enclosing_formula_when_not_grown():
    g = get_grammar("excel")
    text = "=SUM(A1:A3)\n=IF(A1,\n=MAX(B1:B9)\n"
    tokens = g.tokenize(text)
    (issue,) = g.errors(text)
    w = find_window(g, text, tokens, issue, 64, grow=False)
    assert _window_text(text, tokens, w) == "=IF(A1,"
    assert tokens[w.focus - 1].text == "," or tokens[w.focus].text == ","


def test_window_grows_by_whole_statements_up_to_the_limit():
    g = get_grammar("excel")
    text = "=SUM(A1:A3)\n=IF(A1,\n=MAX(B1:B9)\n"
    tokens = g.tokenize(text)
    (issue,) = g.errors(text)
    assert _window_text(text, tokens, find_window(g, text, tokens, issue, 64)) == text.rstrip("\n")
    # 5 (IF line) + 7 (either neighbour) tokens fit 12 but not 19: one whole neighbour, never a part of one
    w = find_window(g, text, tokens, issue, 12)
    assert _window_text(text, tokens, w) in ("=SUM(A1:A3)\n=IF(A1,", "=IF(A1,\n=MAX(B1:B9)")


def test_a_statement_longer_than_the_limit_keeps_the_tokens_around_the_error():
    g = get_grammar("excel")
    text = "=SUM(" + ",".join(f"A{i}" for i in range(1, 40)) + ";A40)"
    tokens = g.tokenize(text)
    issue = g.errors(text)[0]
    w = find_window(g, text, tokens, issue, 10)
    assert w.size == 10 and w.first <= w.focus <= w.last


def test_issues_in_one_statement_share_a_window_and_separate_ones_do_not():
    g = get_grammar("excel")
    text = "=SUM(A1\n=B1\n=IF(A1,\n"
    tokens = g.tokenize(text)
    issues = g.errors(text)
    ws = find_windows(g, text, tokens, issues, 64, grow=False)
    assert len(ws) == len(issues) == 2
    assert ws[0].last <= ws[1].first
    merged = find_windows(g, text, tokens, [SyntaxIssue(1, 2, "a"), SyntaxIssue(5, 6, "b")], 64, grow=False)
    assert len(merged) == 1 and len(merged[0].issues) == 2


def test_error_size_counts_tokens_under_the_issues():
    g = get_grammar("excel")
    text = "=IF(A1=,1,2)"
    tokens = g.tokenize(text)
    w = find_window(g, text, tokens, SyntaxIssue(4, 12, "wide"), 64)
    assert error_size(tokens, w) == len([t for t in tokens if t.start >= 4])
    point = find_window(g, text, tokens, SyntaxIssue(7, 7, "point"), 64)
    assert error_size(tokens, point) == 1


def test_proximity_is_measured_to_the_edges_of_the_error_span():
    g = get_grammar("python")
    text = "x = [1, 2\n"
    tokens = g.tokenize(text)
    (issue,) = g.errors(text)  # "'[' was never closed" over the whole line
    w = find_window(g, text, tokens, issue, 128)
    after_2 = next(i for i, t in enumerate(tokens) if t.text == "2") + 1
    after_1 = next(i for i, t in enumerate(tokens) if t.text == "1") + 1
    assert w.gap_proximity(after_2) < w.gap_proximity(after_1)
    assert w.gap_proximity(w.focus) == w.gap_proximity(w.focus_end) == 0


def test_a_repair_focus_places_the_window_where_the_message_does_not_point():
    """Issue 17, point 5: the diagnostic shows CPython's point, the window sits on the repair focus."""
    g = get_grammar("python")
    text = "a = 1\n\n\nb = (2\n\n\nc = 3\n"
    tokens = g.tokenize(text)
    shown = SyntaxIssue(0, 1, "shown at the first statement")
    focused = SyntaxIssue(
        0, 1, "shown at the first statement", focus=(text.index("(") - 0, text.index("2") + 1)
    )
    assert focused.repair_span == (text.index("("), text.index("2") + 1) and shown.repair_span == (0, 1)
    plain = find_window(g, text, tokens, shown, 64, grow=False)
    moved = find_window(g, text, tokens, focused, 64, grow=False)
    assert _window_text(text, tokens, plain) == "a = 1"
    assert _window_text(text, tokens, moved).startswith("b = (2")
    assert tokens[moved.focus].text == "(" and moved.start == 0  # the window's text still covers the point
    (group,) = [w for w in find_windows(g, text, tokens, [focused], 64, grow=False)]
    assert (group.first, group.focus) == (moved.first, moved.focus)


def test_the_focus_moves_with_its_issue():
    issue = SyntaxIssue(10, 11, "x", focus=(-4, 2))
    assert issue.repair_span == (6, 12)
    assert issue.moved(100).repair_span == (106, 112) and issue.moved(100).focus == (-4, 2)


def test_an_unclosed_python_bracket_is_shown_at_cpythons_point_and_repaired_at_tree_sitters():
    """CPython points at the inner ``(`` of an unclosed call; the repair looks where tree-sitter stumbled,
    as the statement-based detection before issue 17 did. Other kinds keep CPython's point for both."""
    g = get_grammar("python")
    text = "x = foo(bar(1, 2)\ny = 3\nz = 4\n"
    (issue,) = g.errors(text)
    assert issue.message == "'(' was never closed" and text[issue.start] == "("
    start, end = issue.repair_span
    assert start > issue.start and text[start:end].startswith("bar(1, 2)")
    (colon,) = g.errors("def mean(xs)\n    return sum(xs) / len(xs)\n")
    assert colon.message == "expected ':'" and colon.focus is None
