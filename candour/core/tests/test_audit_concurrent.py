"""Concurrent audit writers on PostgreSQL: each entry is appended in one round trip (the head's
lock is held only inside the database), and writers that race still make one unbroken chain."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from candour.core.audit import record, verify_chain
from candour.core.models import AuditChainHead, AuditEntry
from candour.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the one-round-trip append is PostgreSQL's; SQLite appends in a locked transaction",
)


@pytest.mark.django_db
def test_an_entry_is_appended_in_one_query_after_reading_the_head() -> None:
    user = UserFactory()
    record(user, "view", object_type="cases.case", object_id="0")  # the head row exists
    with CaptureQueriesContext(connection) as queries:
        entry = record(user, "view", object_type="cases.case", object_id="1")
    assert len(queries) == 2  # read the head; insert the entry and move the head, as one
    head = AuditChainHead.objects.get(id=1)
    assert (head.sequence, head.entry_hash) == (entry.sequence, entry.entry_hash)
    assert AuditEntry.objects.get(pk=entry.pk).object_id == "1"
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)
def test_racing_writers_make_one_unbroken_chain() -> None:
    user = UserFactory()
    record(user, "view", object_type="cases.case", object_id="start")
    threads, per_thread, failures = 8, 15, []
    start = threading.Barrier(threads)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                record(user, "view", object_type="cases.case", object_id=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert failures == []
    total = 1 + threads * per_thread
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == list(
        range(1, total + 1)
    )
    assert AuditEntry.objects.filter(object_type="cases.case").count() == total
    assert AuditChainHead.objects.get(id=1).sequence == total
    assert verify_chain() == []
