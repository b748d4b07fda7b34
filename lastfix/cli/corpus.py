"""``lastfix corpus``: build training snippets and a vocabulary from a corpus."""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from lastfix.grammars import LANGUAGES

__all__ = ["add_arguments", "require_corpus", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", required=True, choices=LANGUAGES)
    parser.add_argument(
        "--source",
        action="append",
        type=Path,
        default=None,
        metavar="PATH",
        help="JSONL of {text} documents, a source file or a directory (repeatable; "
        "default: shared/corpora/<lang>/*.jsonl)",
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--max-documents", type=int, default=None, help="read at most N documents")


def run(args: argparse.Namespace) -> int:
    from lastfix.model_training.corpus import (
        CorpusOptions,
        build_corpus,
        build_vocabulary,
        placeholder_rate,
        write_corpus,
    )

    corpus = build_corpus(args.lang, args.source, CorpusOptions(max_documents=args.max_documents))
    vocab = build_vocabulary(args.lang, corpus.snippets)
    sample = random.Random(0).sample(corpus.snippets, min(5000, len(corpus.snippets)))
    corpus.stats["vocab_size"] = len(vocab)
    corpus.stats["placeholder_rate_pct"] = round(100 * placeholder_rate(args.lang, sample, vocab), 1)
    write_corpus(args.out, corpus, vocab)
    print(json.dumps({"language": args.lang, **corpus.stats}), file=sys.stderr)
    return 0


def require_corpus(language: str, corpus: list[Path] | None) -> None:
    """InputError naming ``--corpus`` (the flag of train and generate) when no corpus is given or shared."""
    from lastfix.grammars.errors import InputError
    from lastfix.model_training.corpus import default_sources

    if not corpus and not default_sources(language):
        raise InputError(
            f"no corpus for {language}: pass --corpus PATH (a `lastfix corpus` directory, or JSONL/source "
            "files); the shared corpus (shared/corpora, or $LASTFIX_SHARED) is not beside this checkout"
        )
