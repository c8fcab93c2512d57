"""Refusals that read well on one line: the CLI prints only an error's detail."""

from __future__ import annotations

from relos.kit.errors import RuleViolations, Violation


def refusal(summary: str, problems: list[Violation]) -> RuleViolations:
    """RuleViolations whose detail also lists the first problems by their messages."""
    listed = "; ".join(p.message for p in problems[:5])
    more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
    return RuleViolations(f"{summary}: {listed}{more}", problems)
