"""Collects the issues of one upload: every one is counted, the first ones (by line) are kept."""

from domain.errors import IssueReport, RecordIssue


class IssueSink:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.total = 0
        self._kept: list[RecordIssue] = []

    def clear(self) -> None:
        self.total = 0
        self._kept.clear()

    def add(self, issue: RecordIssue) -> None:
        self.add_many([issue], 1)

    def add_many(self, issues: list[RecordIssue], total: int) -> None:
        """Record `total` issues of which `issues` are a sample listing at least the first ones."""
        self.total += total
        self._kept.extend(issues)
        if len(self._kept) > 2 * self.cap:
            self._trim()

    def __bool__(self) -> bool:
        return self.total > 0

    def report(self) -> IssueReport:
        self._trim()
        return IssueReport(tuple(self._kept), self.total)

    def _trim(self) -> None:
        self._kept.sort(key=lambda issue: (issue.line, issue.field))
        del self._kept[self.cap :]
