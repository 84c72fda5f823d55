"""Console pages without a browser: sign-in, CSRF, forms that work without JavaScript."""

from __future__ import annotations

import re

from tests.api.harness import PASSWORD, Node, signed_in


def test_pages_redirect_to_signin(node: Node) -> None:
    client = node.client()
    answer = client.get("/cases", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/cases"


def test_signin_sets_secure_httponly_cookie(node: Node) -> None:
    client = node.client()
    form = client.get("/signin")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/signin",
        data={"username": "ana", "password": PASSWORD, "signin_token": token.group(1), "next": "/cases"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/cases"
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and "tripline_session" in v)
    assert "HttpOnly" in cookie and "Secure" in cookie and "samesite=lax" in cookie.lower()


def test_signin_refuses_wrong_password_and_forged_form(node: Node) -> None:
    client = node.client()
    form = client.get("/signin")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
    assert token is not None
    wrong = client.post("/signin", data={"username": "ana", "password": "nope", "signin_token": token.group(1)})
    assert wrong.status_code == 401 and "wrong username or password" in wrong.text
    forged = node.client().post("/signin", data={"username": "ana", "password": PASSWORD, "signin_token": "x"})
    assert forged.status_code == 403
    assert "tripline_session" not in forged.headers.get("set-cookie", "")


def test_signin_does_not_redirect_off_site(node: Node) -> None:
    client = node.client()
    form = client.get("/signin?next=//evil.example/x")
    assert 'name="next" value="/"' in form.text


def test_csrf_required_for_cookie_posts(node: Node) -> None:
    client, csrf = signed_in(node, "ana")
    refused = client.post("/cases", data={"title": "no token"}, follow_redirects=False)
    assert refused.status_code == 403
    wrong = client.post("/cases", data={"title": "bad", "csrf_token": "x" * 43}, follow_redirects=False)
    assert wrong.status_code == 403
    made = client.post("/cases", data={"title": "With token", "csrf_token": csrf}, follow_redirects=False)
    assert made.status_code == 303
    case_url = made.headers["location"]
    assert "With token" in client.get(case_url).text
    # the API accepts the session too, with the token in the header
    api = client.post("/api/cases", json={"title": "via htmx"}, headers={"X-CSRF-Token": csrf})
    assert api.status_code == 201
    assert client.post("/api/cases", json={"title": "no header"}).status_code == 403


def test_case_pages_without_javascript(node: Node) -> None:
    client, csrf = signed_in(node, "tom")
    made = client.post("/cases", data={"title": "3GFF-700 shipment", "csrf_token": csrf}, follow_redirects=False)
    url = made.headers["location"]
    case_id = int(url.rsplit("/", 1)[1])
    client.post(f"{url}/items", data={"kind": "container", "ref": "MSKU1234565", "csrf_token": csrf})
    client.post(f"{url}/notes", data={"body": "X-ray anomaly", "csrf_token": csrf})
    client.post(f"{url}/status", data={"status": "investigating", "reason": "scan", "csrf_token": csrf})
    page = client.get(url).text
    assert "MSKU1234565" in page and "X-ray anomaly" in page and "investigating" in page
    pdf = client.get(f"{url}/file.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # another authority's analyst gets a "not found" page, not the case
    other, _ = signed_in(node, "bob")
    hidden = other.get(f"/cases/{case_id}", headers={"Accept": "text/html"})
    assert hidden.status_code == 404 and "3GFF-700" not in hidden.text
    assert "3GFF-700" not in other.get("/cases").text


def test_signout_ends_the_session(node: Node) -> None:
    client, csrf = signed_in(node, "ana")
    out = client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_security_headers(node: Node) -> None:
    answer = node.client().get("/signin")
    assert answer.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert node.client().get("/static/vendor/htmx.min.js").status_code == 200


def test_screen_limmt_and_record_a_decision(node: Node) -> None:
    client, csrf = signed_in(node, "ana")
    page = client.get("/screen", params={"name": "LIMMT"})
    assert page.status_code == 200 and "LIMMT ECONOMIC AND TRADE COMPANY" in page.text
    entity_id = re.search(r'name="entity_id" value="([^"]+)"', page.text)
    assert entity_id is not None
    done = client.post(
        "/screen/decisions",
        data={
            "query_name": "LIMMT",
            "entity_id": entity_id.group(1),
            "verdict": "false_positive",
            "reason": "different firm, other address",
            "back": "/screen?name=LIMMT",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/screen?name=LIMMT"
    again = client.get("/screen", params={"name": "LIMMT"}).text
    assert "different firm, other address" in again and "ana@JP-CUSTOMS" in again
    # an exchange officer has no screening page
    officer, _ = signed_in(node, "eve")
    assert officer.get("/screen", headers={"Accept": "text/html"}).status_code == 403


def test_link_a_screened_entity_to_a_case(node: Node) -> None:
    client, csrf = signed_in(node, "ana")
    made = client.post(
        "/cases", data={"title": "LIMMT procurement network", "csrf_token": csrf}, follow_redirects=False
    )
    case_id = made.headers["location"].rsplit("/", 1)[1]
    page = client.get("/screen", params={"name": "LIMMT"}).text
    assert "Add to case" in page and "LIMMT procurement network" in page
    entity_id = re.search(r'name="kind" value="entity">\s*<input type="hidden" name="ref" value="([^"]+)"', page)
    assert entity_id is not None
    linked = client.post(
        "/cases/link",
        data={"case_id": case_id, "kind": "entity", "ref": entity_id.group(1), "label": "LIMMT (SDN)",
              "back": "/screen?name=LIMMT", "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert linked.status_code == 303 and linked.headers["location"] == "/screen?name=LIMMT"
    case_page = client.get(f"/cases/{case_id}").text
    assert "LIMMT (SDN)" in case_page and "added entity" in case_page


def test_one_time_password_must_be_changed_first(node: Node) -> None:
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user

    _, one_time = create_user(node.db, "newbie", role=Role.ANALYST, authority="JP-CUSTOMS")
    assert one_time is not None
    client = node.client()
    form = client.get("/signin")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/signin",
        data={"username": "newbie", "password": one_time, "signin_token": token.group(1), "next": "/cases"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/account/password"
    assert client.get("/cases", follow_redirects=False).headers["location"] == "/account/password"
    page = client.get("/account/password").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    short = client.post(
        "/account/password", data={"old_password": one_time, "new_password": "short", "csrf_token": csrf.group(1)}
    )
    assert short.status_code == 400 and "at least 12" in short.text
    done = client.post(
        "/account/password",
        data={"old_password": one_time, "new_password": "a much better passphrase", "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/cases", follow_redirects=False).status_code == 200
