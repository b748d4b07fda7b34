"""The Excel formula grammar on real formulas: precedence, every reference form, arrays, strings, errors."""

import pytest
from lark import Token as LarkToken
from lark import Tree
from lastfix.grammars import get_grammar
from lastfix.grammars.base import TokenClass, apply_edits
from lastfix.grammars.excel.functions import load_functions
from lastfix.grammars.excel.lexer import lex
from lastfix.grammars.excel.parser import parse_formula
from lastfix.grammars.registry import language_for_id, language_for_path

G = get_grammar("excel")


def shape(formula: str) -> str:
    """The parse tree as nested brackets of operator applications: '=1+2*3' -> '(1 + (2 * 3))'."""
    table = load_functions()
    tree, error = parse_formula(lex(formula, table.names, table.reference_functions))
    assert error is None, error
    assert tree is not None

    def walk(node: object) -> str:
        if isinstance(node, LarkToken):
            return str(node)
        assert isinstance(node, Tree)
        parts = [walk(c) for c in node.children if c is not None]
        if node.data in ("binary", "unary", "percent", "range", "intersection"):
            sep = "" if node.data in ("unary", "percent", "range", "intersection") else " "
            return "(" + sep.join(parts) + ")"
        if node.data == "comp_op":
            return parts[0]
        return "".join(parts)

    return walk(tree.children[1])


def test_registered_under_its_name_language_id_and_extensions():
    assert type(get_grammar("excel-formula")) is type(G)
    assert (G.name, G.language_ids, G.extensions, G.canvas, G.case_sensitive) == (
        "excel",
        ("excel-formula",),
        (".xlf", ".formula"),
        64,
        False,
    )
    assert language_for_path("book.xlf") == "excel" and language_for_path("x.formula") == "excel"
    assert language_for_id("excel-formula") == "excel"


@pytest.mark.parametrize(
    ("formula", "tree"),
    [
        ("=1+2*3", "(1 + (2 * 3))"),
        ("=1*2+3", "((1 * 2) + 3)"),
        ("=2^3^2", "((2 ^ 3) ^ 2)"),  # Excel's ^ is left-associative
        ("=-2^2", "((-2) ^ 2)"),  # negation binds tighter than ^ in Excel: the result is 4
        ("=2^50%", "(2 ^ (50%))"),
        ("=1&2+3", "(1 & (2 + 3))"),
        ('=A1&"x"=B1', '((A1 & "x") = B1)'),
        ("=1<>2", "(1 <> 2)"),
        ("=A1:B2 B1:C3", "((A1:B2) (B1:C3))"),  # range binds tighter than intersection
        ("=-A1%", "((-A1)%)"),
        ("=--A1", "(-(-A1))"),
    ],
)
def test_operator_precedence_matches_excel(formula, tree):
    assert shape(formula) == tree


@pytest.mark.parametrize(
    "formula",
    [
        "=A1",
        "=$A$1",
        "=$A1+A$1",
        "=XFD1048576",
        "=A1:B2",
        "=$A$1:$B$10",
        "=A:A",
        "=$A:$C",
        "=1:1",
        "=$2:$5",
        "=Sheet1!A1",
        "=Sheet1!A:A",
        "=Sheet1!1:1",
        "='My Sheet'!A1",
        "='It''s'!A1:B2",
        "=Sheet1:Sheet3!A1",
        "='Jan 13:Mar 13'!B2",
        "=[Book1]Sheet1!A1",
        "='[Book 1.xlsx]Sheet 1'!$A$1",
        "=[1]Sheet1!A1",
        "='C:\\data\\[Book.xlsx]Sheet1'!A1",
        "=Table1[Col]",
        "=Table1[[#This Row],[Col]]",
        "=[@Col]",
        "=Table1[@[Col 1]]",
        "=SUM(Table1[[#Headers],[A]:[B]])",
        "=MyRange",
        "=SUM(Sales_2024)",
        "=_xlnm.Print_Area",
        "=SUM((A1,B1:B3))",
        "=SUM(A1:INDEX(B:B,5))",
        "=OFFSET(A1,1,1):B9",
        "=Sheet1!A1:Sheet1!B2",
        "=#REF!",
        "=Sheet1!#REF!",
        "=A1#",
        "=[1]!'SGJ150,LA'",
        "=IF(A1,B1,C1):D9",
        "=(A1:B2)",
        "=myfunc(A1):B2",
    ],
)
def test_every_reference_form_parses(formula):
    assert G.errors(formula) == []


@pytest.mark.parametrize(
    "formula",
    [
        "=SUM(A1,B1)",
        "=IF(A1,,1)",
        "=IF(A1,)",
        "=NOW()",
        "=TRUE()",
        "=CONCATENATE(A1,,B1)",
        '="say ""hi"""',
        '=""',
        '=A1&""""',
        "=#N/A",
        "=#DIV/0!+#VALUE!",
        "=#NAME?",
        "=#NUM!",
        "=#NULL!",
        "=#GETTING_DATA",
        "=TRUE",
        "=false",
        "=1.5E+3",
        "=.5",
        "=5.",
        "=10%",
        "=5%%",
        "={1,2;3,4}",
        '={"a",TRUE,-1,#N/A}',
        "=SUM({1,2,3})",
        "=_xlfn.XLOOKUP(A1,B:B,C:C)",
        "=_xll.RiskNormal(0,1)",
        "=MyUdf(1,2,3,4,5)",
        "=sum(a1)",
        "=+A1+B1",
        "=-A1",
        "=@A1:A10",
        "{=SUM(A1:A3*B1:B3)}",
        "=  SUM( A1 , B1 )  ",
        '=IF(A1>0,"yes","no")',
        "=LOG10(100)",
    ],
)
def test_functions_constants_arrays_and_entry_forms_parse(formula):
    assert G.errors(formula) == []


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("=SUM(A1", "missing ')'"),
        ("=SUM(A1))", "unmatched ')'"),
        ("=IF(A2>7;7;A2)", "unexpected ';' (Excel uses ',' between arguments)"),
        ('=IF(A1="x,1)', "unclosed string"),
        ("='My Sheet!A1", "unclosed quote in sheet name"),
        ("=A1+", "missing operand after '+'"),
        ("=IF(A1=,1,2)", "missing operand after '='"),
        ("=A1,B1", "unexpected ',' outside parentheses"),
        ("=(1,2)", "unexpected ',' inside parentheses that are not a function call"),
        ("=SUM(A1:10)", "expected a reference after ':', got number 10"),
        ('=MIN("A1":"B1")', "':' joins references, not string \"A1\""),
        ('=COUNTIF(A:A "x")', "missing ',' or operator before string \"x\""),
        ("=SUM(A1)SUM(B1)", "missing operator before function SUM"),
        ("=()", "empty parentheses"),
        ("={1,A1}", "unexpected reference A1: arrays hold only constants"),
        ("=1€", "unexpected character '€'"),
        ("SUM(A1)", "formula must start with '='"),
        ("=MOD(A1/3)", "too few arguments for MOD: needs 2 arguments, got 1"),
        ("=TODAY(-1)", "too many arguments for TODAY: takes 0 arguments, got 1"),
        ("=IF(1,2,3,4)", "too many arguments for IF: takes 2 to 3 arguments, got 4"),
        ('=COUNTIF("dog",A1:A9)', "COUNTIF needs a range (reference) as argument 1"),
        ('=SUMIFS(A:A,B:B,">0",C1+1,"x")', "SUMIFS needs a range (reference) as argument 4"),
        ("=SUBTOTAL(A12:A20, 2)", "SUBTOTAL needs a range (reference) as argument 2"),
    ],
)
def test_broken_formulas_get_one_factual_message(formula, message):
    issues = G.errors(formula)
    assert [i.message for i in issues] == [message]
    assert not G.is_valid(formula)


def test_error_ranges_point_at_the_problem():
    text = "=IF(A2>7;7;A2)"
    (issue,) = G.errors(text)
    assert text[issue.start : issue.end] == ";"
    text = '=SUM(INDIRECT("x&A1))'
    (issue,) = G.errors(text)
    assert text[issue.start : issue.end] == '"x&A1))'  # an unclosed string runs to the end of the line
    text = "=VLOOKUP(F:F,L:M,,2,0)"
    (issue,) = G.errors(text)
    assert (issue.start, issue.end) == (16, 17)  # the empty argument is the extra one


def test_user_functions_are_not_arity_checked_but_builtins_are_case_insensitive():
    assert G.is_valid("=MyFunc()") and G.is_valid("=MyFunc(1,2,3,4,5,6,7,8,9)")
    assert not G.is_valid("=mod(1)")


def test_a_document_is_one_formula_per_non_blank_line_with_crlf_and_emoji():
    text = '=SUM(A1)\r\n\r\n  =IF(A1="😀",1\r\n=B1+\n\n'
    assert [text[s:e] for s, e in G.statements(text)] == ["=SUM(A1)", '=IF(A1="😀",1', "=B1+"]
    issues = G.errors(text)
    assert [i.message for i in issues] == ["missing ')'", "missing operand after '+'"]
    assert text[issues[0].start : issues[0].end] == "1"  # code-point offsets: the emoji counts as one
    assert text[issues[1].start : issues[1].end] == "+"
    assert G.is_valid("=A1\r\n=B1\r\n")


def test_empty_and_blank_documents_are_valid_and_have_no_tokens():
    for text in ("", "\n", "  \r\n\t\n"):
        assert G.errors(text) == [] and G.is_valid(text)
        assert G.tokenize(text) == [] and G.statements(text) == []


def test_tokens_classes_and_placeholders():
    text = "=SUM('My Sheet'!$A$1:B2,A:A,1:1,Tbl[Col],x,\"s\",2.5,TRUE,#N/A,udf(1)) ; ☃"
    toks = G.tokenize(text)
    for t in toks:
        assert text[t.start : t.end] == t.text
    kinds = [t.kind for t in toks]
    assert kinds == [
        "=",
        "SUM",
        "(",
        "<SHEET>",
        "<CELL>",
        ":",
        "<CELL>",
        ",",
        "<COLUMNS>",
        ",",
        "<ROWS>",
        ",",
        "<NAME>",
        "<TABLE>",
        ",",
        "<NAME>",
        ",",
        "<STRING>",
        ",",
        "<NUMBER>",
        ",",
        "TRUE",
        ",",
        "#N/A",
        ",",
        "<NAME>",
        "(",
        "<NUMBER>",
        ")",
        ")",
        ";",
        "<OTHER>",
    ]
    by_kind = {t.kind: t.cls for t in toks}
    assert by_kind["<CELL>"] == by_kind["<SHEET>"] == by_kind["<TABLE>"] == TokenClass.REFERENCE
    assert by_kind["SUM"] == TokenClass.NAME and by_kind["TRUE"] == TokenClass.KEYWORD
    assert by_kind["<OTHER>"] == TokenClass.OTHER
    assert G.tokenize("=sum(a1)")[1].kind == "SUM"  # built-ins upper-cased as closed symbols


def test_unclosed_string_lexes_as_a_quote_then_formula_text():
    toks = G.tokenize('=A1&"x&B1')
    assert [t.kind for t in toks] == ["=", "<CELL>", "&", '"', "<NAME>", "&", "<CELL>"]
    assert toks[3].cls == TokenClass.OTHER


def test_sketch_anonymises_strings_numbers_and_references():
    assert G.sketch('=IF(Sheet1!A1>5,"a",b)') == [
        "=",
        "IF",
        "(",
        "<REFERENCE>",
        "<REFERENCE>",
        ">",
        "<NUMBER>",
        ",",
        "<STRING>",
        ",",
        "B",
        ")",
    ]


def test_closed_symbols_hold_the_full_function_list_and_literals():
    closed = G.closed_symbols()
    assert len(closed) == len(set(closed))
    assert len(load_functions().names) > 500
    for name in (
        "SUM",
        "XLOOKUP",
        "TEXTJOIN",
        "NORM.S.DIST",
        "LET",
        "TRUE",
        "#N/A",
        "#GETTING_DATA",
        "(",
        "<>",
    ):
        assert name in closed


def test_fillers_make_inserted_placeholders_valid():
    for symbol in ("<STRING>", "<NUMBER>", "<CELL>", "<COLUMNS>", "<ROWS>", "<NAME>"):
        assert G.is_valid("=SUM(" + G.render(symbol) + ")"), symbol
    assert G.is_valid("=" + G.render("<SHEET>") + "A1")
    assert G.is_valid("=Table1" + G.render("<TABLE>"))


def test_edits_for_repairs_at_token_level_and_keeps_other_text():
    text = "=IF(A2>7;7;A2)"
    toks = G.tokenize(text)
    old = [t.kind for t in toks]
    new = [("," if s == ";" else s) for s in old]
    fixed = apply_edits(text, G.edits_for(text, toks, old, new))
    assert fixed == "=IF(A2>7,7,A2)" and G.is_valid(fixed)
    text = "=SUM(A1:10)"
    toks = G.tokenize(text)
    old = [t.kind for t in toks]
    new = old[:5] + ["<CELL>"] + old[6:]
    # the cell keeps the typed row (a retype, grammars/excel/retypes.py), not the stand-in A1
    assert apply_edits(text, G.edits_for(text, toks, old, new)) == "=SUM(A1:A10)"
