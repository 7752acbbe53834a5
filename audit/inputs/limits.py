"""Every size and time limit of a run, in one place: set once from the command line, handed down.

Files, rows and standard input larger than `max_file_bytes` are refused with a message rather
than audited for minutes: a 20 MB page is an export or a mistake, not a draft. Web requests are
bounded by a deadline for the whole request and a cap on the body.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20_000_000  # a file, an export row or standard input (--max-file-size)
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 30.0  # a whole request: connect, redirects, retries, the last byte
    max_bytes: int = 5_000_000  # a fetched body (--max-bytes)
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5
    allow_private: bool = False  # loopback, private and link-local addresses
