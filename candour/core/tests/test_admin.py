"""The admin site obeys the roles, the forces and the audit like every page (issue: the system
administrator read and changed vetting decisions of every force through /admin/, unaudited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.core.admin import CandourModelAdmin
from candour.core.models import ApiToken, AuditEntry, Force, User
from candour.core.roles import Role
from candour.factories import AllegationSubjectFactory, PersonFactory, UserFactory, force
from candour.vetting import services as vetting
from candour.vetting.models import Decision, VettingApplication
from candour.vetting.tests.helpers import candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(signed_in):  # type: ignore[no-untyped-def]
    """The system administrator, a superuser, with its forces cut to Norfolk."""
    return signed_in(
        Role.SYSTEM_ADMIN, ["norfolk"], is_staff=True, is_superuser=True, password=None
    )


def entries(**lookup: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**lookup))


def test_every_admin_page_answers_from_the_roles() -> None:
    plain = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, CandourModelAdmin)
    ]
    assert plain == []


def test_the_administrator_cannot_open_vetting_data_wash_or_case_records(
    client, administrator
) -> None:  # type: ignore[no-untyped-def]
    person = PersonFactory(force=force("norfolk"))
    application = vetting.apply_for_vetting(person, "rv")
    match = candidate("norfolk", person)
    case = AllegationSubjectFactory(allegation__case__force=force("norfolk")).allegation.case
    for url in [
        "/admin/vetting/vettingapplication/",
        f"/admin/vetting/vettingapplication/{application.pk}/change/",
        f"/admin/vetting/candidatematch/{match.pk}/change/",
        "/admin/vetting/datawashrun/",
        "/admin/cases/case/",
        f"/admin/cases/case/{case.pk}/change/",
        f"/admin/cases/allegationsubject/{case.allegations.first().subjects.first().pk}/change/",
    ]:
        assert client.get(url).status_code == 403, url
    decided = client.post(
        f"/admin/vetting/vettingapplication/{application.pk}/change/",
        {"person": person.pk, "level": "rv", "kind": "initial", "decision": "granted"},
    )
    assert decided.status_code == 403
    assert VettingApplication.objects.get(pk=application.pk).decision == ""
    index = client.get("/admin/").content.decode()
    for link in ("/admin/vetting/", "/admin/cases/case/", "/admin/cases/allegationsubject/"):
        assert link not in index, link


def test_the_administrator_sees_only_its_forces_people(client, administrator) -> None:  # type: ignore[no-untyped-def]
    PersonFactory(force=force("norfolk"), ref="NOR-PERSON")
    suffolk = PersonFactory(force=force("suffolk"), ref="SUF-PERSON")
    listing = client.get("/admin/core/person/").content.decode()
    assert "NOR-PERSON" in listing and "SUF-PERSON" not in listing
    other = client.get(f"/admin/core/person/{suffolk.pk}/change/")
    assert other.status_code == 302  # "does not exist", as for a missing record
    assert client.get("/admin/core/person/999999/change/").status_code == 302
    assert entries(object_type="core.person", action="list", channel="admin")


def test_a_vetting_officer_reads_vetting_in_the_admin_of_its_forces_only_read_only(
    client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    officer = signed_in(Role.VETTING_OFFICER, ["norfolk"], is_staff=True, password=None)
    mine = vetting.apply_for_vetting(PersonFactory(force=force("norfolk"), ref="NOR-V"), "rv")
    vetting.apply_for_vetting(PersonFactory(force=force("suffolk"), ref="SUF-V"), "rv")
    listing = client.get("/admin/vetting/vettingapplication/").content.decode()
    assert "NOR-V" in listing and "SUF-V" not in listing
    page = client.get(f"/admin/vetting/vettingapplication/{mine.pk}/change/")
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    changed = client.post(
        f"/admin/vetting/vettingapplication/{mine.pk}/change/",
        {"person": mine.person_id, "level": "rv", "kind": "initial", "decision": "granted"},
    )
    assert changed.status_code == 403
    assert VettingApplication.objects.get(pk=mine.pk).decision == ""
    assert entries(user=officer, action="view", object_type="vetting.vettingapplication")


def account_form(account: User, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "role": account.role,
        "forces": [f.pk for f in account.forces.all()],
        "person": account.person_id or "",
    }
    if account.is_active:
        form["is_active"] = "on"
    if account.is_staff:
        form["is_staff"] = "on"
    form.update(changes)
    return {k: v for k, v in form.items() if v is not False}


def test_a_role_change_is_audited_with_before_and_after(client, administrator) -> None:  # type: ignore[no-untyped-def]
    pcc = UserFactory(role=Role.PCC_OFFICE, forces=["norfolk"], password=None)
    response = client.post(
        f"/admin/core/user/{pcc.pk}/change/", account_form(pcc, role=Role.INVESTIGATOR)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=pcc.pk).role == Role.INVESTIGATOR
    [entry] = entries(object_type="core.user", object_id=str(pcc.pk), action="update")
    assert entry.user == administrator and entry.channel == "admin"
    assert '"role":["pcc_office","investigator"]' in entry.detail


def test_force_person_and_staff_changes_are_audited(client, administrator) -> None:  # type: ignore[no-untyped-def]
    account = UserFactory(role=Role.INVESTIGATOR, forces=[], password=None)
    person = PersonFactory(force=force("norfolk"))
    client.post(
        f"/admin/core/user/{account.pk}/change/",
        account_form(account, forces=["norfolk"], person=person.pk, is_staff="on"),
    )
    account.refresh_from_db()
    assert account.force_codes() == ["norfolk"] and account.person == person and account.is_staff
    [entry] = entries(object_type="core.user", object_id=str(account.pk), action="update")
    for part in (
        '"forces":[[],["norfolk"]]',
        f'"person":[null,{person.pk}]',
        '"is_staff":[false,true]',
    ):
        assert part in entry.detail


def test_the_administrator_cannot_grant_a_force_it_does_not_have(client, administrator) -> None:  # type: ignore[no-untyped-def]
    account = UserFactory(role=Role.INVESTIGATOR, forces=["norfolk"], password=None)
    response = client.post(
        f"/admin/core/user/{account.pk}/change/",
        account_form(account, forces=["norfolk", "metropolitan"]),
    )
    assert response.status_code == 200 and "metropolitan" in response.content.decode()
    assert User.objects.get(pk=account.pk).force_codes() == ["norfolk"]
    assert not entries(object_type="core.user", object_id=str(account.pk))


def test_accounts_of_other_forces_are_not_the_administrators(client, administrator) -> None:  # type: ignore[no-untyped-def]
    met = UserFactory(
        username="met-officer", role=Role.INVESTIGATOR, forces=["metropolitan"], password=None
    )
    assert "met-officer" not in client.get("/admin/core/user/").content.decode()
    client.post(f"/admin/core/user/{met.pk}/change/", account_form(met, role=Role.SYSTEM_ADMIN))
    assert User.objects.get(pk=met.pk).role == Role.INVESTIGATOR


def test_an_administrator_cannot_change_its_own_role_or_forces(client, administrator) -> None:  # type: ignore[no-untyped-def]
    client.post(
        f"/admin/core/user/{administrator.pk}/change/",
        account_form(administrator, role=Role.INVESTIGATOR),
    )
    assert User.objects.get(pk=administrator.pk).role == Role.SYSTEM_ADMIN
    assert not entries(object_type="core.user", object_id=str(administrator.pk), action="update")


def test_revoking_a_token_in_the_admin_is_audited(client, administrator) -> None:  # type: ignore[no-untyped-def]
    token, _ = ApiToken.issue(
        UserFactory(role=Role.INVESTIGATOR, forces=["norfolk"], password=None)
    )
    response = client.post(
        "/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    [entry] = entries(object_type="core.apitoken", object_id=str(token.pk), action="update")
    assert entry.user == administrator
    changed = client.post(f"/admin/core/apitoken/{token.pk}/change/", {"name": "renamed"})
    assert changed.status_code == 403


def test_removing_a_two_factor_device_in_the_admin_is_audited(client, administrator) -> None:  # type: ignore[no-untyped-def]
    owner = UserFactory(role=Role.INVESTIGATOR, forces=["norfolk"], password=None)
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    client.post(
        "/admin/otp_totp/totpdevice/", {"action": "remove", "_selected_action": [device.pk]}
    )
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    [entry] = entries(object_type="otp_totp.totpdevice", object_id=str(device.pk), action="delete")
    assert entry.user == administrator


def test_issuing_a_token_from_the_command_is_audited() -> None:
    owner = UserFactory(role=Role.INVESTIGATOR, password=None)
    call_command("token", owner.username)
    [entry] = entries(object_type="core.apitoken", action="token")
    assert owner.username in entry.detail and entry.channel == "cli"


def test_a_reference_data_change_is_audited(client, administrator) -> None:  # type: ignore[no-untyped-def]
    norfolk = Force.objects.get(code="norfolk")
    form = {
        "code": "norfolk",
        "name": "Norfolk Police",
        "country": norfolk.country,
        "region": norfolk.region,
        "territorial": "on",
    }
    assert client.post("/admin/core/force/norfolk/change/", form).status_code == 302
    assert Force.objects.get(code="norfolk").name == "Norfolk Police"
    [entry] = entries(object_type="core.force", object_id="norfolk", action="update")
    assert '"name"' in entry.detail


def test_someone_without_a_capability_is_kept_out_of_the_admin(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in("", ["norfolk"], is_staff=True, is_superuser=False, password=None)
    assert client.get("/admin/").status_code == 302  # to the admin sign-in


def test_the_first_superuser_is_a_system_administrator() -> None:
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org")
    assert User.objects.get(username="root").role == Role.SYSTEM_ADMIN


def test_a_decision_through_the_service_is_still_audited(signed_in) -> None:  # type: ignore[no-untyped-def]
    officer = UserFactory(role=Role.VETTING_OFFICER, forces=["norfolk"], password=None)
    application = vetting.apply_for_vetting(PersonFactory(force=force("norfolk")), "rv")
    vetting.decide_vetting(
        application, Decision.GRANTED, by=officer, decided_on=dt.date(2024, 1, 1)
    )
    assert entries(user=officer, action="update", object_type="vetting.vettingapplication")
