"""FOI officers prepare, save, download and re-run answers; small numbers stay withheld."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from candour.core.models import AuditEntry
from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
    force,
)
from candour.transparency import services
from candour.transparency.models import FoiAnswer
from candour.transparency.stats import StatsQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    """Cambridgeshire: 9 officers in sexual-misconduct allegations, 6 in domestic abuse, 2 in
    dishonesty (a small cell); plus a Norfolk officer the FOI officer may not count."""
    for n in range(17):
        flag = "sexual" if n < 9 else "domestic_abuse" if n < 15 else "dishonesty"
        case = CaseFactory(ref=f"C{n}", received_date=dt.date(2016 + n % 6, 6, 1))
        AllegationSubjectFactory(
            allegation=AllegationFactory(case=case, flags=[flag]),
            subject=PersonFactory(ref=f"O{n}"),
        )
    AllegationSubjectFactory(
        allegation__case=CaseFactory(force=force("norfolk")), subject__ref="N1"
    )


def answer_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "reference": "FOI/2024/0001",
        "request_text": "How many officers were investigated for sexual misconduct or domestic abuse?",
        "count": "officers",
        "by": "flag",
        "then_by": "",
        "date_from": "2015-04-01",
        "date_to": "2022-03-31",
        "date_field": "received_date",
        "case_type": "",
    }
    data.update(overrides)
    return data


def test_an_foi_officer_saves_an_answer_with_small_numbers_withheld(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    response = client.post(reverse("transparency:foi"), answer_form())
    answer = FoiAnswer.objects.get()
    assert response.status_code == 302 and response.url == answer.get_absolute_url()
    rows = {row["flag"]: row for row in answer.figures["rows"]}
    assert rows["sexual"]["value"] == 9
    assert rows["dishonesty"] == {"flag": "dishonesty", "value": None, "suppressed": True}
    assert rows["domestic_abuse"]["suppressed"]  # withheld too, or 17 - 9 - 6 gives it away
    assert answer.figures["total"]["value"] == 17  # Norfolk is not counted
    assert answer.threshold == 5
    assert [f.code for f in answer.forces.all()] == ["cambridgeshire"]
    assert answer.sentences[0].startswith(
        "Between 1 April 2015 and 31 March 2022, 17 officers in Cambridgeshire Constabulary were the subject of allegations; 9 of them for sexual misconduct"
    )
    assert AuditEntry.objects.filter(object_type="transparency.foianswer", action="create").exists()


def test_the_answer_page_explains_the_section_40_exemption(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form())
    page = client.get(FoiAnswer.objects.get().get_absolute_url()).content.decode()
    assert "section 40(2) of the Freedom of Information Act 2000" in page
    assert "withheld" in page
    assert 'type="application/json"' in page and "vendor/chart.umd.js" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods", "pdf"])
def test_downloads_carry_the_figures_as_given(signed_in, client, records, fmt):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form())
    answer = FoiAnswer.objects.get()
    response = client.get(reverse("transparency:foi_download", args=[answer.pk, fmt]))
    assert response.status_code == 200
    body = response.content
    if fmt == "csv":
        lines = body.decode().splitlines()
        assert "sexual,Sexual,9,false" in lines and "dishonesty,Dishonesty,,true" in lines
    elif fmt == "pdf":
        assert body.startswith(b"%PDF")
    else:
        import pandas

        sheet = pandas.read_excel(
            io.BytesIO(body), sheet_name="statistics", engine="openpyxl" if fmt == "xlsx" else "odf"
        )
        assert sheet["value"].iloc[0] == 9


def test_a_format_it_cannot_write_is_a_404_and_no_export_is_audited(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form())
    answer = FoiAnswer.objects.get()

    response = client.get(reverse("transparency:foi_download", args=[answer.pk, "exe"]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()
    refused = AuditEntry.objects.get(action="refused")
    assert refused.object_id.endswith("/download.exe")


def test_rerun_compares_with_the_records_now(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form())
    answer = FoiAnswer.objects.get()
    same = client.get(answer.get_absolute_url() + "?rerun=1").content.decode()
    assert "The records give the same figures" in same
    case = CaseFactory(ref="LATE", received_date=dt.date(2020, 1, 1))
    AllegationSubjectFactory(
        allegation=AllegationFactory(case=case, flags=["sexual"]), subject__ref="NEW"
    )
    changed = client.get(answer.get_absolute_url() + "?rerun=1").content.decode()
    assert "Some figures differ" in changed
    answer.refresh_from_db()
    assert {r["flag"]: r["value"] for r in answer.figures["rows"]}["sexual"] == 9  # as given


def test_two_breakdowns_are_shown_as_a_table_with_totals(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form(by="year", then_by="flag"))
    answer = FoiAnswer.objects.get()
    assert len(answer.figures["margins"]) == 2
    page = client.get(answer.get_absolute_url()).content.decode()
    assert "Total" in page


def test_answers_about_other_forces_are_not_shown(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form())
    answer = FoiAnswer.objects.get()
    client.logout()
    signed_in("foi_officer", ["norfolk"])
    assert client.get(answer.get_absolute_url()).status_code == 404
    assert answer.reference not in client.get(reverse("transparency:foi_answers")).content.decode()


def test_a_force_outside_the_officers_own_cannot_be_chosen(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    response = client.post(reverse("transparency:foi"), answer_form(forces=["norfolk"]))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not FoiAnswer.objects.exists()


def test_roles_without_answer_foi_are_refused(signed_in, client):  # type: ignore[no-untyped-def]
    signed_in("investigator", ["cambridgeshire"])
    assert client.get(reverse("transparency:foi")).status_code == 403


def test_the_saved_answers_page_lists_answers(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form())
    assert "FOI/2024/0001" in client.get(reverse("transparency:foi_answers")).content.decode()


def save_answer(user, reference: str, forces: tuple[str, ...] = ()) -> FoiAnswer:  # type: ignore[no-untyped-def]
    return services.record_foi_answer(
        user,
        StatsQuery(count="officers", by=("year",), forces=forces),
        reference=reference,
        request_text="How many officers?",
        threshold=3,
    )


def test_a_reference_already_used_for_the_force_is_refused(records) -> None:  # type: ignore[no-untyped-def]
    officer = UserFactory(role="foi_officer", forces=["cambridgeshire"])
    save_answer(officer, "FOI/2024/0001")
    with pytest.raises(
        services.DuplicateFoiReference, match="Cambridgeshire Constabulary already has"
    ):
        save_answer(officer, " foi/2024/0001 ")
    assert FoiAnswer.objects.count() == 1


def test_another_force_may_use_the_same_reference(records) -> None:  # type: ignore[no-untyped-def]
    save_answer(UserFactory(role="foi_officer", forces=["cambridgeshire"]), "FOI/2024/0001")
    save_answer(UserFactory(role="foi_officer", forces=["norfolk"]), "FOI/2024/0001")
    assert FoiAnswer.objects.filter(reference="FOI/2024/0001").count() == 2


def test_an_answer_covering_two_forces_clashes_with_either(records) -> None:  # type: ignore[no-untyped-def]
    save_answer(UserFactory(role="foi_officer", forces=["norfolk"]), "FOI/2024/0009")
    both = UserFactory(role="foi_officer", forces=["cambridgeshire", "norfolk"])
    with pytest.raises(services.DuplicateFoiReference, match="Norfolk"):
        save_answer(both, "FOI/2024/0009", forces=("cambridgeshire", "norfolk"))


def test_the_form_shows_a_duplicate_reference_as_an_error_on_the_field(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("foi_officer", ["cambridgeshire"])
    client.post(reverse("transparency:foi"), answer_form())
    response = client.post(reverse("transparency:foi"), answer_form())
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'id="id_reference-error"' in page and "already has an FOI answer" in page
    assert FoiAnswer.objects.count() == 1
