"""Files of 100+ lines with one slip each, as a user saves them (issue 18: fix on save that fixes).

Plain code a user could have written, generated so the slip sits in the middle of the file: Python with a
``def`` missing its ``:``, PowerShell with an ``if (`` missing its ``)``, and an Excel sheet of 150
formulas one of which is ``=SUM(C5-B5`` (two fixes of the same cost: the ranking decides).
"""

from __future__ import annotations

__all__ = ["SLIP_DOCUMENTS", "python_slip", "powershell_slip", "excel_slip"]


def python_slip(functions: int = 12, slip: int = 6) -> tuple[str, str]:
    """(broken, fixed): a module of small functions, one ``def`` line without its colon."""
    lines = ["import math", "", ""]
    for i in range(functions):
        lines += [
            f"def compute_{i}(values, scale={i + 1}):",
            '    """Scale and sum the values."""',
            "    total = 0",
            "    for value in values:",
            f"        if value > {i}:",
            "            total += value * scale",
            "        else:",
            "            total -= math.sqrt(abs(value))",
            "    return total",
            "",
            "",
        ]
    fixed = "\n".join(lines) + "\n"
    header = f"def compute_{slip}(values, scale={slip + 1}):"
    return fixed.replace(header, header[:-1]), fixed


def powershell_slip(functions: int = 10, slip: int = 5) -> tuple[str, str]:
    """(broken, fixed): a script of small functions, one ``if (`` condition left unclosed."""
    lines = []
    for i in range(functions):
        lines += [
            f"function Get-Total{i} {{",
            f"    param([int[]]$Values, [int]$Scale = {i + 1})",
            "    $total = 0",
            "    foreach ($value in $Values) {",
            f"        if ($value -gt {i}) {{",
            "            $total += $value * $Scale",
            "        } else {",
            "            $total -= $value",
            "        }",
            "    }",
            "    return $total",
            "}",
            "",
        ]
    fixed = "\n".join(lines) + "\n"
    return fixed.replace(f"($value -gt {slip}) {{", f"($value -gt {slip} {{"), fixed


def excel_slip(rows: int = 150, slip: int = 75) -> tuple[str, str]:
    """(broken, fixed): a sheet of formulas, one a line, row ``slip`` missing its closing parenthesis."""
    shapes = [
        "=SUM(B{r}:D{r})",
        "=C{r}-B{r}",
        '=IF(A{r}>0,B{r}*2,"none")',
        "=AVERAGE(B{r}:F{r})",
        "=ROUND(E{r}/3,2)",
    ]
    lines = [shapes[r % len(shapes)].format(r=r) for r in range(1, rows + 1)]
    broken, fixed = list(lines), list(lines)
    broken[slip - 1], fixed[slip - 1] = "=SUM(C5-B5", "=SUM(C5-B5)"
    return "\n".join(broken) + "\n", "\n".join(fixed) + "\n"


# language -> (LSP language id, file name, broken text, fixed text)
SLIP_DOCUMENTS: dict[str, tuple[str, str, str, str]] = {
    "python": ("python", "slip.py", *python_slip()),
    "powershell": ("powershell", "slip.ps1", *powershell_slip()),
    "excel": ("excel-formula", "slip.xlf", *excel_slip()),
}
