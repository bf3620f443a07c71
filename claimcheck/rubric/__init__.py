"""ClaimCheck's rating rubric: pure Python, no Django, versioned (see tables.VERSION)."""

from .describe import describe
from .engine import ClaimInput, Factor, Rating, RubricInputError, SignalInput, StudyInput, rate
from .tables import VERSION

__all__ = [
    "VERSION",
    "ClaimInput",
    "Factor",
    "Rating",
    "RubricInputError",
    "SignalInput",
    "StudyInput",
    "describe",
    "rate",
]
