"""The work queue: the open matters of the user's forces, oldest first."""

import datetime as dt

import pytest
from django.urls import reverse

from candour.core.roles import Role
from candour.factories import AllegationSubjectFactory, force

pytestmark = pytest.mark.django_db


def test_lists_open_matters_oldest_first_and_leaves_out_finalised_ones(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    AllegationSubjectFactory(
        allegation__case__ref="CAM/NEWER", allegation__case__received_date=dt.date(2025, 1, 1)
    )
    AllegationSubjectFactory(
        allegation__case__ref="CAM/OLDER", allegation__case__received_date=dt.date(2023, 1, 1)
    )
    AllegationSubjectFactory(allegation__case__ref="CAM/DONE", outcome="no_further_action")
    AllegationSubjectFactory(
        allegation__case__ref="NOR/OPEN", allegation__case__force=force("norfolk")
    )
    body = client.get(reverse("cases:work_queue")).content.decode()
    assert body.index("CAM/OLDER") < body.index("CAM/NEWER")
    assert "CAM/DONE" not in body and "NOR/OPEN" not in body
    assert "2 open matters" in body
