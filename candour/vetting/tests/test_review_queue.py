"""The data-wash review queue: decisions, the guard against two officers deciding at once,
and a confirmed match opening a vetting review."""

import pytest
from django.urls import reverse

from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory, force
from candour.vetting import services
from candour.vetting.models import CandidateMatch, CandidateStatus
from candour.vetting.tests.helpers import candidate

pytestmark = pytest.mark.django_db


def officer(forces=("norfolk",)):  # type: ignore[no-untyped-def]
    return UserFactory(role=Role.VETTING_OFFICER, forces=list(forces))


def test_same_person_opens_a_vetting_review_from_the_data_wash() -> None:
    person = PersonFactory(force=force("norfolk"))
    match = candidate(person=person)
    decided = services.decide_candidate(officer(), match.pk, "same_person")
    assert decided.status == CandidateStatus.SAME_PERSON
    review = decided.review
    assert review is not None and review.person == person
    assert (review.trigger, review.source, review.decision) == ("new_information", "data wash", "")


def test_not_the_same_person_opens_nothing() -> None:
    person = PersonFactory(force=force("norfolk"))
    match = candidate(person=person)
    decided = services.decide_candidate(officer(), match.pk, "not_same_person", note="Twin")
    assert decided.review is None and decided.note == "Twin"
    assert not person.vetting.exists()


def test_the_second_of_two_officers_is_told_and_does_not_overwrite() -> None:
    match = candidate(person=PersonFactory(force=force("norfolk")))
    first, second = officer(), officer()
    services.decide_candidate(first, match.pk, "not_same_person", seen_status="pending")
    with pytest.raises(services.CandidateAlreadyDecided, match=first.username):
        services.decide_candidate(second, match.pk, "same_person", seen_status="pending")
    match.refresh_from_db()
    assert (match.status, match.decided_by) == ("not_same_person", first)
    assert match.review is None


def test_a_referred_candidate_can_be_decided_by_a_senior_officer() -> None:
    match = candidate(person=PersonFactory(force=force("norfolk")))
    services.decide_candidate(officer(), match.pk, "referred")
    senior = officer()
    decided = services.decide_candidate(senior, match.pk, "same_person", seen_status="referred")
    assert (decided.status, decided.decided_by) == ("same_person", senior)


def test_an_officer_cannot_decide_another_forces_candidate() -> None:
    match = candidate("suffolk")
    with pytest.raises(CandidateMatch.DoesNotExist):
        services.decide_candidate(officer(["norfolk"]), match.pk, "same_person")
    match.refresh_from_db()
    assert match.status == "pending"


def test_every_decision_is_audited() -> None:
    match = candidate(person=PersonFactory(force=force("norfolk")))
    user = officer()
    services.decide_candidate(user, match.pk, "same_person")
    entry = AuditEntry.objects.filter(object_type="vetting.candidatematch").last()
    assert (entry.user, entry.action, entry.object_id) == (user, "update", str(match.pk))
    assert '"decision":"same_person"' in entry.detail


class TestPages:
    def test_the_list_shows_pending_candidates_highest_weight_first(
        self, client, signed_in
    ) -> None:  # type: ignore[no-untyped-def]
        signed_in(Role.VETTING_OFFICER, ["norfolk"])
        # Ids no random token in the page (CSRF, CSP nonce) can contain by chance.
        candidate(record_id="NAT-LOW-WEIGHT", weight=5.0)
        candidate(record_id="NAT-HIGH-WEIGHT", weight=20.0)
        decided = candidate(record_id="NAT-DECIDED", weight=30.0, status="not_same_person")
        response = client.get(reverse("vetting:candidates"))
        body = response.content.decode()
        assert body.index("NAT-HIGH-WEIGHT") < body.index("NAT-LOW-WEIGHT")
        assert decided.record_id not in body

    def test_a_norfolk_officer_never_sees_suffolk_candidates(self, client, signed_in) -> None:  # type: ignore[no-untyped-def]
        signed_in(Role.VETTING_OFFICER, ["norfolk"])
        suffolk = candidate("suffolk", record_id="N-SUFFOLK")
        assert "N-SUFFOLK" not in client.get(reverse("vetting:candidates")).content.decode()
        assert client.get(reverse("vetting:candidate", args=[suffolk.pk])).status_code == 404
        response = client.post(
            reverse("vetting:candidate", args=[suffolk.pk]),
            {"decision": "same_person", "seen_status": "pending"},
        )
        assert response.status_code == 404
        suffolk.refresh_from_db()
        assert suffolk.status == "pending"

    def test_the_comparison_page_shows_both_records_reasons_and_weight_bars(  # type: ignore[no-untyped-def]
        self, client, signed_in
    ) -> None:
        signed_in(Role.VETTING_OFFICER, ["norfolk"])
        match = candidate()
        body = client.get(reverse("vetting:candidate", args=[match.pk])).content.decode()
        assert "William James" in body and "Bill" in body
        assert "dob: day and month swapped" in body
        assert "candour-weight-bar--for candour-weight-bar--10" in body  # surname, the largest
        assert "candour-weight-bar--against candour-weight-bar--1" in body
        assert 'style="' not in body

    def test_deciding_through_the_page_redirects_to_the_list(self, client, signed_in) -> None:  # type: ignore[no-untyped-def]
        signed_in(Role.VETTING_OFFICER, ["norfolk"])
        match = candidate(person=PersonFactory(force=force("norfolk")))
        response = client.post(
            reverse("vetting:candidate", args=[match.pk]),
            {"decision": "same_person", "seen_status": "pending"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("vetting:candidates")
        assert "A vetting review of this person has been opened" in response.content.decode()

    def test_a_late_decision_through_the_page_gets_a_clear_message(self, client, signed_in) -> None:  # type: ignore[no-untyped-def]
        signed_in(Role.VETTING_OFFICER, ["norfolk"])
        match = candidate()
        services.decide_candidate(officer(), match.pk, "not_same_person")
        response = client.post(
            reverse("vetting:candidate", args=[match.pk]),
            {"decision": "same_person", "seen_status": "pending"},
            follow=True,
        )
        assert "your decision was not saved" in response.content.decode()
        match.refresh_from_db()
        assert match.status == "not_same_person"

    def test_other_roles_cannot_open_the_queue(self, client, signed_in) -> None:  # type: ignore[no-untyped-def]
        signed_in(Role.INVESTIGATOR, ["norfolk"])
        assert client.get(reverse("vetting:candidates")).status_code == 403


def test_the_comparison_page_shows_the_ni_numbers_side_by_side(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    match = candidate()
    match.workforce_record = {**match.workforce_record, "ni_number": "QQ123456C"}
    match.national_record = {**match.national_record, "ni_number": "QQ123456D"}
    match.save()
    body = client.get(reverse("vetting:candidate", args=[match.pk])).content.decode()
    assert "NI number" in body
    assert body.index("QQ123456C") < body.index("QQ123456D")
