"""Excel's built-in functions: names, argument counts, reference parameters (functions.txt)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from ..errors import GrammarError

__all__ = ["FunctionSpec", "FunctionTable", "load_functions", "MAX_ARGS"]

MAX_ARGS = 255  # Excel's limit on the arguments of one call


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """What Excel checks when a formula calling this function is entered."""

    name: str
    min_args: int | None  # None: not checked
    max_args: int | None
    ref_params: tuple[int, ...] = ()  # 1-based positions that must be references
    ref_from: int | None = None  # this position and every later one must be references
    ref_every_other_from: int | None = None  # this position, +2, +4, ... must be references
    returns_reference: bool = False

    def needs_reference(self, position: int) -> bool:
        """Must argument ``position`` (1-based) be a reference?"""
        if position in self.ref_params:
            return True
        if self.ref_from is not None and position >= self.ref_from:
            return True
        start = self.ref_every_other_from
        return start is not None and position >= start and (position - start) % 2 == 0


@dataclass(frozen=True)
class FunctionTable:
    """All built-ins by upper-case name."""

    specs: dict[str, FunctionSpec]

    @functools.cached_property
    def names(self) -> frozenset[str]:
        return frozenset(self.specs)

    @functools.cached_property
    def reference_functions(self) -> frozenset[str]:
        return frozenset(n for n, s in self.specs.items() if s.returns_reference)

    def get(self, name: str) -> FunctionSpec | None:
        """Spec of a called name (``_xlfn.`` / ``_xlws.`` prefixes of newer functions ignored)."""
        upper = name.upper()
        for prefix in ("_XLFN.", "_XLWS."):
            if upper.startswith(prefix):
                upper = upper[len(prefix) :]
        return self.specs.get(upper)


def _count(field: str, line_no: int) -> int | None:
    if field == "-":
        return None
    if field == "*":
        return MAX_ARGS
    if not field.isdigit():
        raise GrammarError(f"functions.txt line {line_no}: {field!r} is not a count, '*' or '-'")
    return int(field)


def _parse_line(line: str, line_no: int) -> FunctionSpec:
    fields = line.split()
    if len(fields) != 5:
        raise GrammarError(
            f"functions.txt line {line_no}: expected 'NAME MIN MAX REFS FLAGS', got {line!r}; "
            "fix the data file"
        )
    name, lo, hi, refs, flags = fields
    positions: list[int] = []
    ref_from = every_other = None
    if refs != "-":
        for part in refs.split(","):
            if part.endswith("+"):
                ref_from = int(part[:-1])
            elif part.endswith("~"):
                every_other = int(part[:-1])
            else:
                positions.append(int(part))
    return FunctionSpec(
        name.upper(),
        _count(lo, line_no),
        _count(hi, line_no),
        tuple(positions),
        ref_from,
        every_other,
        "ref" in flags.split(","),
    )


@functools.cache
def load_functions() -> FunctionTable:
    """Read the shipped table once; GrammarError names the bad line if the data file is damaged."""
    try:
        data = resources.files("lastfix.grammars.excel").joinpath("functions.txt").read_text(encoding="utf-8")
    except OSError as e:
        raise GrammarError(f"cannot read grammars/excel/functions.txt ({e}); reinstall lastfix") from None
    specs: dict[str, FunctionSpec] = {}
    for line_no, raw in enumerate(data.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            spec = _parse_line(line, line_no)
            specs[spec.name] = spec
    return FunctionTable(specs)
