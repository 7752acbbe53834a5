"""Web pages fetched concurrently ahead of the audit, in a bounded window."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from audit.inputs.fetch import Fetcher, Page


class FetchAhead:
    """Pages fetched concurrently ahead of the audit, at most WINDOW at a time.

    Each fetched page is held until its turn comes, so the window bounds memory: WINDOW pages
    of at most --max-bytes each, however long the list of URLs (an unbounded window held
    1.1 GB for a large sitemap).
    """

    WORKERS = 8
    WINDOW = 16

    def __init__(self, fetcher: Fetcher, inputs: list[Any]) -> None:
        self.fetcher = fetcher
        self.todo = deque(inputs)
        self.pool = ThreadPoolExecutor(max_workers=self.WORKERS)
        self.pending: dict[int, Future[Page]] = {}
        self._fill()

    def _fill(self) -> None:
        while self.todo and len(self.pending) < self.WINDOW:
            inp = self.todo.popleft()
            self.pending[id(inp)] = self.pool.submit(self.fetcher.get_page, inp.url)

    def next(self, inp: Any) -> Page:
        """The page of `inp` (inputs are asked for in the order they were given)."""
        future = self.pending.pop(id(inp))
        self._fill()
        return future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
