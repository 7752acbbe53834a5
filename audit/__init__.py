"""claims-audit: flag health claims that need a citation or an edit before publication."""

__version__ = "0.1.0"
PROG = "claims-audit"  # the command's name, in messages, reports and the User-Agent
