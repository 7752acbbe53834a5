"""Errors the CLI turns into one-line messages and exit code 2 (never a traceback)."""


class AuditError(Exception):
    """Base class: the message is shown to the user as it is."""


class UsageError(AuditError):
    """Bad command-line arguments."""


class RuleError(AuditError):
    """A malformed rule pack: the message names the file, the rule id and what is wrong."""


class InputError(AuditError):
    """An input that could not be read; the run goes on with the others."""
