"""Repair the verdict and score readers see, for databases migrated through the first 0007.

Until it was fixed, 0007's backfill gave every existing claim one and the same rating's
verdict and score (Rating's default ordering joined claims_claim into the subquery under the
UPDATE's own table name; tests/test_migrations.py). A database that ran it keeps those
values until each claim is next re-rated or published, so lists and search order and filter
by the wrong verdict. This runs the corrected backfill again: it writes what the services
would have written, so on a database that never had the bug it changes nothing.
"""

import importlib

from django.db import migrations

_0007 = importlib.import_module("claimcheck.claims.migrations.0007_claim_shown_verdict")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_check_request_notify_email"),
    ]

    operations = [
        migrations.RunPython(_0007.no_statement_timeout, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(_0007.fill_shown, migrations.RunPython.noop, elidable=True),
    ]
