# SPDX-License-Identifier: MIT
"""Self-test of the fake Calendly: starts it on a free loopback port and receives its webhooks here (stdlib only)."""

import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "fake_calendly.py")
TOKEN = "fake-token"
KEY = "test-signing-key-é"  # non-ASCII on purpose: the key is used as its UTF-8 bytes
EVENTS = ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"]
MICRO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def start_fake(*extra):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen([sys.executable, PROGRAM, "--host", "127.0.0.1", "--port", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    m = re.match(r"^fake-calendly listening on http://127\.0\.0\.1:(\d+)$", line.strip())
    if not m:
        proc.kill()
        raise RuntimeError("fake did not start: %r %s" % (line, proc.stderr.read()))
    return proc, int(m.group(1))


class Receiver:
    """A tiny webhook endpoint: records every request and answers from a plan of status codes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.lock:
                    outer.active += 1
                    outer.max_active = max(outer.max_active, outer.active)
                    delay = outer.delay
                time.sleep(delay)
                with outer.lock:
                    outer.active -= 1
                    status = outer.plan.pop(0) if outer.plan else outer.default
                    outer.requests.append({"path": self.path, "body": body, "status": status,
                                           "signature": self.headers.get("Calendly-Webhook-Signature"),
                                           "content_type": self.headers.get("Content-Type")})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d/wp-json/tfsp-calendly/v1/webhook" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def reset(self):
        with self.lock:
            self.requests, self.plan, self.default = [], [], 200
            self.delay, self.active, self.max_active = 0.0, 0, 0

    def got(self):
        with self.lock:
            return list(self.requests)


FAKE = PORT = RECEIVER = None


def setUpModule():
    global FAKE, PORT, RECEIVER
    FAKE, PORT = start_fake("--token", TOKEN)
    RECEIVER = Receiver()


def tearDownModule():
    RECEIVER.httpd.shutdown()
    RECEIVER.httpd.server_close()
    FAKE.send_signal(signal.SIGTERM)
    try:
        FAKE.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        FAKE.kill()
        FAKE.communicate()


def request(method, path, body=None, token=TOKEN, port=None):
    """One HTTP call to the fake: (status, headers, parsed JSON or None)."""
    conn = http.client.HTTPConnection("127.0.0.1", port or PORT, timeout=20)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    data = None if body is None else json.dumps(body).encode()
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, (json.loads(raw) if raw else None)
    finally:
        conn.close()


def control(name, body=None, method=None):
    status, _, out = request(method or ("GET" if body is None else "POST"), "/_control/" + name, body, token=None)
    if status >= 300:
        raise AssertionError("control %s answered %s %s" % (name, status, out))
    return out


def verify(req):
    """Checks the Calendly-Webhook-Signature of a received request; returns t."""
    parts = dict(p.split("=", 1) for p in req["signature"].split(","))
    mac = hmac.new(KEY.encode("utf-8"), parts["t"].encode() + b"." + req["body"], hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, parts["v1"]):
        raise AssertionError("bad signature " + req["signature"])
    return int(parts["t"])


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not reached in %.0f s" % timeout)


class FakeCalendlyTest(unittest.TestCase):
    def setUp(self):
        control("reset", {})
        RECEIVER.reset()
        _, _, me = request("GET", "/users/me")
        self.user = me["resource"]["uri"]
        self.org = me["resource"]["current_organization"]

    def subscribe(self, url=None, **over):
        body = {"url": url or RECEIVER.url, "events": EVENTS, "organization": self.org, "user": self.user,
                "scope": "organization", "signing_key": KEY, **over}
        return request("POST", "/webhook_subscriptions", body)

    def sub(self):
        status, _, out = self.subscribe()
        self.assertEqual(status, 201, out)
        return out["resource"]

    def idle(self, timeout=10):
        out = control("idle?timeout=%s" % timeout)
        self.assertTrue(out["idle"], out)

    def bodies(self):
        return [json.loads(r["body"]) for r in RECEIVER.got()]

    def book(self, email="ana.ruiz@example.org", name="Ana Ruiz", start="2026-03-09T16:00:00Z", **kw):
        return control("book", {"email": email, "name": name, "start_time": start, **kw})

    def events_page(self, **q):
        q.setdefault("user", self.user)
        return request("GET", "/scheduled_events?" + urlencode(q))

    # ------------------------------------------------------------ webhooks

    def test_booking_delivers_signed_invitee_created(self):
        sub = self.sub()
        self.assertEqual((sub["state"], sub["retry_started_at"]), ("active", None))
        booked = self.book(name="Zoë Ruiz")
        self.idle()
        got = RECEIVER.got()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["content_type"], "application/json")
        t = verify(got[0])
        self.assertLess(abs(t - time.time()), 60)
        env = json.loads(got[0]["body"])
        self.assertEqual(env["event"], "invitee.created")
        self.assertRegex(env["created_at"], MICRO_TIME)
        self.assertEqual(env["created_by"], self.user)
        p = env["payload"]
        self.assertEqual(p["uri"], booked["invitee_uri"])
        self.assertEqual(p["event"], booked["event_uri"])
        self.assertTrue(p["uri"].startswith("https://api.calendly.com/scheduled_events/"))
        self.assertEqual((p["status"], p["name"], p["rescheduled"], p["no_show"]), ("active", "Zoë Ruiz", False, None))
        self.assertIsNone(p["first_name"])
        self.assertNotIn("cancellation", p)
        for key in ("questions_and_answers", "tracking", "cancel_url", "reschedule_url", "timezone", "old_invitee",
                    "new_invitee", "created_at", "updated_at"):
            self.assertIn(key, p)
        ev = p["scheduled_event"]
        self.assertEqual(ev["uri"], booked["event_uri"])
        self.assertEqual((ev["start_time"], ev["end_time"]), ("2026-03-09T16:00:00.000000Z", "2026-03-09T16:45:00.000000Z"))
        self.assertEqual(ev["location"]["type"], "zoom")
        self.assertIn("password", ev["location"]["data"])
        self.assertEqual(ev["event_memberships"][0]["user"], self.user)
        self.assertEqual(ev["invitees_counter"], {"total": 1, "active": 1, "limit": 1})
        log = control("deliveries")["deliveries"]
        self.assertEqual([(d["event"], d["attempt"], d["status"], d["t"]) for d in log],
                         [("invitee.created", 1, 200, t)])
        # The older payload shape, without scheduled_event.
        control("switches", {"embed_scheduled_event": False})
        self.book(start="2026-03-10T16:00:00Z")
        self.idle()
        self.assertNotIn("scheduled_event", self.bodies()[-1]["payload"])

    def test_reschedule_sends_cancel_and_create_with_links(self):
        self.sub()
        booked = self.book()
        out = control("reschedule", {"invitee_uri": booked["invitee_uri"], "start_time": "2026-03-11T17:00:00Z"})
        self.idle()
        self.assertEqual(out["old_invitee_uri"], booked["invitee_uri"])
        self.assertNotEqual(out["new_event_uri"], booked["event_uri"])
        envs = self.bodies()
        self.assertEqual([e["event"] for e in envs], ["invitee.created", "invitee.canceled", "invitee.created"])
        old, new = envs[1]["payload"], envs[2]["payload"]
        self.assertEqual((old["uri"], old["status"], old["rescheduled"]), (booked["invitee_uri"], "canceled", True))
        self.assertEqual(old["new_invitee"], out["new_invitee_uri"])
        self.assertEqual(old["cancellation"]["canceler_type"], "invitee")
        self.assertEqual(old["scheduled_event"]["status"], "canceled")
        self.assertEqual((new["uri"], new["old_invitee"], new["rescheduled"]),
                         (out["new_invitee_uri"], booked["invitee_uri"], False))
        self.assertEqual(new["scheduled_event"]["uri"], out["new_event_uri"])
        self.assertEqual(new["scheduled_event"]["start_time"], "2026-03-11T17:00:00.000000Z")
        self.assertEqual(new["email"], old["email"])
        # Order switch.
        control("switches", {"reschedule_order": "created_first"})
        control("reschedule", {"invitee_uri": out["new_invitee_uri"], "start_time": "2026-03-12T17:00:00Z"})
        self.idle()
        self.assertEqual([e["event"] for e in self.bodies()[3:]], ["invitee.created", "invitee.canceled"])

    def test_retry_after_500_and_retry_started_at(self):
        sub = self.sub()
        RECEIVER.plan = [500]
        booked = self.book()
        wait_for(lambda: len(RECEIVER.got()) == 1)
        wait_for(lambda: control("deliveries")["deliveries"])
        _, _, one = request("GET", "/webhook_subscriptions/" + sub["uri"].rsplit("/", 1)[1])
        self.assertEqual(one["resource"]["state"], "active")
        self.assertRegex(one["resource"]["retry_started_at"], MICRO_TIME)
        self.assertFalse(control("idle?timeout=0.2")["idle"])  # waiting in back-off (60 s of fake time)
        control("clock", {"advance_seconds": 61})
        self.idle()
        got = RECEIVER.got()
        self.assertEqual([r["status"] for r in got], [500, 200])
        self.assertEqual(got[0]["body"], got[1]["body"])
        self.assertEqual(json.loads(got[1]["body"])["payload"]["uri"], booked["invitee_uri"])
        log = control("deliveries")["deliveries"]
        self.assertEqual([(d["attempt"], d["status"], d["outcome"]) for d in log],
                         [(1, 500, "failed"), (2, 200, "delivered")])
        _, _, one = request("GET", "/webhook_subscriptions/" + sub["uri"].rsplit("/", 1)[1])
        self.assertIsNone(one["resource"]["retry_started_at"])

    def test_redirect_counts_as_failure(self):
        self.sub()
        RECEIVER.plan = [301]
        self.book()
        wait_for(lambda: control("deliveries")["deliveries"])
        self.assertEqual(control("deliveries")["deliveries"][0]["outcome"], "failed")

    def test_refresh_t_on_retry_both_ways(self):
        for refresh in (True, False):
            with self.subTest(refresh_t_on_retry=refresh):
                self.setUp()
                self.sub()
                control("switches", {"refresh_t_on_retry": refresh})
                RECEIVER.plan = [500]
                self.book()
                wait_for(lambda: control("deliveries")["deliveries"])
                control("clock", {"advance_seconds": 120})
                self.idle()
                first, second = RECEIVER.got()
                t1, t2 = verify(first), verify(second)
                self.assertEqual(first["body"], second["body"])
                if refresh:
                    self.assertGreaterEqual(t2 - t1, 120)
                else:
                    self.assertEqual((t2, second["signature"]), (t1, first["signature"]))

    def test_stale_t_rate_signs_some_attempts_with_an_old_t(self):
        self.sub()
        control("switches", {"stale_t_rate": 1, "stale_t_seconds": 1000})
        self.book()
        self.idle()
        (got,) = RECEIVER.got()
        self.assertAlmostEqual(verify(got), time.time() - 1000, delta=60)  # valid HMAC, old t
        self.assertEqual(control("deliveries")["deliveries"][0]["t"], verify(got))
        control("switches", {"stale_t_rate": 0})
        self.book(start="2026-03-10T16:00:00Z")
        self.idle()
        self.assertLess(abs(verify(RECEIVER.got()[1]) - time.time()), 60)
        for bad in ({"stale_t_rate": 2}, {"stale_t_seconds": -1}):
            status, _, _ = request("POST", "/_control/switches", bad, token=None)
            self.assertEqual(status, 400, bad)

    def test_disabled_after_compressed_24h_of_failures(self):
        sub = self.sub()
        uid = sub["uri"].rsplit("/", 1)[1]
        RECEIVER.default = 500
        control("switches", {"time_scale": 100000})
        self.book()

        def disabled():
            return request("GET", "/webhook_subscriptions/" + uid)[2]["resource"]["state"] == "disabled"
        wait_for(disabled, timeout=20)
        res = request("GET", "/webhook_subscriptions/" + uid)[2]["resource"]
        self.assertRegex(res["retry_started_at"], MICRO_TIME)
        attempts = [d for d in control("deliveries")["deliveries"] if d["outcome"] == "failed"]
        self.assertGreater(len(attempts), 20)  # 1, 2, 4, ... 60 min capped, over 24 h
        self.assertEqual(attempts[-1]["attempt"], len(attempts))
        n = len(RECEIVER.got())
        self.book(start="2026-03-10T16:00:00Z")
        self.idle()
        self.assertEqual(len(RECEIVER.got()), n)  # disabled: nothing sent, the event is dropped
        self.assertEqual(control("deliveries")["deliveries"][-1]["outcome"], "dropped")
        last_id = control("deliveries")["deliveries"][-1]["id"]
        self.assertEqual(control("deliveries?since=%d" % (last_id - 1))["deliveries"][0]["id"], last_id)
        # The list shows the same state; a new subscription needs the old one deleted (409 otherwise).
        listed = request("GET", "/webhook_subscriptions?" + urlencode({"organization": self.org,
                                                                       "scope": "organization"}))[2]
        self.assertEqual([s["state"] for s in listed["collection"]], ["disabled"])
        self.assertEqual(self.subscribe()[0], 409)
        self.assertEqual(request("DELETE", "/webhook_subscriptions/" + uid)[0], 204)
        self.assertEqual(self.subscribe()[0], 201)

    def test_duplicate_rate_one_sends_each_delivery_twice(self):
        self.sub()
        control("switches", {"duplicate_rate": 1})
        self.book()
        control("cancel", {"invitee_uri": control("state")["invitees"][0]["uri"], "reason": "sick"})
        self.idle()
        got = RECEIVER.got()
        self.assertEqual(len(got), 4)
        self.assertEqual(got[0]["body"], got[1]["body"])
        self.assertEqual(got[2]["body"], got[3]["body"])
        self.assertEqual([json.loads(r["body"])["event"] for r in got[::2]], ["invitee.created", "invitee.canceled"])
        for r in got:
            verify(r)

    def test_max_copies_sends_each_delivery_up_to_n_times(self):
        self.sub()
        for bad in (1, 11, 2.5, True):
            self.assertEqual(request("POST", "/_control/switches", {"max_copies": bad}, token=None)[0], 400)
        control("switches", {"duplicate_rate": 1, "max_copies": 3, "seed": 7})
        for k in range(20):
            self.book(email="c%d@example.org" % k, start="2026-04-%02dT10:00:00Z" % (k + 1))
        self.idle()
        copies = {}
        for r in RECEIVER.got():
            verify(r)
            copies[r["body"]] = copies.get(r["body"], 0) + 1
        self.assertEqual(len(copies), 20)
        self.assertEqual(set(copies.values()), {2, 3})  # rate 1: never a single copy; both counts occur
        log = control("deliveries")["deliveries"]
        self.assertEqual(len(log), sum(copies.values()))
        by_emission = {}
        for d in log:
            by_emission.setdefault(d["emission"], []).append(d)
        self.assertEqual(len(by_emission), 20)
        for entries in by_emission.values():
            self.assertEqual(sorted(d["copy"] for d in entries), list(range(len(entries))))
            self.assertEqual(len({d["body_sha256"] for d in entries}), 1)
        for d in control("deliveries?bodies=1")["deliveries"]:
            self.assertEqual(d["body_sha256"], hashlib.sha256(d["body"].encode("utf-8")).hexdigest())
        # duplicate_rate 0 sends each delivery once whatever max_copies says.
        RECEIVER.reset()
        control("switches", {"duplicate_rate": 0})
        self.book(email="single@example.org", start="2026-05-01T10:00:00Z")
        self.idle()
        self.assertEqual(len(RECEIVER.got()), 1)

    def test_sender_concurrency_delivers_in_parallel(self):
        self.sub()
        for bad in (0, 65, "4"):
            self.assertEqual(request("POST", "/_control/switches", {"sender_concurrency": bad}, token=None)[0], 400)
        RECEIVER.delay = 0.3
        uris = [self.book(email="p%d@example.org" % k, start="2026-04-%02dT10:00:00Z" % (k + 1))["invitee_uri"]
                for k in range(3)]
        self.idle()
        self.assertEqual(RECEIVER.max_active, 1)  # the default: one sender
        RECEIVER.reset()
        RECEIVER.delay = 0.3
        control("switches", {"sender_concurrency": 4, "webhook_deliveries_enabled": False})
        for k in range(12):
            uris.append(self.book(email="q%d@example.org" % k, start="2026-05-%02dT10:00:00Z" % (k + 1))["invitee_uri"])
        self.assertEqual(control("idle?timeout=0")["pending"], 12)
        started = time.monotonic()
        control("switches", {"webhook_deliveries_enabled": True})
        self.assertFalse(control("idle?timeout=0.1")["idle"])
        self.idle()
        elapsed = time.monotonic() - started
        self.assertEqual(RECEIVER.max_active, 4)
        self.assertLess(elapsed, 12 * 0.3 * 0.6)  # far less than one at a time
        self.assertEqual(sorted(json.loads(r["body"])["payload"]["uri"] for r in RECEIVER.got()), sorted(uris[3:]))
        # Back to one: the extra senders park.
        RECEIVER.reset()
        RECEIVER.delay = 0.2
        control("switches", {"sender_concurrency": 1})
        for k in range(4):
            self.book(email="r%d@example.org" % k, start="2026-06-%02dT10:00:00Z" % (k + 1))
        self.idle()
        self.assertEqual((len(RECEIVER.got()), RECEIVER.max_active), (4, 1))

    def test_concurrent_senders_retry_failures(self):
        self.sub()
        control("switches", {"sender_concurrency": 3, "retry_base_seconds": 0.2})
        RECEIVER.plan = [500, 503, 500]
        for k in range(6):
            self.book(email="f%d@example.org" % k, start="2026-04-%02dT10:00:00Z" % (k + 1))
        self.idle()
        log = control("deliveries")["deliveries"]
        self.assertEqual(sum(1 for d in log if d["outcome"] == "failed"), 3)
        delivered = [d for d in log if d["outcome"] == "delivered"]
        self.assertEqual(len({d["emission"] for d in delivered}), 6)
        self.assertEqual(len(delivered), 6)

    def test_batch_applies_ops_in_order_each_with_its_own_answer(self):
        self.sub()
        out = control("batch", {"ops": [
            {"op": "book", "email": "b1@example.org", "start_time": "2026-04-01T10:00:00Z"},
            {"op": "book", "email": "b2@example.org", "start_time": "2026-04-02T10:00:00Z"},
        ]})["results"]
        self.assertEqual([r["status"] for r in out], [201, 201])
        one, two = out[0]["body"]["invitee_uri"], out[1]["body"]["invitee_uri"]
        out = control("batch", {"ops": [
            {"op": "reschedule", "invitee_uri": one, "start_time": "2026-04-03T10:00:00Z"},
            {"op": "cancel", "invitee_uri": one},  # already canceled by the reschedule: 409, the rest goes on
            {"op": "no_show", "invitee_uri": two},
            {"op": "no_show_delete", "invitee_uri": two},
            {"op": "no_show", "invitee_uri": "no-such-invitee"},
        ]})["results"]
        self.assertEqual([r["status"] for r in out], [201, 409, 200, 200, 404])
        self.assertEqual(out[1]["body"]["title"], "Conflict")
        self.assertEqual(out[0]["body"]["old_invitee_uri"], one)
        self.idle()
        self.assertEqual([(e["event"], e["payload"]["uri"]) for e in self.bodies()], [
            ("invitee.created", one), ("invitee.created", two), ("invitee.canceled", one),
            ("invitee.created", out[0]["body"]["new_invitee_uri"]), ("invitee_no_show.created", two),
            ("invitee_no_show.deleted", two)])
        # A bad op refuses the whole batch; nothing is applied.
        n = len(control("state")["invitees"])
        status, _, err = request("POST", "/_control/batch", {"ops": [
            {"op": "book", "email": "b3@example.org"}, {"op": "reset"}]}, token=None)
        self.assertEqual(status, 400)
        self.assertEqual(err["details"][0]["parameter"], "ops[1].op")
        self.assertEqual(len(control("state")["invitees"]), n)
        self.assertEqual(request("POST", "/_control/batch", {"ops": []}, token=None)[0], 400)
        log = control("deliveries")
        self.assertEqual(log["last_id"], log["deliveries"][-1]["id"])
        self.assertEqual(control("deliveries?since=%d" % log["last_id"])["deliveries"], [])

    def test_shuffle_delivers_all_in_another_order(self):
        self.sub()
        control("switches", {"shuffle": True, "shuffle_batch": 6, "shuffle_hold_ms": 5000})
        uris = [self.book(email="s%d@example.org" % k, start="2026-04-0%dT10:00:00Z" % (k + 1))["invitee_uri"]
                for k in range(6)]
        self.idle()
        got = [e["payload"]["uri"] for e in self.bodies()]
        self.assertEqual(sorted(got), sorted(uris))
        self.assertNotEqual(got, uris)

    def test_no_shows_over_rest_and_updated_at_switch(self):
        for moves in (False, True):
            with self.subTest(noshow_moves_updated_at=moves):
                self.setUp()
                self.sub()
                control("switches", {"noshow_moves_updated_at": moves})
                booked = self.book()
                status, _, out = request("POST", "/invitee_no_shows", {"invitee": booked["invitee_uri"]})
                self.assertEqual(status, 201, out)
                ns = out["resource"]
                self.assertEqual(ns["invitee"], booked["invitee_uri"])
                self.assertEqual(request("POST", "/invitee_no_shows", {"invitee": booked["invitee_uri"]})[0], 409)
                path = urlsplit(booked["invitee_uri"]).path
                inv = request("GET", path)[2]["resource"]
                self.assertEqual(inv["no_show"]["uri"], ns["uri"])
                self.assertEqual(inv["status"], "active")
                moved = inv["updated_at"] != booked["invitee"]["updated_at"]
                self.assertEqual(moved, moves)
                self.assertEqual(request("DELETE", "/invitee_no_shows/" + ns["uri"].rsplit("/", 1)[1])[0], 204)
                self.idle()
                envs = self.bodies()
                self.assertEqual([e["event"] for e in envs],
                                 ["invitee.created", "invitee_no_show.created", "invitee_no_show.deleted"])
                self.assertEqual(envs[1]["payload"]["no_show"]["uri"], ns["uri"])
                self.assertIsNone(envs[2]["payload"]["no_show"])

    # ------------------------------------------------------------ REST

    def test_pagination_walks_all_pages_with_stable_tokens(self):
        starts = ["2026-05-%02dT09:00:00Z" % d for d in (7, 3, 5, 1, 6, 2, 4)]
        for k, s in enumerate(starts):
            self.book(email="p%d@example.org" % k, start=s, silent=True)

        def walk():
            tokens, uris, token, sizes = [], [], None, []
            while True:
                q = {"count": 3, "sort": "start_time:asc"}
                if token:
                    q["page_token"] = token
                status, headers, page = self.events_page(**q)
                self.assertEqual(status, 200, page)
                uris += [e["uri"] for e in page["collection"]]
                sizes.append(page["pagination"]["count"])
                token = page["pagination"]["next_page_token"]
                tokens.append(token)
                if token is None:
                    self.assertIsNone(page["pagination"]["next_page"])
                    return tokens, uris, sizes
        tokens, uris, sizes = walk()
        self.assertEqual(sizes, [3, 3, 1])
        self.assertEqual(len(set(uris)), 7)
        state = control("state")["scheduled_events"]
        self.assertEqual(uris, [e["uri"] for e in sorted(state, key=lambda e: e["start_time"])])
        self.assertEqual(walk()[0], tokens)  # stable while the data is unchanged
        first = self.events_page(count=3, sort="start_time:asc")[2]
        nxt = first["pagination"]["next_page"]
        self.assertTrue(nxt.startswith("http://127.0.0.1:%d/scheduled_events?" % PORT), nxt)
        second = request("GET", nxt[len("http://127.0.0.1:%d" % PORT):])[2]
        self.assertEqual([e["uri"] for e in second["collection"]], uris[3:6])
        self.assertIsNone(first["pagination"]["previous_page_token"])
        back = self.events_page(count=3, sort="start_time:asc",
                                page_token=second["pagination"]["previous_page_token"])[2]
        self.assertEqual(back["collection"], first["collection"])
        # A token is only good with the same filters.
        status, _, err = self.events_page(count=3, status="active", page_token=tokens[0])
        self.assertEqual((status, err["title"], err["details"][0]["parameter"]), (400, "Invalid Argument", "page_token"))
        # Event types: pagination too.
        et = request("GET", "/event_types?" + urlencode({"organization": self.org, "count": 2}))[2]
        self.assertEqual(len(et["collection"]), 2)
        self.assertIsNotNone(et["pagination"]["next_page_token"])

    def test_scheduled_event_filters(self):
        a1 = self.book(start="2026-06-01T10:00:00Z", silent=True)
        self.book(start="2026-06-03T10:00:00Z", silent=True)
        self.book(email="ben@example.org", name="Ben", start="2026-06-02T10:00:00Z", silent=True)
        control("cancel", {"invitee_uri": a1["invitee_uri"], "canceler_type": "host", "silent": True})

        def starts(**q):
            status, _, page = self.events_page(**q)
            self.assertEqual(status, 200, page)
            return [e["start_time"][:10] for e in page["collection"]]
        self.assertEqual(starts(), ["2026-06-01", "2026-06-02", "2026-06-03"])
        self.assertEqual(starts(status="canceled"), ["2026-06-01"])
        self.assertEqual(starts(status="active", sort="start_time:desc"), ["2026-06-03", "2026-06-02"])
        self.assertEqual(starts(invitee_email="ana.ruiz@example.org"), ["2026-06-01", "2026-06-03"])
        self.assertEqual(starts(min_start_time="2026-06-02T00:00:00Z", max_start_time="2026-06-03T10:00:00Z"),
                         ["2026-06-02"])
        self.assertEqual(starts(organization=self.org, user=self.user), ["2026-06-01", "2026-06-02", "2026-06-03"])
        canceled = self.events_page(status="canceled")[2]["collection"][0]
        self.assertEqual(canceled["cancellation"]["canceler_type"], "host")
        for bad in ({"user": ""}, {"count": 0}, {"count": 101}, {"status": "gone"}, {"sort": "name:asc"},
                    {"min_start_time": "yesterday"}):
            with self.subTest(bad=bad):
                q = {"user": self.user, **bad}
                q = {k: v for k, v in q.items() if v != ""}
                status, _, err = request("GET", "/scheduled_events?" + urlencode(q))
                self.assertEqual(status, 400, err)
                self.assertEqual(err["title"], "Invalid Argument")
                self.assertTrue(err["details"][0]["parameter"])
        # Invitees of a group event.
        g = self.book(email="g1@example.org", event_type="Office hours", start="2026-06-05T15:00:00Z", silent=True)
        g2 = self.book(email="g2@example.org", group_event_uri=g["event_uri"], silent=True)
        control("cancel", {"invitee_uri": g2["invitee_uri"], "silent": True})
        path = urlsplit(g["event_uri"]).path + "/invitees"
        page = request("GET", path)[2]
        self.assertEqual(len(page["collection"]), 2)
        self.assertNotIn("scheduled_event", page["collection"][0])
        self.assertEqual([i["email"] for i in request("GET", path + "?status=active")[2]["collection"]],
                         ["g1@example.org"])
        self.assertEqual(len(request("GET", path + "?email=g2@example.org")[2]["collection"]), 1)
        ev = request("GET", urlsplit(g["event_uri"]).path)[2]["resource"]
        self.assertEqual((ev["status"], ev["invitees_counter"]["total"], ev["invitees_counter"]["active"]),
                         ("active", 2, 1))

    def test_error_statuses(self):
        status, _, err = request("GET", "/users/me", token="wrong")
        self.assertEqual((status, err["title"]), (401, "Unauthenticated"))
        self.assertEqual(request("GET", "/users/me", token=None)[0], 401)
        tok = control("tokens", {"token": "second-token"})["token"]
        self.assertEqual(request("GET", "/users/me", token=tok)[0], 200)
        control("tokens/revoke", {"token": tok})
        status, _, err = request("GET", "/users/me", token=tok)
        self.assertEqual((status, err["title"]), (401, "Unauthenticated"))
        self.assertIn("message", err)
        # 404
        for path in ("/nowhere", "/scheduled_events/00000000-0000-0000-0000-000000000000",
                     "/webhook_subscriptions/nope", "/invitee_no_shows/nope"):
            status, _, err = request("GET", path)
            self.assertEqual((status, err["title"]), (404, "Resource Not Found"), path)
        # 403 plan gate
        control("switches", {"webhooks_plan_gate": True})
        status, _, err = self.subscribe()
        self.assertEqual((status, err["title"]), (403, "Permission Denied"))
        control("switches", {"webhooks_plan_gate": False})
        # Injected failure of subscription creation only; other calls still answer
        control("switches", {"subscription_create_status": 500})
        status, _, err = self.subscribe()
        self.assertEqual((status, err["title"]), (500, "Internal Server Error"))
        self.assertEqual(request("GET", "/users/me")[0], 200)
        control("switches", {"subscription_create_status": 0})
        self.assertEqual(request("POST", "/_control/switches", {"subscription_create_status": 302}, token=None)[0], 400)
        # 400 validation, loopback only
        status, _, err = self.subscribe(url="http://example.com/hook", events=[], scope="user", user=None)
        self.assertEqual(status, 400)
        self.assertEqual({d["parameter"] for d in err["details"]}, {"url", "events", "user"})
        self.assertEqual(self.subscribe(organization=None)[0], 400)
        # 201 then 409 on the same URL
        self.assertEqual(self.subscribe()[0], 201)
        status, _, err = self.subscribe()
        self.assertEqual((status, err["title"]), (409, "Already Exists"))
        # user-scoped subscriptions list
        self.assertEqual(self.subscribe(url=RECEIVER.url + "?u=1", scope="user")[0], 201)
        listed = request("GET", "/webhook_subscriptions?" + urlencode({"organization": self.org, "scope": "user",
                                                                       "user": self.user}))[2]
        self.assertEqual([s["scope"] for s in listed["collection"]], ["user"])
        self.assertEqual(request("GET", "/webhook_subscriptions?scope=organization")[0], 400)

    def test_rate_limit_headers_and_429_both_ways(self):
        for retry_after in (False, True):
            with self.subTest(retry_after_on_429=retry_after):
                self.setUp()
                control("switches", {"rate_limit": 3, "rate_window_seconds": 60, "retry_after_on_429": retry_after})
                seen = []
                for _ in range(3):
                    status, h, _ = request("GET", "/users/me")
                    self.assertEqual(status, 200)
                    self.assertEqual(h["x-ratelimit-limit"], "3")
                    self.assertTrue(1 <= int(h["x-ratelimit-reset"]) <= 60)
                    seen.append(h["x-ratelimit-remaining"])
                self.assertEqual(seen, ["2", "1", "0"])
                status, h, err = request("GET", "/users/me")
                self.assertEqual((status, err["title"]), (429, "Too Many Requests"))
                self.assertEqual(h["x-ratelimit-remaining"], "0")
                self.assertEqual("retry-after" in h, retry_after)
                if retry_after:
                    self.assertTrue(1 <= int(h["retry-after"]) <= 60)
                control("clock", {"advance_seconds": 61})
                status, h, _ = request("GET", "/users/me")
                self.assertEqual((status, h["x-ratelimit-remaining"]), (200, "2"))

    def test_fault_injection(self):
        control("switches", {"fail_rate": 1})
        self.assertIn(request("GET", "/users/me")[0], (500, 503))
        control("switches", {"fail_rate": 0, "drop_rate": 1})
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            request("GET", "/users/me")
        control("switches", {"drop_rate": 0, "latency_ms": 300})
        started = time.monotonic()
        self.assertEqual(request("GET", "/users/me")[0], 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertEqual(request("POST", "/_control/switches", {"no_such_switch": 1}, token=None)[0], 400)


class ProcessTest(unittest.TestCase):
    def test_sigterm_exits_cleanly(self):
        proc, port = start_fake("--time-scale", "10")
        self.assertEqual(request("GET", "/users/me", token="fake-token", port=port)[0], 200)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 0, err)

    def test_refuses_non_loopback_host(self):
        proc = subprocess.run([sys.executable, PROGRAM, "--host", "0.0.0.0", "--port", "0"],
                              capture_output=True, text=True, timeout=10,
                              env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertNotEqual(proc.returncode, 0)


if __name__ == "__main__":
    unittest.main()
