"""Check marketing copy: find the claims ClaimCheck knows in a pasted text, flag wording that
FDA treats as a drug or device claim, and list claim-like sentences nobody has checked yet.

Pure Python over an in-memory index (index.py), built once per process from the published
claims and rebuilt when the content version changes. No network and no model: the same text
and the same claims always give the same answer.

    from claimcheck.claims import copycheck
    result = copycheck.check(text)   # matches, drug_claim_flags, unchecked
"""

from .matcher import MAX_CHARS, CheckResult, check, check_with_index

__all__ = ["MAX_CHARS", "CheckResult", "check", "check_with_index"]
