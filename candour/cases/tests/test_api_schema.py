"""Schemathesis against /api/openapi.json with a real token: no server error, and every answer
conforms to the schema (status codes, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from candour.core.models import ApiToken
from candour.core.roles import Role
from candour.factories import AllegationSubjectFactory, CaseFactory, UserFactory
from candour.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app closes connections at each request's start and end (Django's test client
    switches that off): on PostgreSQL that closes the test's own transaction mid-test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    """An appropriate authority of Cambridgeshire (reads, changes and decides), with one case
    whose id the generated paths can hit."""
    user = UserFactory(username="schemathesis", role=Role.APPROPRIATE_AUTHORITY)
    AllegationSubjectFactory(allegation__case=CaseFactory(pk=1))
    _, raw = ApiToken.issue(user)
    return raw


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow
def test_the_api_answers_as_its_schema_says(case, token) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
