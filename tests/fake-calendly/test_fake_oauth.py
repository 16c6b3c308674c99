# SPDX-License-Identifier: MIT
"""Self-test of the fake Calendly's OAuth 2.0 auth base: authorize, token (PKCE, rotation, reuse), revoke, introspect."""

import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import unittest
from urllib.parse import parse_qs, urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "fake_calendly.py")
CLIENT, SECRET = "client-one", "secret-one"
REDIRECT = "http://127.0.0.1:9/wp-admin/admin-post.php?action=tfsp_calendly_oauth"

FAKE = API = AUTH = None


def setUpModule():
    global FAKE, API, AUTH
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    FAKE = subprocess.Popen([sys.executable, PROGRAM, "--host", "127.0.0.1", "--port", "0", "--auth-port", "0",
                             "--oauth-client", CLIENT + ":" + SECRET],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    api = re.match(r"^fake-calendly listening on http://127\.0\.0\.1:(\d+)$", FAKE.stdout.readline().strip())
    auth = re.match(r"^fake-calendly auth base on http://127\.0\.0\.1:(\d+)$", FAKE.stdout.readline().strip())
    if not api or not auth:
        FAKE.kill()
        raise RuntimeError("fake did not start: " + FAKE.stderr.read())
    API, AUTH = int(api.group(1)), int(auth.group(1))


def tearDownModule():
    FAKE.send_signal(signal.SIGTERM)
    try:
        FAKE.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        FAKE.kill()
        FAKE.communicate()


def call(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw
    finally:
        conn.close()


def control(name, body=None):
    status, _, raw = call(API, "GET" if body is None else "POST", "/_control/" + name,
                          None if body is None else json.dumps(body).encode(), {"Content-Type": "application/json"})
    assert status < 300, (name, status, raw)
    return json.loads(raw)


def basic(cid=CLIENT, sec=SECRET):
    return "Basic " + base64.b64encode(("%s:%s" % (cid, sec)).encode()).decode()


def token_request(form, auth=None):
    status, headers, raw = call(AUTH, "POST", "/oauth/token", urlencode(form).encode(),
                                {"Content-Type": "application/x-www-form-urlencoded", "Authorization": auth or basic()})
    return status, headers, json.loads(raw)


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(state="s1", challenge=None, decision="allow", client=CLIENT):
    """GETs the sign-in page, submits its form as a browser would; returns the redirect's query."""
    q = {"client_id": client, "response_type": "code", "redirect_uri": REDIRECT, "state": state}
    if challenge:
        q.update(code_challenge=challenge, code_challenge_method="S256")
    status, headers, raw = call(AUTH, "GET", "/oauth/authorize?" + urlencode(q))
    if status == 302:
        return parse_qs(urlsplit(headers["location"]).query)
    assert status == 200, (status, raw)
    page = raw.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    fields = {k: v.replace("&quot;", '"').replace("&lt;", "<").replace("&amp;", "&") for k, v in fields.items()}
    fields["decision"] = decision
    status, headers, _ = call(AUTH, "POST", "/oauth/authorize", urlencode(fields).encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302, status
    location = headers["location"]
    assert location.startswith(REDIRECT + "&"), location
    return parse_qs(urlsplit(location).query)


def bearer(token):
    status, _, raw = call(API, "GET", "/users/me", None, {"Authorization": "Bearer " + token})
    return status, json.loads(raw)


class OAuthTest(unittest.TestCase):
    def setUp(self):
        control("reset", {})

    def exchange(self, code, verifier=None):
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        if verifier:
            form["code_verifier"] = verifier
        return token_request(form)

    def test_flow_token_and_rest_call(self):
        verifier, challenge = pkce()
        back = authorize("st-é&x", challenge)
        self.assertEqual(back["state"], ["st-é&x"])
        status, headers, tok = self.exchange(back["code"][0], verifier)
        self.assertEqual(status, 200, tok)
        self.assertEqual(headers.get("cache-control"), "no-store")
        self.assertEqual(tok["token_type"], "Bearer")
        self.assertEqual(tok["expires_in"], 7200)
        self.assertRegex(tok["owner"], r"/users/")
        self.assertNotIn("organization", tok)  # OPEN point: off by default
        self.assertIsInstance(tok["created_at"], int)
        status, me = bearer(tok["access_token"])
        self.assertEqual(status, 200)
        self.assertEqual(me["resource"]["uri"], tok["owner"])
        # The code is single use: a second exchange is refused and revokes what it gave.
        status, _, err = self.exchange(back["code"][0], verifier)
        self.assertEqual((status, err["error"]), (400, "invalid_grant"))
        self.assertEqual(bearer(tok["access_token"])[0], 401)

    def test_deny_and_bad_requests(self):
        self.assertEqual(authorize("d", decision="deny")["error"], ["access_denied"])
        status, _, raw = call(AUTH, "GET", "/oauth/authorize?" + urlencode({"client_id": "nobody", "redirect_uri": REDIRECT}))
        self.assertEqual(status, 400)
        status, _, err = token_request({"grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT},
                                       auth=basic(sec="wrong"))
        self.assertEqual((status, err["error"]), (401, "invalid_client"))
        self.assertEqual(token_request({"grant_type": "password"})[2]["error"], "unsupported_grant_type")
        # The auth base is not the API: REST paths are not served there, and /oauth is not on the API.
        self.assertEqual(call(AUTH, "GET", "/users/me")[0], 404)
        self.assertEqual(call(API, "POST", "/oauth/token", b"", {"Authorization": basic()})[0], 401)

    def test_pkce_checked_and_switch(self):
        verifier, challenge = pkce()
        code = authorize("p", challenge)["code"][0]
        status, _, err = self.exchange(code, "not-the-verifier")
        self.assertEqual((status, err["error"]), (400, "invalid_grant"))
        code = authorize("p", challenge)["code"][0]
        self.assertEqual(self.exchange(code)[2]["error"], "invalid_grant")  # verifier missing
        # Without a challenge the code works without a verifier, unless PKCE is required.
        code = authorize("p")["code"][0]
        self.assertEqual(self.exchange(code)[0], 200)
        control("switches", {"pkce_required": True})
        self.assertEqual(authorize("p")["error"], ["invalid_request"])
        code = authorize("p", challenge)["code"][0]
        self.assertEqual(self.exchange(code, verifier)[0], 200)

    def test_code_expires_and_redirect_must_match(self):
        code = authorize("e")["code"][0]
        status, _, err = token_request({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT + "x"})
        self.assertEqual(err["error"], "invalid_grant")
        code = authorize("e")["code"][0]
        control("clock", {"advance_seconds": 601})
        self.assertEqual(self.exchange(code)[2]["error"], "invalid_grant")

    def test_refresh_rotation_reuse_and_expiry(self):
        control("switches", {"oauth_expires_in": 5})
        code = authorize("r")["code"][0]
        first = self.exchange(code)[2]
        self.assertEqual(first["expires_in"], 5)
        control("clock", {"advance_seconds": 6})
        status, me = bearer(first["access_token"])
        self.assertEqual(status, 401)
        self.assertEqual(me["title"], "Unauthenticated")
        status, _, second = token_request({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
        self.assertEqual(status, 200, second)
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        self.assertEqual(bearer(second["access_token"])[0], 200)
        # Reusing the spent refresh token: refused, and the whole grant is revoked.
        status, _, err = token_request({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
        self.assertEqual((status, err["error"]), (400, "invalid_grant"))
        self.assertEqual(bearer(second["access_token"])[0], 401)
        status, _, err = token_request({"grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
        self.assertEqual(err["error"], "invalid_grant")
        state = control("oauth")
        self.assertEqual(state["requests"]["token_refresh_token"], 3)
        self.assertEqual(state["requests"]["refresh_reuse_detected"], 1)
        self.assertEqual(state["grants"][0]["reason"], "refresh token reused")

    def test_token_rate_limit(self):
        control("switches", {"retry_after_on_429": True})
        statuses = []
        for _ in range(9):
            status, headers, body = token_request({"grant_type": "refresh_token", "refresh_token": "nope"})
            statuses.append(status)
        self.assertEqual(statuses[:8], [400] * 8)
        self.assertEqual(statuses[8], 429)
        self.assertEqual(body["error"], "rate_limited")
        self.assertTrue(int(headers["retry-after"]) >= 1)
        control("clock", {"advance_seconds": 61})
        self.assertEqual(token_request({"grant_type": "refresh_token", "refresh_token": "nope"})[0], 400)

    def test_revoke_and_introspect(self):
        tok = self.exchange(authorize("i")["code"][0])[2]

        def introspect(token):
            status, _, raw = call(AUTH, "POST", "/oauth/introspect",
                                  urlencode({"client_id": CLIENT, "client_secret": SECRET, "token": token}).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(status, 200)
            return json.loads(raw)

        info = introspect(tok["access_token"])
        self.assertTrue(info["active"])
        self.assertEqual(info["client_id"], CLIENT)
        self.assertTrue(introspect(tok["refresh_token"])["active"])
        status, _, _ = call(AUTH, "POST", "/oauth/revoke",
                            urlencode({"client_id": CLIENT, "client_secret": "bad", "token": tok["access_token"]}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 401)
        self.assertTrue(introspect(tok["access_token"])["active"])
        status, _, _ = call(AUTH, "POST", "/oauth/revoke",
                            urlencode({"client_id": CLIENT, "client_secret": SECRET, "token": tok["access_token"]}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200)
        self.assertFalse(introspect(tok["access_token"])["active"])
        self.assertFalse(introspect(tok["refresh_token"])["active"])
        self.assertEqual(bearer(tok["access_token"])[0], 401)
        self.assertEqual(control("oauth")["requests"]["revoke"], 2)

    def test_control_adds_client_and_organization_switch(self):
        control("oauth/clients", {"client_id": "two", "client_secret": "s2"})
        control("switches", {"oauth_token_includes_organization": True})
        code = authorize("c", client="two")["code"][0]
        tok = token_request({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
                            auth=basic("two", "s2"))[2]
        self.assertRegex(tok["organization"], r"/organizations/")
        # Another client cannot spend it.
        status, _, err = token_request({"grant_type": "refresh_token", "refresh_token": tok["refresh_token"]})
        self.assertEqual(err["error"], "invalid_grant")


if __name__ == "__main__":
    unittest.main()
