from django.test import Client, override_settings


def test_home_page_is_public(client: Client, db) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Candour" in response.content


def test_every_response_carries_a_content_security_policy(client: Client, db) -> None:
    csp = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_pages_cannot_be_framed(client: Client, db) -> None:
    assert client.get("/")["X-Frame-Options"] == "DENY"


def test_referrer_policy_and_nosniff_are_set(client: Client, db) -> None:
    response = client.get("/")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_https_when_deployed(client: Client, db) -> None:
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_api_responses_carry_the_headers_too(client: Client, db) -> None:
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert "Content-Security-Policy" in response
