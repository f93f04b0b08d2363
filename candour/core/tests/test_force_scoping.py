"""A user sees only what their role and forces allow, in pages and API alike."""

import pytest
from django.test import Client

from candour.cases.models import Case
from candour.core.models import ApiToken
from candour.core.roles import Role
from candour.factories import (
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
    UserFactory,
    force,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def suffolk_case() -> Case:
    case = CaseFactory(force=force("suffolk"), ref="SUF/1")
    AllegationSubjectFactory(allegation__case=case)
    return case


@pytest.fixture
def norfolk_case() -> Case:
    case = CaseFactory(force=force("norfolk"), ref="NOR/1")
    AllegationSubjectFactory(allegation__case=case)
    return case


def test_case_list_without_login_redirects_to_login(client: Client) -> None:
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_norfolk_user_cannot_open_a_suffolk_case_page(client, signed_in, suffolk_case) -> None:
    signed_in(Role.INVESTIGATOR, ["norfolk"])
    assert client.get(f"/cases/{suffolk_case.pk}/").status_code == 404


def test_norfolk_user_opens_a_norfolk_case_page(client, signed_in, norfolk_case) -> None:
    signed_in(Role.INVESTIGATOR, ["norfolk"])
    response = client.get(f"/cases/{norfolk_case.pk}/")
    assert response.status_code == 200
    assert b"NOR/1" in response.content


def test_norfolk_user_does_not_see_suffolk_cases_listed(
    client, signed_in, suffolk_case, norfolk_case
) -> None:
    signed_in(Role.INVESTIGATOR, ["norfolk"])
    content = client.get("/cases/").content
    assert b"NOR/1" in content
    assert b"SUF/1" not in content


def test_joint_psd_user_sees_all_three_forces(signed_in) -> None:
    for code in ["bedfordshire", "cambridgeshire", "hertfordshire", "norfolk"]:
        CaseFactory(force=force(code), ref=f"{code}/1")
    user = signed_in(Role.INVESTIGATOR, ["bedfordshire", "cambridgeshire", "hertfordshire"])
    refs = set(Case.objects.visible_to(user).values_list("ref", flat=True))
    assert refs == {"bedfordshire/1", "cambridgeshire/1", "hertfordshire/1"}


def test_norfolk_token_cannot_read_a_suffolk_case_through_the_api(
    client, suffolk_case, norfolk_case
) -> None:
    user = UserFactory(role=Role.INVESTIGATOR, forces=["norfolk"])
    _, raw = ApiToken.issue(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/cases/{suffolk_case.pk}", **auth).status_code == 404
    listed = client.get("/api/cases", **auth).json()
    assert [item["case_ref"] for item in listed["items"]] == ["NOR/1"]
    assert client.get(f"/api/cases/{norfolk_case.pk}", **auth).json()["case_ref"] == "NOR/1"


def test_api_without_a_token_is_unauthorised(client) -> None:
    assert client.get("/api/cases").status_code == 401


def test_api_with_a_wrong_token_is_unauthorised(client) -> None:
    assert client.get("/api/cases", HTTP_AUTHORIZATION="Bearer cdr_not-a-token").status_code == 401


def test_revoked_token_is_unauthorised(client, norfolk_case) -> None:
    from django.utils import timezone

    user = UserFactory(role=Role.INVESTIGATOR, forces=["norfolk"])
    token, raw = ApiToken.issue(user)
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_tokens_are_stored_hashed(db) -> None:
    user = UserFactory()
    token, raw = ApiToken.issue(user)
    assert raw not in token.digest
    assert ApiToken.objects.filter(digest=raw).count() == 0


def test_a_subject_never_sees_a_case_about_themselves(client, signed_in) -> None:
    me = PersonFactory(force=force("cambridgeshire"), ref="ME1")
    about_me = AllegationSubjectFactory(
        subject=me, allegation__case__ref="ABOUT/ME"
    ).allegation.case
    other = AllegationSubjectFactory(allegation__case__ref="OTHER/1").allegation.case
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"], person=me)
    assert client.get(f"/cases/{about_me.pk}/").status_code == 404
    assert client.get(f"/cases/{other.pk}/").status_code == 200
    assert b"ABOUT/ME" not in client.get("/cases/").content


@pytest.mark.parametrize(
    "role", [Role.FOI_OFFICER, Role.PCC_OFFICE, Role.VETTING_OFFICER, Role.SYSTEM_ADMIN]
)
def test_roles_without_case_access_are_refused(client, signed_in, norfolk_case, role) -> None:
    signed_in(role, ["norfolk"])
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{norfolk_case.pk}/").status_code == 403


def test_pcc_token_is_refused_case_data_by_the_api(client, norfolk_case) -> None:
    _, raw = ApiToken.issue(UserFactory(role=Role.PCC_OFFICE, forces=["norfolk"]))
    assert client.get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403


def test_user_without_a_role_sees_nothing(signed_in, norfolk_case) -> None:
    user = signed_in("", ["norfolk"])
    assert not Case.objects.visible_to(user).exists()


def test_openapi_schema_is_published(client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/cases" in schema["paths"]
