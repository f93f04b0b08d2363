"""A NUL (U+0000) in a page's query string is a form error, never a 500: PostgreSQL raises
DataError on any text holding one, even in a WHERE clause, so it must be refused before a query.

Every field of every GET form on the list and search pages is tried (read from the page itself,
so a field added later is tried too); the admin's searches, filters and record ids as well."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from candour.core.roles import Role
from candour.factories import CaseFactory, PersonFactory, force

pytestmark = pytest.mark.django_db

NUL = "a%00b"

LIST_PAGES = [
    ("/cases/", Role.APPROPRIATE_AUTHORITY),
    ("/cases/people/", Role.INVESTIGATOR),
    ("/vetting/counts/", Role.VETTING_OFFICER),
    ("/transparency/statistics/?by=year", Role.FOI_OFFICER),
    ("/streetsafe/police/", Role.NEIGHBOURHOOD_TEAM),
]

# Controls a NUL cannot make invalid: a ticked checkbox is ticked whatever its value says.
UNCHECKED = {"checkbox", "submit", "hidden"}
# A box of a GOV.UK date input (candour.core.forms.DateInputField): its error is the field's.
DATE_BOX = re.compile(r"_(?:day|month|year)$")


def field_of(control: str) -> str:
    return DATE_BOX.sub("", control)


class GetFormFields(HTMLParser):
    """The names of the controls inside the page's <form method="get"> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.in_get_form = False
        self.fields: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.in_get_form = (found.get("method") or "get").lower() == "get"
        elif self.in_get_form and tag in {"input", "select", "textarea"} and found.get("name"):
            if found.get("type") not in UNCHECKED:
                self.fields.add(str(found["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_get_form = False


def get_form_fields(html: str) -> set[str]:
    parser = GetFormFields()
    parser.feed(html)
    return parser.fields


@pytest.mark.parametrize(("url", "role"), LIST_PAGES)
def test_a_nul_in_any_filter_field_is_that_field_s_error(client: Client, signed_in, url, role):
    signed_in(role, ["cambridgeshire"])
    CaseFactory()
    fields = get_form_fields(client.get(url).content.decode())
    assert fields, url
    joiner = "&" if "?" in url else "?"
    for field in sorted(fields):
        response = client.get(f"{url}{joiner}{field}={NUL}")
        assert response.status_code == 200, (url, field)
        assert f'id="id_{field_of(field)}-error"' in response.content.decode(), (url, field)


def test_the_case_search_says_what_is_wrong(client: Client, signed_in) -> None:
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    for query in (f"q={NUL}", f"subject=PC-{NUL}"):
        body = client.get(f"/cases/?{query}").content.decode()
        assert "govuk-error-summary" in body and "Null characters are not allowed" in body


@pytest.mark.parametrize(
    "query",
    [f"q={NUL}", f"force__code__exact={NUL}", f"force={NUL}", f"o={NUL}", f"role={NUL}"],
)
def test_an_admin_search_or_filter_with_a_nul_is_left_out_with_a_message(
    client: Client, signed_in, query: str
) -> None:
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"], is_staff=True)
    PersonFactory(force=force("cambridgeshire"))
    response = client.get(f"/admin/core/person/?{query}&role=officer")
    assert response.status_code == 302
    name = query.split("=")[0]
    kept = "/admin/core/person/?" + ("" if name == "role" else "role=officer")
    assert response["Location"] == kept
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Null characters are not allowed" in message for message in messages)
    assert client.get(response["Location"]).status_code == 200


def test_an_admin_record_id_with_a_nul_is_no_such_record(client: Client, signed_in) -> None:
    signed_in(Role.SYSTEM_ADMIN, ["cambridgeshire"], is_staff=True)
    response = client.get(f"/admin/core/force/{NUL}/change/")
    assert response.status_code == 302  # the admin's "doesn't exist" answer
    assert client.get("/admin/core/force/cambridgeshire/change/").status_code == 200


def test_a_user_the_admin_list_is_closed_to_is_refused_first(client: Client, signed_in) -> None:
    signed_in(Role.NEIGHBOURHOOD_TEAM, ["cambridgeshire"], is_staff=True)
    assert client.get(f"/admin/core/person/?q={NUL}").status_code == 403
