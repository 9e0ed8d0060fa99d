"""Problems found in an input file: errors reject it, warnings do not."""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding, located as precisely as the input allows.

    `cell` is an A1 reference (``G12``) or None for a whole sheet/file problem;
    `sheet` is None for a whole-file problem.  `message` is Japanese and says
    what is wrong and what is allowed.
    """
    sheet: str | None
    cell: str | None
    message: str
    severity: str = ERROR
    value: str | None = None

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def to_json(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "message": self.message}

    def as_dict(self) -> dict:
        return asdict(self)


class RejectedFile(Exception):
    """A file that cannot be read at all (not a workbook, encrypted, bomb…)."""

    def __init__(self, message: str, sheet: str | None = None):
        super().__init__(message)
        self.problem = Problem(sheet, None, message)
