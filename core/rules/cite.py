"""Where a figure comes from: a document number and a clause in it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Cite:
    document: str  # exactly as printed, e.g. 东政办〔2021〕6号
    clause: str  # e.g. 四（三）1

    def __str__(self) -> str:
        return f"{self.document} {self.clause}".strip()
