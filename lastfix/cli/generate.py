"""``lastfix generate``: synthetic (broken, fixed) repair pairs from the diffusion process or from rules.

Paper 3.3/4.3: the pre-trained diffusion model passes through near-correct canvases on its way to correct
code; (c_t, c_0) pairs from its chains are training data for other repair models. The paper starts the
chains from pure noise (``--pure-noise``); the shipped models, trained on a CPU budget, rarely end such a
chain in valid code (Excel: under 1%, 0 pairs of 20 in 2,000 chains), so by default each chain starts
from a corpus snippet noised to 0.8-1.0 of T with its length kept (13% of chains make a pair;
benchmarks/results/EXPERIMENTS.md). ``--method rules`` makes the baseline pairs with the rule-based
corrupter. Needs no torch.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from lastfix.grammars.errors import InputError

__all__ = ["DEFAULT_START_NOISE", "add_arguments", "run"]

# Where corpus-started chains begin (fractions of T): 5.5 pairs/s and 13% of chains making a pair with the
# shipped Excel model, against 0.4 pairs/s from pure noise (benchmarks/results/EXPERIMENTS.md).
DEFAULT_START_NOISE = "0.8-1.0"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from lastfix.grammars import LANGUAGES

    parser.add_argument("--lang", required=True, choices=LANGUAGES, help="language of the pairs")
    parser.add_argument("--n", type=int, required=True, help="number of pairs to write")
    parser.add_argument(
        "--out",
        required=True,
        metavar="PAIRS.jsonl",
        help='output JSONL of {"broken","fixed","t","lang","seed","method"}',
    )
    parser.add_argument(
        "--method",
        choices=("diffusion", "rules"),
        default="diffusion",
        help="diffusion: (c_t, c_0) from reverse chains (paper 3.3); rules: rule-based corruptions "
        "of corpus snippets (BIFI/FLAME-style baseline)",
    )
    parser.add_argument(
        "--model", metavar="DIR", help="diffusion model directory (default: the shipped model)"
    )
    parser.add_argument(
        "--t",
        default="uniform",
        metavar="uniform|LO-HI",
        help="steps c_t may come from: any (uniform, the paper's choice) or noise fractions LO-HI, "
        "e.g. 0.05-0.5",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, batch: same file)")
    parser.add_argument(
        "--valid-only",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep only pairs whose broken side the oracle rejects (default on; rules always do)",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="respaced reverse steps per chain (default: the model's, e.g. 10)",
    )
    parser.add_argument("--batch", type=int, default=16, help="chains sampled together (default 16)")
    start = parser.add_mutually_exclusive_group()
    start.add_argument(
        "--from-corpus",
        metavar="LO-HI",
        default=DEFAULT_START_NOISE,
        help="start each chain from a corpus snippet noised to a fraction of T in LO-HI with the "
        f"snippet's length kept (default {DEFAULT_START_NOISE}; 1.0-1.0 is pure noise of a corpus length)",
    )
    start.add_argument(
        "--pure-noise",
        action="store_true",
        help="start each chain from pure noise of any length, as the paper does; the shipped models "
        "rarely end such a chain in valid code (Excel: under 1%%), so few pairs come out",
    )
    parser.add_argument(
        "--corpus",
        nargs="*",
        default=None,
        metavar="PATH",
        help="corpus for placeholder texts (diffusion) or snippets to corrupt (rules): a `lastfix "
        "corpus` directory or JSONL/source files (default: shared/corpora/<lang>)",
    )
    parser.add_argument(
        "--max-documents",
        type=int,
        default=None,
        metavar="N",
        help="read at most N corpus documents (default: all for rules, 5000 for lexeme counts)",
    )
    parser.add_argument(
        "--device", default="auto", choices=("auto", "cpu", "cuda"), help="ONNX Runtime device"
    )
    parser.add_argument("--threads", type=int, default=None, help="ONNX Runtime intra-op threads")
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress (default: a bar on a terminal, else a line every 30 s on stderr)",
    )


def run(args: argparse.Namespace) -> int:
    from lastfix.grammars import get_grammar
    from lastfix.model_training.pair_generation import (
        GenerationReport,
        GenerationSettings,
        diffusion_pairs,
        parse_t_range,
        rule_pairs,
    )
    from lastfix.model_training.progress_output import ProgressOutput

    from .corpus import require_corpus

    if args.n < 1 or (args.steps is not None and args.steps < 2) or args.batch < 1:
        raise InputError("--n and --batch must be positive and --steps at least 2")
    try:
        t_range = parse_t_range(args.t)
        start_noise = None if args.pure_noise else parse_t_range(args.from_corpus, "--from-corpus")
    except ValueError as e:
        raise InputError(str(e)) from None
    grammar = get_grammar(args.lang)
    settings = GenerationSettings(
        n=args.n,
        seed=args.seed,
        steps=args.steps or 10,
        batch=args.batch,
        t_range=t_range,
        start_noise=start_noise,
        valid_only=args.valid_only,
    )
    corpus = [Path(p) for p in args.corpus] if args.corpus else None
    if args.method == "rules" or start_noise is not None:
        require_corpus(grammar.name, corpus)
    report = GenerationReport(args.method)
    progress = ProgressOutput(args.n, "pair", args.method, enabled=not args.no_progress)

    def show(report: GenerationReport) -> None:
        progress.update(
            report.pairs,
            chains=report.chains,
            pairs_s=f"{report.pairs_per_s:.1f}",
            chains_s=f"{report.chains_per_s:.1f}",
        )

    if args.method == "diffusion":
        runtime = _load_model(grammar.name, args.model, args.device, args.threads)
        filler = _filler(grammar, corpus, args.max_documents, runtime.vocab)
        starts: list[str] = []
        if start_noise is not None:
            starts, _ = _snippets_and_vocab(grammar.name, corpus, args.max_documents, None)
        if args.steps is None:
            settings = dataclasses.replace(settings, steps=runtime.settings.steps)
        pairs = diffusion_pairs(runtime, grammar, filler, settings, report, show, starts)
    else:
        snippets, vocab = _snippets_and_vocab(grammar.name, corpus, args.max_documents, args.model)
        pairs = rule_pairs(grammar, vocab, snippets, settings, report, show)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for pair in pairs:
            f.write(json.dumps(pair.to_json(), ensure_ascii=False) + "\n")
    show(report)
    progress.close()
    summary = report.to_json()
    print(
        f"lastfix generate: {report.pairs:,} {args.method} pairs from {report.chains:,} "
        f"{'chains' if args.method == 'diffusion' else 'snippets'} in {report.seconds:.1f} s "
        f"({report.pairs_per_s:.1f} pairs/s, {report.chains_per_s:.1f} "
        f"{'chains' if args.method == 'diffusion' else 'snippets'}/s) -> {out}",
        file=sys.stderr,
    )
    print(json.dumps(summary), file=sys.stderr)
    if report.pairs < args.n:
        print(f"lastfix generate: {_short_of_n(report, settings, args)}", file=sys.stderr)
        return 1
    return 0


def _short_of_n(report, settings, args: argparse.Namespace) -> str:  # type: ignore[no-untyped-def]
    """Why generation stopped before --n: how many it made, the limit it hit, what most tries ended in."""
    from lastfix.model_training.pair_generation import DROP_REASONS

    tries = "chains" if args.method == "diffusion" else "snippets"
    text = (
        f"stopped at {report.pairs:,} of {args.n:,} pairs (written to {args.out}): {report.chains:,} "
        f"{tries} tried, the limit for --n {args.n:,} is {settings.chain_limit:,}"
    )
    if report.dropped:
        reason, count = report.dropped.most_common(1)[0]
        text += f"; {count:,} made no pair because {DROP_REASONS.get(reason, reason)}"
    if args.method == "diffusion" and args.pure_noise:
        return text + "; pure-noise chains of this model rarely end in valid code: drop --pure-noise"
    return text + "; a better-trained model, --no-valid-only or a wider --t helps"


def _load_model(language: str, model: str | None, device: str, threads: int | None):  # type: ignore[no-untyped-def]
    from lastfix.grammars.errors import ModelLoadError
    from lastfix.model_runtime.model_files import default_model_dir, load_model

    directory = Path(model) if model else default_model_dir(language)
    if not model and not (directory / "config.json").is_file():
        raise ModelLoadError(
            f"no diffusion model is shipped for {language} yet ({directory} is empty); pass "
            "--model DIR (written by `lastfix export`), or use --method rules"
        )
    runtime = load_model(directory, device=device, threads=threads)
    if runtime.language != language:
        raise ModelLoadError(
            f"{directory}: the model is for {runtime.language}, not {language}; pass the right --model"
        )
    return runtime


def _filler(grammar, corpus, max_documents, vocab):  # type: ignore[no-untyped-def]
    from lastfix.model_training.placeholder_filling import Filler, lexeme_stats

    sources = corpus
    if corpus and len(corpus) == 1 and (corpus[0] / "snippets.jsonl").is_file():
        sources = [corpus[0] / "snippets.jsonl"]
    stats = lexeme_stats(grammar.name, sources, max_documents=max_documents or 5000)
    return Filler(grammar, stats, vocab)


def _snippets_and_vocab(
    language: str, corpus: list[Path] | None, max_documents: int | None, model: str | None
):  # type: ignore[no-untyped-def]
    """Valid corpus snippets, and the vocabulary of the model when given (else one built on the snippets)."""
    from lastfix.grammars.vocab import Vocabulary
    from lastfix.model_training.corpus import corpus_snippets

    vocab = Vocabulary.load(Path(model) / "vocab.json") if model else None
    snippets, vocab = corpus_snippets(language, corpus, max_documents, vocab)
    if not snippets:
        raise InputError(f"no valid {language} snippet in the corpus to corrupt")
    return snippets, vocab
