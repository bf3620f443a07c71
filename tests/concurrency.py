"""Two writers at the same moment, on PostgreSQL, with real connections (issue #14, F2, F6).

`race(row, *calls)` holds a lock on `row` from a third connection, starts every call in its own
thread (each thread gets its own Django connection), waits until all of them are blocked on
that lock inside the database, and then releases it: whatever the calls read before taking
their own lock, they read at the same moment. A writer that checks before it locks (the
defect) lets every call succeed; one that locks and re-checks lets exactly one through."""

import threading
import time

import psycopg2
from django.db import connection, connections

WAIT = 20  # seconds for every call to reach the lock, at most


def _connect():
    settings = connection.settings_dict
    params = {"dbname": settings["NAME"], "user": settings["USER"]}
    params["host"] = settings["HOST"] or "127.0.0.1"
    params["port"] = settings["PORT"] or 5432
    if settings.get("PASSWORD"):
        params["password"] = settings["PASSWORD"]
    return psycopg2.connect(**params)


def _waiting(cursor):
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return cursor.fetchone()[0]


def race(table, pk, *calls):
    """Run `calls` concurrently against a row of `table` locked until all of them wait.
    Returns each call's result or the exception it raised, in order."""
    holder = _connect()
    watcher = _connect()
    watcher.autocommit = True
    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the caller inspects it
            results[index] = error
        finally:
            connections.close_all()

    try:
        with holder.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608
        threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + WAIT
        with watcher.cursor() as cursor:
            while _waiting(cursor) < len(calls):
                # A call that does not wait at all (it refused early) is finished instead.
                if all(not t.is_alive() for t in threads) or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        holder.rollback()
        for thread in threads:
            thread.join(WAIT)
    finally:
        holder.close()
        watcher.close()
    return results
