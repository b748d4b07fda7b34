"""Excel formulas: one formula a line (``.xlf``, ``.formula``), parsed by our Lark grammar."""

from ..language import Language

LANGUAGE = Language(
    name="excel",
    grammar="lastfix.grammars.excel.grammar:ExcelGrammar",
    extensions=(".xlf", ".formula"),
    language_ids=("excel-formula",),
    canvas=64,
    case_sensitive=False,
    max_lexemes=150,
    # Added grouping parentheses cost extra: +1 dev record top-1, edits and hybrid (EXPERIMENTS.md,
    # session 4). In-sample; issue 16 refits such constants on folds.
    search={"tidy_parens": True},
    broken_example="=SUM(A1:A3",
    corpus_documents_valid=True,
    independent_statements=True,
)
