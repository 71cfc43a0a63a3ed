"""Counts the except-handlers in lnob/api/ and the views that catch the
services' refusals (issue 19's "lines devoted to catching and translating
errors"): python scripts/count_error_catches.py [lnob] [-v]."""

from __future__ import annotations

import ast
import pathlib
import sys

CAUGHT = {"PermissionError", "CaseChanged", "ConflictError", "StoryChanged",
          "AgendaCaseChanged", "StepRefused", "OpenCaseExists", "ImportRefused",
          "TooManyReports", "NotAllowed", "NotFound", "Conflict", "Refused", "DomainError"}


def names(node: ast.expr | None) -> set[str]:
    if isinstance(node, ast.Tuple):
        return set().union(*(names(e) for e in node.elts))
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.Name):
        return {node.id}
    return set()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    root = pathlib.Path(args[0] if args else "lnob")
    totals = {"api": [0, 0], "views": [0, 0]}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if {"tests", "testing"} & set(relative.parts):
            continue
        in_api = relative.parts[0] == "api" and path.name != "errors.py"
        if not in_api and "views" not in str(relative):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and names(node.type) & CAUGHT:
                kind = "api" if in_api else "views"
                totals[kind][0] += 1
                totals[kind][1] += (node.end_lineno or node.lineno) - node.lineno + 1
                if "-v" in sys.argv:
                    print(f"{path}:{node.lineno} {sorted(names(node.type))}")
    for kind, (handlers, lines) in totals.items():
        print(f"{kind}: {handlers} handlers, {lines} lines")


if __name__ == "__main__":
    main()
