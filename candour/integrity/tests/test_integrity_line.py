"""The anonymous integrity line: a report leaves nothing identifying its sender in any row or
log line, a reference and passphrase open it again, and only counter-corruption analysts read
and answer it (docs/early-warning.md, "The integrity line")."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.urls import reverse

from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.integrity import line
from candour.integrity.models import IntegrityMessage, IntegrityReport

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.91"
AGENT = "Mozilla/5.0 UniqueAgent-41c9"
REPORT = {
    "force": "cambridgeshire",
    "about": "PC 1234 on the night team",
    "concern": "Asks women he stops for their numbers.",
}


def every_table() -> dict[str, list[str]]:
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted(repr(row) for row in cursor.fetchall())
    return tables


def test_a_report_from_a_signed_in_colleague_stores_nothing_that_identifies_them(
    client, signed_in, caplog
):
    caplog.set_level(logging.DEBUG)
    colleague = signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    before = every_table()
    caplog.clear()  # what setting up the colleague logged
    response = client.post(
        reverse("integrity:line"), REPORT, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT
    )
    assert response.status_code == 200 and "Report sent" in response.content.decode()
    # Only the signed-in colleague's own sign-out form token, which no row records.
    assert set(response.cookies) <= {"csrftoken"}
    after = every_table()
    changed = {table for table in after if after[table] != before.get(table)}
    assert changed == {"integrity_integrityreport"}
    (row,) = after["integrity_integrityreport"]
    for trace in (ADDRESS, "UniqueAgent", colleague.username, client.session.session_key):
        assert trace not in row
    assert "datetime.datetime" not in row  # the day only, no time of sending
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert ADDRESS not in logged and "UniqueAgent" not in logged
    assert colleague.username not in logged
    assert not AuditEntry.objects.filter(user=colleague).exclude(action="login").exists()


def test_the_reference_and_passphrase_open_the_report_to_add_and_read_replies(client):
    response = client.post(reverse("integrity:line"), REPORT)
    assert not response.cookies  # no sign-in, no session, no CSRF cookie
    page = response.content.decode()
    report = IntegrityReport.objects.get()
    assert report.reference in page and report.reporter_name == ""
    passphrase = page.split('data-testid="passphrase">')[1].split("<")[0]
    assert passphrase not in report.passphrase_hash
    url = reverse("integrity:line_follow_up")
    wrong = client.post(url, {"reference": report.reference, "passphrase": "AAAAA-BBBBB"})
    assert "No report matches that reference and passphrase." in wrong.content.decode()
    client.post(url, {"reference": report.reference, "passphrase": passphrase, "text": "Again."})
    assert IntegrityMessage.objects.get().from_reporter
    analyst = pytest.importorskip("candour.factories").UserFactory(role=Role.CCU_ANALYST)
    line.reply(analyst, report.pk, "Thank you: we are looking into it.")
    opened = client.post(
        url, {"reference": report.reference.lower(), "passphrase": passphrase.lower()}
    ).content.decode()
    assert "Again." in opened and "Thank you: we are looking into it." in opened


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.APPROPRIATE_AUTHORITY, Role.SYSTEM_ADMIN])
def test_only_the_analyst_reads_the_reports(client, signed_in, role):
    receipt = line.send_report(**REPORT)
    report = IntegrityReport.objects.get(reference=receipt.reference)
    signed_in(role, ["cambridgeshire"])
    assert client.get(reverse("integrity:line_reports")).status_code == 403
    assert client.get(reverse("integrity:line_report_detail", args=[report.pk])).status_code == 403


def test_the_analyst_reads_a_report_of_their_force_and_replies_audited(client, signed_in):
    report = IntegrityReport.objects.get(reference=line.send_report(**REPORT).reference)
    elsewhere = line.send_report(**{**REPORT, "force": "norfolk"})
    user = signed_in(Role.CCU_ANALYST, ["cambridgeshire"])
    listing = client.get(reverse("integrity:line_reports")).content.decode()
    assert report.reference in listing and elsewhere.reference not in listing
    url = reverse("integrity:line_report_detail", args=[report.pk])
    assert REPORT["concern"] in client.get(url).content.decode()
    assert client.post(url, {"text": "Please tell us when."}).status_code == 302
    assert IntegrityMessage.objects.get(report=report).text == "Please tell us when."
    assert AuditEntry.objects.filter(user=user, object_type="integrity.integritymessage").exists()
