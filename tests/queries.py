"""Queries every request makes in the embedded default (SQLite or PostgreSQL without Redis, as
the suite runs), on top of the ones each test lists. With Redis both are round trips to Redis
instead, and none at all for the version while it is pushed (tests/web/test_version_push.py).
"""

# The content version, read from the database once per request (freshness.RequestScope).
VERSION = 1
# A request counted against a rate limit (any API request but an anonymous 304; a copy check
# or check request through the site's forms) also upserts its counter (accounts.ratelimits).
COUNTED = VERSION + 1
