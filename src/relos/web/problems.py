"""What a refused action says on a page, in the page's language.

Services raise RelosError with an English detail for the API and the CLI. A page shows the
broken rules from their codes and parameters (RuleViolations), and otherwise a sentence
chosen by the kind of error; the English detail is shown only to English readers, so a
Russian page never carries an English service message.
"""

from __future__ import annotations

from collections.abc import Callable

from relos.kit.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    RelosError,
    RuleViolations,
    TooManyRequests,
)
from relos.web.filing import describe_violation
from relos.web.i18n import Formatter
from relos.web.vocabulary import N_

# By kind of error: the sentence a reader of any language gets.
KINDS: tuple[tuple[type[RelosError], str], ...] = (
    (NotFound, N_("There is no such record, or it is not visible to you.")),
    (Forbidden, N_("Your role or party does not allow this.")),
    (Conflict, N_("This cannot be done in the record's present state.")),
    (PreconditionFailed, N_("Someone changed this record meanwhile: reload it and try again.")),
    (TooManyRequests, N_("Too many attempts: wait a minute and try again.")),
    (InvalidInput, N_("Some of what was entered is not valid.")),
)
OTHER = N_("The request was refused.")


def problem_lines(exc: RelosError, locale: str, gettext: Callable[[str], str]) -> list[str]:
    """The sentences to show for a refused action, best first."""
    if isinstance(exc, RuleViolations) and exc.violations:
        fmt = Formatter(locale)
        return [describe_violation(v.to_dict(), fmt, gettext) for v in exc.violations]
    sentence = next((text for kind, text in KINDS if isinstance(exc, kind)), OTHER)
    lines = [gettext(sentence)]
    if locale == "en" and exc.detail:
        lines.append(exc.detail.rstrip(".") + ".")
    return lines
