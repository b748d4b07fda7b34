"""Python: tree-sitter-python finds errors, CPython's own parser is the validity oracle."""

from ..language import Language

LANGUAGE = Language(
    name="python",
    grammar="lastfix.grammars.python.grammar:PythonGrammar",
    extensions=(".py", ".pyw"),
    language_ids=("python",),
    aliases=("py",),
    canvas=128,
    case_sensitive=True,
    max_lexemes=400,
    # The slower 128-token sampler gets 60 ms, the model promotes candidates up to 0.25 dearer and runs
    # only once the symbolic search has candidates: all 1,000 dev records close@1 0.857 -> 0.862, p50
    # 343 -> 276 ms (EXPERIMENTS.md, session 4; in-sample).
    search={"diffusion_ms": 60, "hybrid_slack": 0.25, "diffusion_share": 0.0},
    broken_example="total = [1, (2 * 3 % 7]",  # a closer that does not match: the error stays on its line
)
