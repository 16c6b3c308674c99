#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fake Calendly for Calsync's tests: the REST subset, a control interface, and signed webhook delivery (stdlib only)."""

import argparse
import base64
import hashlib
import heapq
import hmac
import http.client
import ipaddress
import json
import math
import random
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

US = 1_000_000  # internal times are integer microseconds since the epoch (fake time)

WEBHOOK_EVENTS = (
    "invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted",
    "routing_form_submission.created", "event_type.created", "event_type.updated", "event_type.deleted",
)


# ---------------------------------------------------------------- switches

def _bool(v):
    if isinstance(v, bool):
        return v
    raise ValueError("must be true or false")


def _rate(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
        raise ValueError("must be a number from 0 to 1")
    return float(v)


def _count(v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError("must be an integer >= 0")
    return v


def _positive_int(v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ValueError("must be an integer >= 1")
    return v


def _int_range(lo, hi):
    def check(v):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError(f"must be an integer from {lo} to {hi}")
        return v
    return check


def _seconds(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or not math.isfinite(v):
        raise ValueError("must be a number >= 0")
    return v


def _scale(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1e7:
        raise ValueError("must be a number > 0 (and <= 1e7)")
    return v


def _seed(v):
    if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
        raise ValueError("must be an integer or null")
    return v


def _error_status(v):
    if isinstance(v, bool) or not isinstance(v, int) or not (v == 0 or 400 <= v <= 599):
        raise ValueError("must be 0 (off) or an HTTP error status from 400 to 599")
    return v


def _order(v):
    if v not in ("canceled_first", "created_first", "random"):
        raise ValueError("must be canceled_first, created_first or random")
    return v


SWITCHES = {  # name: (default, validator); README.md documents each one
    "refresh_t_on_retry": (True, _bool),
    "duplicate_rate": (0.0, _rate),
    "max_copies": (2, _int_range(2, 10)),
    "sender_concurrency": (1, _int_range(1, 64)),
    "shuffle": (False, _bool),
    "shuffle_batch": (4, _positive_int),
    "shuffle_hold_ms": (250, _seconds),
    "reschedule_order": ("canceled_first", _order),
    "embed_scheduled_event": (True, _bool),
    "noshow_moves_updated_at": (False, _bool),
    "retry_after_on_429": (False, _bool),
    "rate_limit": (500, _count),
    "rate_window_seconds": (60, _positive_int),
    "webhooks_plan_gate": (False, _bool),
    "subscription_create_status": (0, _error_status),
    "latency_ms": (0, _seconds),
    "fail_rate": (0.0, _rate),
    "drop_rate": (0.0, _rate),
    "webhook_deliveries_enabled": (True, _bool),
    "seed": (0, _seed),
    "time_scale": (1, _scale),
    "retry_base_seconds": (60, _seconds),
    "retry_cap_seconds": (3600, _seconds),
    "retry_window_seconds": (86400, _seconds),
    "connect_timeout_seconds": (10, _seconds),
    "response_timeout_seconds": (15, _seconds),
    "timeout_floor_seconds": (1.0, _seconds),
    "join_url_delay_seconds": (0, _seconds),
    "signature_extra_v1": (False, _bool),
    "extra_fields": (False, _bool),
    "resend_missed_after_recreate": (False, _bool),
    "stale_t_rate": (0.0, _rate),
    "stale_t_seconds": (3600, _seconds),
    "pkce_required": (False, _bool),
    "oauth_expires_in": (7200, _positive_int),
    "oauth_token_rate_limit": (8, _count),
    "oauth_token_includes_organization": (False, _bool),
    "oauth_latency_ms": (0, _seconds),
}


# ---------------------------------------------------------------- helpers

class ApiError(Exception):
    """An error answer: status and Calendly's {title, message, details} body."""

    def __init__(self, status, title, message, details=None, headers=None):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message
        self.details, self.headers = details, headers or {}

    def body(self):
        b = {"title": self.title, "message": self.message}
        if self.details is not None:
            b["details"] = self.details
        return b


def invalid(details):
    if isinstance(details, tuple):
        details = [{"parameter": details[0], "message": details[1]}]
    return ApiError(400, "Invalid Argument", "The supplied parameters are invalid.", details)


def not_found(message="The server could not find the requested resource."):
    return ApiError(404, "Resource Not Found", message)


def denied(message="You do not have permission to access this resource."):
    return ApiError(403, "Permission Denied", message)


def iso(us):
    return datetime.fromtimestamp(us // US, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % US)


_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_time(s):
    m = _RFC3339.match(s) if isinstance(s, str) else None
    if not m:
        raise ValueError("must be an RFC 3339 time with a zone, e.g. 2026-03-09T16:00:00Z")
    frac = (m.group(3) or ".0")[1:7].ljust(6, "0")
    tz = "+00:00" if m.group(4) in ("Z", "z") else m.group(4)
    dt = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{tz}")
    return int(dt.timestamp()) * US + int(frac)


def is_loopback_host(host):
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def last_segment(uri):
    if not isinstance(uri, str) or not uri:
        return None
    return uri.rstrip("/").rsplit("/", 1)[-1]


def encode_json(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fixed_uuid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fake-calendly/" + name))


class Clock:
    """Fake wall time (real time plus advances) and the retry timeline, which runs time_scale times faster."""

    def __init__(self, scale):
        self.offset = 0.0
        self.scale = scale
        self.rt_base = time.time()
        self.mono_base = time.monotonic()

    def now_us(self):
        return int((time.time() + self.offset) * US)

    def rt(self):
        return self.rt_base + (time.monotonic() - self.mono_base) * self.scale + self.offset

    def set_scale(self, scale):
        self.rt_base = self.rt() - self.offset
        self.mono_base = time.monotonic()
        self.scale = scale


class Obj:
    """A plain record; fields are set by the constructor's keywords."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


# ---------------------------------------------------------------- the fake

class Fake:
    def __init__(self, uri_base, tokens, time_scale, verbose=False, oauth_clients=()):
        self.uri_base = uri_base.rstrip("/")
        self.cli_clients = dict(oauth_clients)
        self.cli_tokens = list(tokens)
        self.cli_scale = time_scale
        self.verbose = verbose
        self.cond = threading.Condition(threading.RLock())
        self.clock = Clock(time_scale)
        self.stopping = False
        self.inflight = set()
        self.senders = []
        self.api_requests = {}  # REST requests received, by the address they came to (never reset)
        self.gen = 0
        made = parse_time("2024-01-15T09:00:00Z")
        self.org = Obj(uuid=fixed_uuid("organization"), name="Mentorship Portal", created_us=made)
        self.main_user = Obj(uuid=fixed_uuid("user"), name="Coach Lee", email="coach.lee@example.org",
                             slug="coach-lee", timezone="America/Chicago", created_us=made)
        self.event_types = {}
        for pos, (slug, name, minutes, kind, limit, color) in enumerate((
                ("coaching-session", "Coaching session", 45, "solo", 1, "#0069ff"),
                ("office-hours", "Office hours", 30, "group", 8, "#8247f5"),
                ("intro-call", "Intro call", 15, "solo", 1, "#17e885"))):
            t = Obj(uuid=fixed_uuid("event_type/" + slug), slug=slug, name=name, duration=minutes, kind=kind,
                    limit=limit, color=color, position=pos, created_us=made)
            self.event_types[t.uuid] = t
        self.reset({})
        self._ensure_senders()

    # ------------------------------------------------------------ state

    def reset(self, body):
        keep_subs = bool(body.get("keep_subscriptions"))
        keep_switches = bool(body.get("keep_switches"))
        with self.cond:
            self.gen += 1
            if not keep_switches or not hasattr(self, "sw"):
                self.sw = {k: d for k, (d, _) in SWITCHES.items()}
                self.sw["time_scale"] = self.cli_scale
                self.clock.set_scale(self.cli_scale)
                self.rng = random.Random(self.sw["seed"])
            self.clock.offset = 0.0
            self.clock.set_scale(self.clock.scale)
            self.hosts = {self.main_user.uuid: self.main_user}
            self.events, self.invitees, self.no_shows = {}, {}, {}
            if not keep_subs or not hasattr(self, "subs"):
                self.subs, self.missed = {}, {}
            for s in self.subs.values():
                s.retry_started_us, s.streak_rt = None, None
            self.queue, self.buffer, self.buffer_since = [], [], None  # queue: a heap of (due_rt, seq, job)
            self.inflight = set()
            self.deliveries, self.delivery_seq, self.job_seq, self.emission_seq = [], 0, 0, 0
            self.tokens = {t: Obj(role="owner", revoked=False) for t in self.cli_tokens}
            self.buckets = {}
            self.last_us = 0
            self.oauth_reset()
            self.cond.notify_all()
        return {"reset": True, "kept_subscriptions": len(self.subs)}

    def tick(self):
        """A strictly increasing fake 'now' for created_at/updated_at."""
        self.last_us = max(self.clock.now_us(), self.last_us + 1)
        return self.last_us

    # ------------------------------------------------------------ URIs and rendering (call with the lock held)

    def u(self, *parts):
        return "/".join((self.uri_base,) + parts)

    def user_uri(self, hid):
        return self.u("users", hid)

    def org_uri(self):
        return self.u("organizations", self.org.uuid)

    def ev_uri(self, eid):
        return self.u("scheduled_events", eid)

    def inv_uri(self, iid):
        return self.u("scheduled_events", self.invitees[iid].event, "invitees", iid)

    def _extra(self, obj):
        if self.sw["extra_fields"]:
            obj["x_fake_future_field"] = {"note": "an unknown field; clients must ignore it", "n": 1}
        return obj

    def render_user(self, h):
        return self._extra({
            "uri": self.user_uri(h.uuid), "name": h.name, "slug": h.slug, "email": h.email,
            "scheduling_url": "https://calendly.com/" + h.slug, "timezone": h.timezone, "avatar_url": None,
            "locale": "en", "time_notation": "12h", "resource_type": "User",
            "created_at": iso(h.created_us), "updated_at": iso(h.created_us),
            "current_organization": self.org_uri()})

    def render_org(self):
        return {"uri": self.org_uri(), "name": self.org.name, "plan": "teams", "stage": "paid",
                "created_at": iso(self.org.created_us), "updated_at": iso(self.org.created_us)}

    def render_event_type(self, t):
        u = self.main_user
        return self._extra({
            "uri": self.u("event_types", t.uuid), "name": t.name, "active": True, "slug": t.slug,
            "scheduling_url": f"https://calendly.com/{u.slug}/{t.slug}", "duration": t.duration,
            "duration_options": None, "kind": t.kind, "pooling_type": None, "type": "StandardEventType",
            "color": t.color, "created_at": iso(t.created_us), "updated_at": iso(t.created_us),
            "internal_note": None, "description_plain": None, "description_html": None,
            "profile": {"type": "User", "name": u.name, "owner": self.user_uri(u.uuid)},
            "secret": False, "booking_method": "instant", "custom_questions": [], "deleted_at": None,
            "admin_managed": False, "locations": [{"kind": "zoom_conference"}], "position": t.position})

    def render_location(self, e):
        loc = dict(e.location)
        if loc.get("type") == "zoom" and self.clock.now_us() < e.created_us + self.sw["join_url_delay_seconds"] * US:
            return {"type": "zoom", "status": "processing", "join_url": None}
        return loc

    def render_event(self, e):
        invs = [self.invitees[i] for i in e.invitees]
        active = sum(1 for i in invs if i.status == "active")
        out = {
            "uri": self.ev_uri(e.uuid), "name": e.name, "meeting_notes_plain": None, "meeting_notes_html": None,
            "status": e.status, "start_time": iso(e.start_us), "end_time": iso(e.end_us),
            "event_type": self.u("event_types", e.type), "location": self.render_location(e),
            "invitees_counter": {"total": len(invs), "active": active,
                                 "limit": max(self.event_types[e.type].limit, active)},
            "created_at": iso(e.created_us), "updated_at": iso(e.updated_us),
            "event_memberships": [{"user": self.user_uri(h), "user_email": self.hosts[h].email,
                                   "user_name": self.hosts[h].name} for h in e.hosts],
            "event_guests": [], "calendar_event": None}
        if e.cancellation:
            out["cancellation"] = self._render_cancellation(e.cancellation)
        return self._extra(out)

    @staticmethod
    def _render_cancellation(c):
        return {"canceled_by": c["canceled_by"], "reason": c["reason"], "canceler_type": c["canceler_type"],
                "created_at": iso(c["created_us"])}

    def render_invitee(self, i, embed=False):
        ns = self.no_shows.get(i.no_show) if i.no_show else None
        out = {
            "uri": self.inv_uri(i.uuid), "email": i.email, "name": i.name,
            "first_name": i.first_name, "last_name": i.last_name, "status": i.status, "timezone": i.timezone,
            "event": self.ev_uri(i.event), "created_at": iso(i.created_us), "updated_at": iso(i.updated_us),
            "rescheduled": i.rescheduled,
            "old_invitee": self.inv_uri(i.old_invitee) if i.old_invitee else None,
            "new_invitee": self.inv_uri(i.new_invitee) if i.new_invitee else None,
            "no_show": {"uri": self.u("invitee_no_shows", ns.uuid), "created_at": iso(ns.created_us)} if ns else None,
            "cancel_url": "https://calendly.com/cancellations/" + i.uuid,
            "reschedule_url": "https://calendly.com/reschedulings/" + i.uuid,
            "questions_and_answers": i.qa, "tracking": i.tracking, "text_reminder_number": i.text_reminder_number,
            "scheduling_method": i.scheduling_method, "invitee_scheduled_by": None, "payment": None,
            "reconfirmation": None, "routing_form_submission": None}
        if i.cancellation:
            out["cancellation"] = self._render_cancellation(i.cancellation)
        if embed:
            out["scheduled_event"] = self.render_event(self.events[i.event])
        return self._extra(out)

    def render_sub(self, s, with_key=False):
        out = {"uri": self.u("webhook_subscriptions", s.uuid), "callback_url": s.callback_url,
               "created_at": iso(s.created_us), "updated_at": iso(s.updated_us),
               "retry_started_at": iso(s.retry_started_us) if s.retry_started_us else None,
               "state": s.state, "events": list(s.events), "scope": s.scope, "organization": self.org_uri(),
               "user": self.user_uri(s.user) if s.user else None, "group": s.group,
               "creator": self.user_uri(s.creator)}
        if with_key:
            out["signing_key"] = s.signing_key
        return out

    def render_no_show(self, n):
        return {"uri": self.u("invitee_no_shows", n.uuid), "invitee": self.inv_uri(n.invitee),
                "created_at": iso(n.created_us)}

    # ------------------------------------------------------------ lookups

    def find_invitee(self, value, param="invitee_uri"):
        iid = last_segment(value)
        if iid is None:
            raise invalid((param, "is required"))
        inv = self.invitees.get(iid)
        if inv is None:
            raise not_found("No invitee " + str(value))
        return inv

    def find_event_type(self, value):
        if value is None:
            return min(self.event_types.values(), key=lambda t: t.position)
        for t in self.event_types.values():
            if value in (t.uuid, t.name, t.slug) or last_segment(value) == t.uuid:
                return t
        raise invalid(("event_type", "unknown event type " + repr(value)))

    def host_for_email(self, email, name=None):
        for h in self.hosts.values():
            if h.email.lower() == email.lower():
                return h
        local = email.split("@")[0]
        h = Obj(uuid=str(uuid.uuid4()), email=email, slug=re.sub(r"[^a-z0-9]+", "-", local.lower()),
                name=name or " ".join(p.capitalize() for p in re.split(r"[._-]+", local) if p),
                timezone="America/Chicago", created_us=self.tick())
        self.hosts[h.uuid] = h
        return h

    def user_param(self, value, param="user"):
        if not isinstance(value, str) or "/users/" not in value:
            raise invalid((param, "must be a user URI, e.g. " + self.user_uri(self.main_user.uuid)))
        for h in self.hosts.values():
            if self.user_uri(h.uuid) == value:
                return h
        raise denied("You do not have access to user " + value)

    def org_param(self, value, param="organization"):
        if not isinstance(value, str) or "/organizations/" not in value:
            raise invalid((param, "must be an organization URI, e.g. " + self.org_uri()))
        if value != self.org_uri():
            raise denied("You do not have access to organization " + value)

    # ------------------------------------------------------------ domain changes (lock held)

    def _new_event(self, etype, start_us, end_us, hosts, location, now):
        eid = str(uuid.uuid4())
        if location is None:
            mid = self.rng.randrange(10 ** 9, 10 ** 10)
            location = {"type": "zoom", "status": "pushed", "join_url": f"https://us02web.zoom.us/j/{mid}",
                        "data": {"id": mid, "password": "%06d" % self.rng.randrange(10 ** 6),
                                 "settings": {"global_dial_in_numbers": [
                                     {"number": "+1 312 626 6799", "country": "US", "type": "toll",
                                      "city": "Chicago", "country_name": "US"}]},
                                 "extra": {"intl_numbers_url": "https://us02web.zoom.us/u/kdNbXyz"}}}
        e = Obj(uuid=eid, type=etype.uuid, name=etype.name, start_us=start_us, end_us=end_us, status="active",
                created_us=now, updated_us=now, hosts=[h.uuid for h in hosts], invitees=[], cancellation=None,
                location=location)
        self.events[eid] = e
        return e

    def _new_invitee(self, e, now, **kw):
        i = Obj(uuid=str(uuid.uuid4()), event=e.uuid, status="active", created_us=now, updated_us=now,
                rescheduled=False, old_invitee=None, new_invitee=None, cancellation=None, no_show=None, **kw)
        self.invitees[i.uuid] = i
        e.invitees.append(i.uuid)
        e.updated_us = now
        return i

    def _cancel_invitee(self, i, canceler_type, canceled_by, reason, now):
        e = self.events[i.event]
        if canceled_by is None:
            canceled_by = i.name if canceler_type == "invitee" else self.hosts[e.hosts[0]].name
        i.status = "canceled"
        i.cancellation = {"canceled_by": canceled_by, "reason": reason, "canceler_type": canceler_type,
                          "created_us": now}
        i.updated_us = now
        e.updated_us = now
        if all(self.invitees[x].status == "canceled" for x in e.invitees):
            e.status = "canceled"
            e.cancellation = dict(i.cancellation)

    def _fire(self, name, inv, silent):
        if silent:
            return
        payload = self.render_invitee(inv, embed=self.sw["embed_scheduled_event"])
        self._emit(name, payload, set(self.events[inv.event].hosts), self.last_us)

    def mark_no_show(self, inv, silent=False):
        if inv.no_show:
            raise ApiError(409, "Already Exists", "This invitee is already marked as a no-show.")
        if inv.status != "active":
            raise invalid(("invitee", "a canceled invitee cannot be marked as a no-show"))
        now = self.tick()
        n = Obj(uuid=str(uuid.uuid4()), invitee=inv.uuid, created_us=now)
        self.no_shows[n.uuid] = n
        inv.no_show = n.uuid
        if self.sw["noshow_moves_updated_at"]:
            inv.updated_us = now
            self.events[inv.event].updated_us = now
        self._fire("invitee_no_show.created", inv, silent)
        return n

    def delete_no_show(self, n, silent=False):
        inv = self.invitees[n.invitee]
        now = self.tick()
        del self.no_shows[n.uuid]
        inv.no_show = None
        if self.sw["noshow_moves_updated_at"]:
            inv.updated_us = now
            self.events[inv.event].updated_us = now
        self._fire("invitee_no_show.deleted", inv, silent)

    # ------------------------------------------------------------ webhook queue (lock held)

    def _emit(self, name, payload, host_ids, created_us, only_sub=None):
        for s in sorted(self.subs.values(), key=lambda s: s.created_us):
            if only_sub is not None and s is not only_sub:
                continue
            if name not in s.events or (s.scope == "user" and s.user not in host_ids):
                continue
            if s.state != "active":
                self._log(s, name, payload.get("uri"), None, None, None, "dropped", "subscription disabled", 0)
                self._keep_missed(s, name, payload, host_ids, created_us)
                continue
            body = encode_json({"created_at": iso(created_us), "created_by": self.user_uri(s.creator),
                                "event": name, "payload": payload})
            digest = hashlib.sha256(body).hexdigest()
            copies = 1
            if self.rng.random() < self.sw["duplicate_rate"]:
                copies = self.rng.randint(2, self.sw["max_copies"])
            self.emission_seq += 1
            for c in range(copies):
                self.job_seq += 1
                j = Obj(seq=self.job_seq, sub=s.uuid, event=name, invitee=payload.get("uri"), body=body, t0=None,
                        attempt=1, due_rt=self.clock.rt(), copy=c, gen=self.gen, payload=payload,
                        host_ids=host_ids, created_us=created_us, emission=self.emission_seq, sha=digest)
                if self.sw["shuffle"]:
                    if not self.buffer:
                        self.buffer_since = time.monotonic()
                    self.buffer.append(j)
                else:
                    self._push(j)
        self.cond.notify_all()

    def _push(self, j):
        heapq.heappush(self.queue, (j.due_rt, j.seq, j))

    def _keep_missed(self, s, name, payload, host_ids, created_us):
        if self.sw["resend_missed_after_recreate"]:
            self.missed.setdefault(s.callback_url, []).append((name, payload, host_ids, created_us))

    def _flush_buffer(self, force=False):
        if not self.buffer:
            return
        held = time.monotonic() - (self.buffer_since or 0)
        if force or not self.sw["shuffle"] or len(self.buffer) >= self.sw["shuffle_batch"] \
                or held >= self.sw["shuffle_hold_ms"] / 1000:
            self.rng.shuffle(self.buffer)
            for j in self.buffer:
                self.job_seq += 1
                j.seq, j.due_rt = self.job_seq, self.clock.rt()
                self._push(j)
            self.buffer, self.buffer_since = [], None

    def _log(self, s, name, invitee, attempt, status, t, outcome, error, copy, sig=None, body=None, job=None):
        self.delivery_seq += 1
        self.deliveries.append({
            "id": self.delivery_seq, "subscription": self.u("webhook_subscriptions", s.uuid),
            "callback_url": s.callback_url, "event": name, "invitee": invitee, "attempt": attempt, "copy": copy,
            "emission": job.emission if job else None, "body_sha256": job.sha if job else None,
            "status": status, "outcome": outcome, "error": error, "time": iso(self.clock.now_us()),
            "real_time": round(time.time(), 6), "t": t, "signature": sig,
            "body": body.decode("utf-8") if body is not None else None})
        if len(self.deliveries) > 50000:
            del self.deliveries[:10000]

    def _drop_jobs(self, s, reason):
        for j in sorted((e[2] for e in self.queue), key=lambda j: (j.due_rt, j.seq)) + self.buffer:
            if j.sub == s.uuid:
                self._log(s, j.event, j.invitee, j.attempt, None, j.t0, "dropped", reason, j.copy, job=j)
                if j.copy == 0:
                    self._keep_missed(s, j.event, j.payload, j.host_ids, j.created_us)
        self.queue = [e for e in self.queue if e[2].sub != s.uuid]
        heapq.heapify(self.queue)
        self.buffer = [j for j in self.buffer if j.sub != s.uuid]

    def _disable(self, s, reason):
        s.state = "disabled"
        s.updated_us = self.tick()
        self._drop_jobs(s, reason)

    def pending(self):
        return len(self.queue) + len(self.buffer) + len(self.inflight)

    def _ensure_senders(self):
        """Starts sender threads up to sender_concurrency; threads beyond the switch's value park."""
        with self.cond:
            while len(self.senders) < self.sw["sender_concurrency"]:
                k = len(self.senders)
                t = threading.Thread(target=self._sender_loop, args=(k,), name="webhook-sender-%d" % k, daemon=True)
                self.senders.append(t)
                t.start()

    def _sender_loop(self, k):
        while True:
            with self.cond:
                if self.stopping:
                    return
                if k >= self.sw["sender_concurrency"]:
                    self.cond.wait(1.0)
                    continue
                self._flush_buffer()
                wait, job = 1.0, None
                if self.sw["webhook_deliveries_enabled"] and self.queue:
                    j = self.queue[0][2]
                    w = (j.due_rt - self.clock.rt()) / self.clock.scale
                    if w <= 0:
                        job = heapq.heappop(self.queue)[2]
                    else:
                        wait = min(wait, w)
                if self.buffer:
                    wait = min(wait, max(0.005, self.sw["shuffle_hold_ms"] / 1000))
                if job is None:
                    self.cond.wait(wait)
                    continue
                s = self.subs.get(job.sub)
                if s is None or s.state != "active":
                    continue
                self.inflight.add(job)
                t = job.t0 if (job.t0 is not None and not self.sw["refresh_t_on_retry"]) else self.clock.now_us() // US
                if job.t0 is None:
                    job.t0 = t
                if self.sw["stale_t_rate"] and self.rng.random() < self.sw["stale_t_rate"]:
                    t -= int(self.sw["stale_t_seconds"])  # a late retry: signed, but with an old t
                v1 = hmac.new(s.signing_key.encode("utf-8"), str(t).encode() + b"." + job.body,
                              hashlib.sha256).hexdigest()
                sig = f"t={t},v1={v1}"
                if self.sw["signature_extra_v1"]:
                    sig = f"t={t},v1={secrets.token_hex(32)},v1={v1}"
                scale, floor = self.clock.scale, self.sw["timeout_floor_seconds"]
                cto = max(self.sw["connect_timeout_seconds"] / scale, floor)
                rto = max(self.sw["response_timeout_seconds"] / scale, floor)
                url = s.callback_url
            status, error = post_webhook(url, job.body, sig, cto, rto)
            with self.cond:
                self.inflight.discard(job)
                if job.gen != self.gen:
                    self.cond.notify_all()
                    continue
                ok = status is not None and 200 <= status < 300
                if error is None and not ok:
                    error = f"HTTP {status}"
                self._log(s, job.event, job.invitee, job.attempt, status, t, "delivered" if ok else "failed",
                          error, job.copy, sig, job.body, job)
                if self.verbose:
                    print(f"webhook {job.event} attempt {job.attempt} -> {status or error}", file=sys.stderr)
                if s.state != "active" or self.subs.get(s.uuid) is not s:
                    pass
                elif ok:
                    if s.retry_started_us is not None:
                        s.retry_started_us, s.streak_rt = None, None
                        s.updated_us = self.tick()
                else:
                    rt = self.clock.rt()
                    if s.retry_started_us is None:
                        s.retry_started_us, s.streak_rt = self.tick(), rt
                        s.updated_us = s.retry_started_us
                    window = self.sw["retry_window_seconds"]
                    if rt - s.streak_rt >= window:
                        if job.copy == 0:
                            self._keep_missed(s, job.event, job.payload, job.host_ids, job.created_us)
                        self._disable(s, "retries exhausted: subscription disabled")
                    else:
                        delay = min(self.sw["retry_base_seconds"] * 2 ** (job.attempt - 1),
                                    self.sw["retry_cap_seconds"])
                        job.attempt += 1
                        job.due_rt = min(rt + delay, s.streak_rt + window)
                        self._push(job)
                self.cond.notify_all()

    def wait_idle(self, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.pending() > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(min(left, 0.25))
            n = self.pending()
            return {"idle": n == 0, "pending": n}

    def stop(self):
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
            senders = list(self.senders)
        for t in senders:
            t.join(timeout=20)

    # ------------------------------------------------------------ control interface

    def control(self, method, name, query, body):
        routes = {
            ("POST", "book"): self.c_book, ("POST", "cancel"): self.c_cancel,
            ("POST", "reschedule"): self.c_reschedule, ("POST", "no_show"): self.c_no_show,
            ("POST", "no_show_delete"): self.c_no_show_delete, ("POST", "emit"): self.c_emit,
            ("GET", "switches"): self.c_switches, ("POST", "switches"): self.c_switches,
            ("GET", "state"): self.c_state, ("GET", "deliveries"): self.c_deliveries,
            ("GET", "idle"): self.c_idle, ("POST", "reset"): self.reset,
            ("GET", "clock"): self.c_clock, ("POST", "clock"): self.c_clock,
            ("POST", "subscription_state"): self.c_subscription_state,
            ("GET", "tokens"): self.c_tokens, ("POST", "tokens"): self.c_tokens,
            ("POST", "tokens/revoke"): self.c_revoke, ("POST", "batch"): self.c_batch, ("GET", ""): self.c_index,
            ("GET", "oauth"): self.c_oauth, ("POST", "oauth/clients"): self.c_oauth_client,
        }
        fn = routes.get((method, name))
        if fn is None:
            raise not_found(f"No control endpoint {method} /_control/{name}")
        if name in ("idle", "deliveries"):  # these read their query string
            return 200, fn(query)
        if method == "GET":
            body = {}
        if not isinstance(body, dict):
            raise invalid(("body", "must be a JSON object"))
        with self.cond:
            out = fn(body)
        return (201 if name in ("book", "reschedule") else 200), out

    def c_index(self, _):
        return {"endpoints": ["POST /_control/book", "POST /_control/cancel", "POST /_control/reschedule",
                              "POST /_control/no_show", "POST /_control/no_show_delete", "POST /_control/emit",
                              "GET|POST /_control/switches", "GET /_control/state", "GET /_control/deliveries",
                              "GET /_control/idle", "POST /_control/reset", "GET|POST /_control/clock",
                              "POST /_control/subscription_state", "GET|POST /_control/tokens",
                              "POST /_control/tokens/revoke", "POST /_control/batch", "GET /_control/oauth",
                              "POST /_control/oauth/clients"],
                "see": "tests/fake-calendly/README.md"}

    BATCH_OPS = ("book", "cancel", "reschedule", "no_show", "no_show_delete", "emit")
    BATCH_MAX = 1000

    def c_batch(self, b):
        """Several control calls in one request, applied in order under one lock hold; each op answers on its own."""
        ops = b.get("ops")
        if not isinstance(ops, list) or not ops or len(ops) > self.BATCH_MAX:
            raise invalid(("ops", "must be a list of 1 to %d objects" % self.BATCH_MAX))
        details = []
        for n, op in enumerate(ops):
            if not isinstance(op, dict) or op.get("op") not in self.BATCH_OPS:
                details.append({"parameter": "ops[%d].op" % n, "message": "must be one of " + ", ".join(self.BATCH_OPS)})
        if details:
            raise invalid(details)
        results = []
        for op in ops:
            name = op["op"]
            body = {k: v for k, v in op.items() if k != "op"}
            try:
                out = getattr(self, "c_" + name)(body)
                results.append({"status": 201 if name in ("book", "reschedule") else 200, "body": out})
            except ApiError as ex:
                results.append({"status": ex.status, "body": ex.body()})
        return {"results": results}

    @staticmethod
    def _str(body, key, required=False, default=None):
        v = body.get(key, default)
        if v is None:
            if required:
                raise invalid((key, "is required"))
            return default
        if not isinstance(v, str) or not v.strip():
            raise invalid((key, "must be a non-empty string"))
        return v

    def _time(self, body, key, default=None):
        v = body.get(key)
        if v is None:
            if default is None:
                raise invalid((key, "is required"))
            return default
        try:
            return parse_time(v)
        except ValueError as ex:
            raise invalid((key, str(ex)))

    def c_book(self, b):
        email = self._str(b, "email", required=True)
        if "@" not in email:
            raise invalid(("email", "must be an e-mail address"))
        name = self._str(b, "name", default=email.split("@")[0])
        now = self.tick()
        if b.get("group_event_uri") is not None:
            e = self.events.get(last_segment(b["group_event_uri"]))
            if e is None:
                raise not_found("No scheduled event " + str(b["group_event_uri"]))
            if e.status != "active":
                raise ApiError(409, "Conflict", "That scheduled event is canceled.")
        else:
            et = self.find_event_type(b.get("event_type"))
            default_start = (now // (3600 * US) + 25) * 3600 * US
            start = self._time(b, "start_time", default_start)
            minutes = b.get("duration_minutes", et.duration)
            if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
                raise invalid(("duration_minutes", "must be a positive integer"))
            host_email = self._str(b, "host_email")
            host = self.host_for_email(host_email, self._str(b, "host_name")) if host_email else self.main_user
            cohosts = b.get("cohost_emails", [])
            if not isinstance(cohosts, list) or not all(isinstance(c, str) and "@" in c for c in cohosts):
                raise invalid(("cohost_emails", "must be a list of e-mail addresses"))
            hosts = [host]
            for c in cohosts:
                h = self.host_for_email(c)
                if h not in hosts:
                    hosts.append(h)
            loc = b.get("location")
            if loc is not None and (not isinstance(loc, dict) or not isinstance(loc.get("type"), str)):
                raise invalid(("location", "must be an object with a type"))
            e = self._new_event(et, start, start + minutes * 60 * US, hosts, loc, now)
        qa = b.get("questions_and_answers",
                   [{"question": "What would you like to work on?", "answer": "Career planning", "position": 0}])
        tracking = {"utm_campaign": None, "utm_source": None, "utm_medium": None, "utm_content": None,
                    "utm_term": None, "salesforce_uuid": None}
        if isinstance(b.get("tracking"), dict):
            tracking.update(b["tracking"])
        inv = self._new_invitee(e, now, email=email, name=name, first_name=b.get("first_name"),
                                last_name=b.get("last_name"), timezone=b.get("timezone", "America/New_York"),
                                qa=qa if isinstance(qa, list) else [], tracking=tracking,
                                text_reminder_number=b.get("text_reminder_number"),
                                scheduling_method=b.get("scheduling_method"))
        self._fire("invitee.created", inv, bool(b.get("silent")))
        return {"event_uri": self.ev_uri(e.uuid), "invitee_uri": self.inv_uri(inv.uuid), "event_uuid": e.uuid,
                "invitee_uuid": inv.uuid, "event": self.render_event(e), "invitee": self.render_invitee(inv)}

    def _canceler(self, b):
        ct = b.get("canceler_type", "invitee")
        if ct not in ("host", "invitee"):
            raise invalid(("canceler_type", "must be host or invitee"))
        reason = b.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise invalid(("reason", "must be a string or null"))
        return ct, self._str(b, "canceled_by"), reason

    def c_cancel(self, b):
        ct, by, reason = self._canceler(b)
        silent = bool(b.get("silent"))
        if b.get("invitee_uri") is None and b.get("event_uri") is not None:
            e = self.events.get(last_segment(b["event_uri"]))
            if e is None:
                raise not_found("No scheduled event " + str(b["event_uri"]))
            targets = [self.invitees[x] for x in e.invitees if self.invitees[x].status == "active"]
        else:
            targets = [self.find_invitee(b.get("invitee_uri"))]
        if not targets or any(i.status != "active" for i in targets):
            raise ApiError(409, "Conflict", "Already canceled.")
        for i in targets:
            self._cancel_invitee(i, ct, by, reason, self.tick())
            self._fire("invitee.canceled", i, silent)
        e = self.events[targets[0].event]
        return {"event": self.render_event(e), "invitees": [self.render_invitee(i) for i in targets],
                "invitee": self.render_invitee(targets[0])}

    def c_reschedule(self, b):
        old = self.find_invitee(b.get("invitee_uri"))
        if old.status != "active":
            raise ApiError(409, "Conflict", "Only an active invitee can be rescheduled.")
        start = self._time(b, "start_time")
        ct, by, reason = self._canceler(b)
        oe = self.events[old.event]
        now = self.tick()
        ne = self._new_event(self.event_types[oe.type], start, start + (oe.end_us - oe.start_us),
                             [self.hosts[h] for h in oe.hosts], None if oe.location.get("type") == "zoom"
                             else dict(oe.location), now)
        new = self._new_invitee(ne, now, email=old.email, name=old.name, first_name=old.first_name,
                                last_name=old.last_name, timezone=old.timezone, qa=list(old.qa),
                                tracking=dict(old.tracking), text_reminder_number=old.text_reminder_number,
                                scheduling_method=old.scheduling_method)
        new.old_invitee = old.uuid
        old.rescheduled, old.new_invitee = True, new.uuid
        self._cancel_invitee(old, ct, by, reason, now)
        order = self.sw["reschedule_order"]
        if order == "random":
            order = self.rng.choice(("canceled_first", "created_first"))
        silent = bool(b.get("silent"))
        pair = [("invitee.canceled", old), ("invitee.created", new)]
        for name, inv in (pair if order == "canceled_first" else pair[::-1]):
            self._fire(name, inv, silent)
        return {"old_invitee_uri": self.inv_uri(old.uuid), "new_invitee_uri": self.inv_uri(new.uuid),
                "old_event_uri": self.ev_uri(oe.uuid), "new_event_uri": self.ev_uri(ne.uuid),
                "old_invitee": self.render_invitee(old), "new_invitee": self.render_invitee(new),
                "new_event": self.render_event(ne)}

    def c_no_show(self, b):
        inv = self.find_invitee(b.get("invitee_uri"))
        n = self.mark_no_show(inv, bool(b.get("silent")))
        return {"no_show_uri": self.u("invitee_no_shows", n.uuid), "no_show": self.render_no_show(n),
                "invitee": self.render_invitee(inv)}

    def c_no_show_delete(self, b):
        if b.get("no_show_uri") is not None:
            n = self.no_shows.get(last_segment(b["no_show_uri"]))
            if n is None:
                raise not_found("No such no-show")
        else:
            inv = self.find_invitee(b.get("invitee_uri"))
            n = self.no_shows.get(inv.no_show) if inv.no_show else None
            if n is None:
                raise not_found("This invitee is not marked as a no-show.")
        self.delete_no_show(n, bool(b.get("silent")))
        return {"deleted": self.u("invitee_no_shows", n.uuid), "invitee": self.render_invitee(self.invitees[n.invitee])}

    def c_emit(self, b):
        name = self._str(b, "event", required=True)
        payload = b.get("payload", {})
        if not isinstance(payload, dict):
            raise invalid(("payload", "must be an object"))
        self._emit(name, payload, {self.main_user.uuid}, self.tick())
        return {"emitted": name}

    def c_switches(self, b):
        if b:
            new = {}
            details = []
            for k, v in b.items():
                if k not in SWITCHES:
                    details.append({"parameter": k, "message": "unknown switch"})
                    continue
                try:
                    new[k] = SWITCHES[k][1](v)
                except ValueError as ex:
                    details.append({"parameter": k, "message": str(ex)})
            if details:
                raise invalid(details)
            self.sw.update(new)
            self._ensure_senders()
            if "time_scale" in new:
                self.clock.set_scale(new["time_scale"])
            if "seed" in new:
                self.rng = random.Random(new["seed"])
            if "rate_limit" in new or "rate_window_seconds" in new:
                self.buckets = {}  # a new limit starts fresh windows
            self._flush_buffer(force=not self.sw["shuffle"])
            self.cond.notify_all()
        return dict(self.sw)

    def c_state(self, _):
        evs = sorted(self.events.values(), key=lambda e: (e.start_us, e.uuid))
        invs = sorted(self.invitees.values(), key=lambda i: (i.created_us, i.uuid))
        return {"now": iso(self.clock.now_us()), "uri_base": self.uri_base,
                "user": self.render_user(self.main_user), "organization": self.render_org(),
                "hosts": [self.render_user(h) for h in self.hosts.values()],
                "event_types": [self.render_event_type(t) for t in
                                sorted(self.event_types.values(), key=lambda t: t.position)],
                "scheduled_events": [self.render_event(e) for e in evs],
                "invitees": [self.render_invitee(i) for i in invs],
                "no_shows": [self.render_no_show(n) for n in self.no_shows.values()],
                "webhook_subscriptions": [self.render_sub(s, with_key=True) for s in
                                          sorted(self.subs.values(), key=lambda s: s.created_us)],
                "pending_deliveries": self.pending(),
                "api_requests": dict(self.api_requests)}

    def c_deliveries(self, q):
        since = int(q.get("since", ["0"])[0] or 0)
        event = q.get("event", [None])[0]
        bodies = q.get("bodies", ["0"])[0] in ("1", "true")
        with self.cond:
            out = []
            for d in self.deliveries:
                if d["id"] > since and (event is None or d["event"] == event):
                    d = dict(d)
                    if not bodies:
                        d.pop("body")
                    out.append(d)
            return {"deliveries": out, "pending": self.pending(), "last_id": self.delivery_seq}

    def c_idle(self, q):
        try:
            timeout = float(q.get("timeout", ["10"])[0])
        except ValueError:
            raise invalid(("timeout", "must be a number of seconds"))
        return self.wait_idle(min(max(timeout, 0.0), 600.0))

    def c_clock(self, b):
        if "advance_seconds" in b:
            v = b["advance_seconds"]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise invalid(("advance_seconds", "must be a number >= 0"))
            self.clock.offset += v
            self.cond.notify_all()
        return {"now": iso(self.clock.now_us()), "offset_seconds": self.clock.offset,
                "time_scale": self.clock.scale}

    def c_subscription_state(self, b):
        s = self.subs.get(last_segment(b.get("uuid") or b.get("uri")))
        if s is None:
            raise not_found("No such webhook subscription")
        state = b.get("state")
        if state not in ("active", "disabled"):
            raise invalid(("state", "must be active or disabled"))
        if state == "disabled" and s.state == "active":
            self._disable(s, "subscription disabled through the control interface")
        elif state == "active":
            s.state, s.retry_started_us, s.streak_rt, s.updated_us = "active", None, None, self.tick()
        return self.render_sub(s)

    # ------------------------------------------------------------ OAuth 2.0 (served on the auth base)

    CODE_LIFETIME_US = 600 * US  # authorization codes expire after 10 minutes

    def oauth_reset(self):
        """OAuth state back to the start: the command line's clients, no codes, no grants, counters zero."""
        self.clients = {cid: Obj(secret=sec) for cid, sec in self.cli_clients.items()}
        self.codes, self.refresh_tokens, self.grants = {}, {}, {}
        self.token_buckets = {}
        self.oauth_requests = {"authorize": 0, "authorize_approved": 0, "token_authorization_code": 0,
                               "token_refresh_token": 0, "token_refused": 0, "token_rate_limited": 0,
                               "revoke": 0, "introspect": 0, "refresh_reuse_detected": 0}
        self.oauth_log = []

    def c_oauth(self, _):
        tokens = [{"access_token": t, "grant": o.grant, "expires_at": iso(o.expires_us), "revoked": o.revoked,
                   "expired": self.clock.now_us() >= o.expires_us}
                  for t, o in self.tokens.items() if getattr(o, "grant", None) is not None]
        refresh = [{"refresh_token": t, "grant": o.grant, "used": o.used, "revoked": o.revoked}
                   for t, o in self.refresh_tokens.items()]
        return {"clients": sorted(self.clients), "requests": dict(self.oauth_requests),
                "grants": [{"id": gid, "client_id": g.client_id, "revoked": g.revoked, "reason": g.reason}
                           for gid, g in self.grants.items()],
                "access_tokens": tokens, "refresh_tokens": refresh, "log": list(self.oauth_log[-200:])}

    def c_oauth_client(self, b):
        cid, sec = b.get("client_id"), b.get("client_secret")
        details = [(k, "must be a non-empty string") for k, v in (("client_id", cid), ("client_secret", sec))
                   if not isinstance(v, str) or not v.strip()]
        if details:
            raise invalid([{"parameter": k, "message": m} for k, m in details])
        self.clients[cid] = Obj(secret=sec)
        return {"client_id": cid}

    @staticmethod
    def oauth_error(status, error, description, headers=None):
        return status, headers or {}, {"error": error, "error_description": description}

    def _client_auth(self, form, auth):
        """HTTP Basic (or client_id/client_secret form fields); returns the client id or None."""
        cid = sec = None
        m = re.match(r"^\s*Basic\s+(\S+)\s*$", auth or "", re.I)
        if m:
            try:
                cid, _, sec = base64.b64decode(m.group(1), validate=True).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
        else:
            cid, sec = form.get("client_id"), form.get("client_secret")
        c = self.clients.get(cid) if cid else None
        if c is None or not isinstance(sec, str) or not hmac.compare_digest(c.secret.encode(), sec.encode()):
            return None
        return cid

    def _issue(self, grant_id):
        g = self.grants[grant_id]
        now = self.clock.now_us()
        access, refresh = "oat-" + secrets.token_urlsafe(24), "ort-" + secrets.token_urlsafe(24)
        expires_in = self.sw["oauth_expires_in"]
        self.tokens[access] = Obj(role="owner", revoked=False, expires_us=now + expires_in * US, grant=grant_id)
        self.refresh_tokens[refresh] = Obj(grant=grant_id, used=False, revoked=False)
        g.access.append(access)
        out = {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": expires_in,
               "created_at": now // US, "scope": "default", "owner": self.user_uri(self.main_user.uuid)}
        if self.sw["oauth_token_includes_organization"]:
            out["organization"] = self.org_uri()
        return out

    def _revoke_grant(self, grant_id, reason):
        g = self.grants.get(grant_id)
        if g is None:
            return
        g.revoked, g.reason = True, g.reason or reason
        for a in g.access:
            if a in self.tokens:
                self.tokens[a].revoked = True
        for o in self.refresh_tokens.values():
            if o.grant == grant_id:
                o.revoked = True

    def _token_rate(self, cid):
        """The token endpoint's own limit: oauth_token_rate_limit requests per rate_window_seconds per client."""
        limit = self.sw["oauth_token_rate_limit"]
        if limit == 0:
            return None
        window = self.sw["rate_window_seconds"] * US
        now = self.clock.now_us()
        b = self.token_buckets.get(cid)
        if b is None or now >= b[0] + window or now < b[0]:
            b = self.token_buckets[cid] = [now, 0]
        b[1] += 1
        if b[1] > limit:
            reset = max(1, math.ceil((b[0] + window - now) / US))
            headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
            if self.sw["retry_after_on_429"]:
                headers["Retry-After"] = str(reset)
            return headers
        return None

    @staticmethod
    def _form(raw):
        try:
            return {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            return {}

    def oauth(self, method, path, query, raw, headers):
        """Answers one request to the auth base: (status, headers, body); a str body is HTML. Lock held."""
        path = path.rstrip("/") or "/"
        if path == "/oauth/authorize" and method in ("GET", "POST"):
            return self.oauth_authorize(method, query, raw)
        if method != "POST" or path not in ("/oauth/token", "/oauth/revoke", "/oauth/introspect"):
            return 404, {}, {"error": "not_found", "error_description": "No such endpoint on the auth base"}
        form = self._form(raw)
        name = path.rsplit("/", 1)[-1]
        if name in ("revoke", "introspect"):
            self.oauth_requests[name] += 1
        cid = self._client_auth(form, headers.get("Authorization"))
        if cid is None:
            if name == "token":
                self.oauth_requests["token_refused"] += 1
            return self.oauth_error(401, "invalid_client", "Client authentication failed")
        if name == "token":
            return self.oauth_token(cid, form)
        token = form.get("token") or ""
        if name == "revoke":
            if token in self.tokens and getattr(self.tokens[token], "grant", None) is not None:
                self._revoke_grant(self.tokens[token].grant, "revoked")
            elif token in self.refresh_tokens:
                self._revoke_grant(self.refresh_tokens[token].grant, "revoked")
            self.oauth_log.append({"time": iso(self.clock.now_us()), "request": "revoke", "outcome": "ok"})
            return 200, {}, {}
        a = self.tokens.get(token)
        if a is not None and getattr(a, "grant", None) is not None and not a.revoked \
                and self.clock.now_us() < a.expires_us and self.grants[a.grant].client_id == cid:
            return 200, {}, {"active": True, "scope": "default", "client_id": cid, "token_type": "Bearer",
                             "exp": a.expires_us // US, "owner": self.user_uri(self.main_user.uuid),
                             "organization": self.org_uri()}
        r = self.refresh_tokens.get(token)
        if r is not None and not r.used and not r.revoked and self.grants[r.grant].client_id == cid:
            return 200, {}, {"active": True, "scope": "default", "client_id": cid, "token_type": "refresh_token"}
        return 200, {}, {"active": False}

    def oauth_authorize(self, method, query, raw):
        q = {k: v[0] for k, v in query.items()} if method == "GET" else self._form(raw)
        cid, redirect, state = q.get("client_id", ""), q.get("redirect_uri", ""), q.get("state")
        if cid not in self.clients:
            return 400, {}, "<!doctype html><title>Error</title><h1>Unknown client_id</h1>"
        if not re.match(r"^https?://[^\s#]+$", redirect):
            return 400, {}, "<!doctype html><title>Error</title><h1>Invalid redirect_uri</h1>"

        def back(params):
            if state is not None:
                params["state"] = state
            return 302, {"Location": redirect + ("&" if "?" in redirect else "?") + urlencode(params)}, None

        if q.get("response_type") != "code":
            return back({"error": "unsupported_response_type"})
        challenge, cmethod = q.get("code_challenge") or None, q.get("code_challenge_method") or "plain"
        if challenge is None and self.sw["pkce_required"]:
            return back({"error": "invalid_request", "error_description": "code_challenge is required"})
        if challenge is not None and cmethod not in ("S256", "plain"):
            return back({"error": "invalid_request", "error_description": "code_challenge_method must be S256 or plain"})
        if method == "GET":
            self.oauth_requests["authorize"] += 1
            esc = lambda v: (v or "").replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            fields = "".join('<input type="hidden" name="%s" value="%s">' % (k, esc(v)) for k, v in q.items())
            page = ('<!doctype html><html><head><meta charset="utf-8"><title>Sign in to Calendly (fake)</title></head>'
                    '<body><h1>Sign in to Calendly</h1><p>Signed in as %s. Allow this app to use your Calendly account?</p>'
                    '<form method="post" action="/oauth/authorize" id="authorize">%s'
                    '<button type="submit" name="decision" value="allow" id="allow">Allow</button> '
                    '<button type="submit" name="decision" value="deny" id="deny">Deny</button></form></body></html>'
                    ) % (esc(self.main_user.email), fields)
            return 200, {}, page
        if q.get("decision") != "allow":
            return back({"error": "access_denied"})
        self.oauth_requests["authorize_approved"] += 1
        code = "code-" + secrets.token_urlsafe(18)
        self.codes[code] = Obj(client_id=cid, redirect_uri=redirect, challenge=challenge, method=cmethod,
                               expires_us=self.clock.now_us() + self.CODE_LIFETIME_US, used=False, grant=None)
        return back({"code": code})

    def oauth_token(self, cid, form):
        grant = form.get("grant_type")
        if grant in ("authorization_code", "refresh_token"):
            self.oauth_requests["token_" + grant] += 1
        limited = self._token_rate(cid)
        if limited is not None:
            self.oauth_requests["token_rate_limited"] += 1
            self.oauth_log.append({"time": iso(self.clock.now_us()), "request": grant, "outcome": "rate_limited"})
            return self.oauth_error(429, "rate_limited", "Too many token requests; try again later", limited)

        def refuse(error, description):
            self.oauth_requests["token_refused"] += 1
            self.oauth_log.append({"time": iso(self.clock.now_us()), "request": grant, "outcome": error,
                                   "description": description})
            return self.oauth_error(400, error, description)

        if grant == "authorization_code":
            code = self.codes.get(form.get("code") or "")
            if code is None or code.client_id != cid:
                return refuse("invalid_grant", "The authorization code is invalid")
            if code.used:
                self._revoke_grant(code.grant, "code reused")
                return refuse("invalid_grant", "The authorization code was already used")
            if self.clock.now_us() >= code.expires_us:
                return refuse("invalid_grant", "The authorization code expired")
            if form.get("redirect_uri") != code.redirect_uri:
                return refuse("invalid_grant", "redirect_uri does not match the authorization request")
            verifier = form.get("code_verifier")
            if code.challenge is not None:
                if not verifier:
                    return refuse("invalid_grant", "code_verifier is required")
                if code.method == "S256":
                    derived = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                else:
                    derived = verifier
                if not hmac.compare_digest(derived, code.challenge):
                    return refuse("invalid_grant", "code_verifier does not match the code_challenge")
            code.used = True
            gid = "grant-%d" % (len(self.grants) + 1)
            self.grants[gid] = Obj(client_id=cid, revoked=False, reason=None, access=[])
            code.grant = gid
            self.oauth_log.append({"time": iso(self.clock.now_us()), "request": grant, "outcome": "ok"})
            return 200, {}, self._issue(gid)
        if grant == "refresh_token":
            rt = self.refresh_tokens.get(form.get("refresh_token") or "")
            if rt is None or self.grants[rt.grant].client_id != cid:
                return refuse("invalid_grant", "The refresh token is invalid")
            if rt.revoked:
                return refuse("invalid_grant", "The refresh token was revoked")
            if rt.used:
                # Reuse detection: a used refresh token comes back, so the whole grant is revoked.
                self.oauth_requests["refresh_reuse_detected"] += 1
                self._revoke_grant(rt.grant, "refresh token reused")
                return refuse("invalid_grant", "The refresh token was already used")
            rt.used = True
            self.oauth_log.append({"time": iso(self.clock.now_us()), "request": grant, "outcome": "ok"})
            return 200, {}, self._issue(rt.grant)
        return refuse("unsupported_grant_type", "grant_type must be authorization_code or refresh_token")

    def c_tokens(self, b):
        if "token" in b or "role" in b:
            tok = b.get("token") or "tok-" + secrets.token_hex(12)
            role = b.get("role", "owner")
            if not isinstance(tok, str) or role not in ("owner", "admin", "user"):
                raise invalid(("role", "must be owner, admin or user"))
            self.tokens[tok] = Obj(role=role, revoked=False)
            return {"token": tok, "role": role}
        return {"tokens": [{"token": t, "role": o.role, "revoked": o.revoked} for t, o in self.tokens.items()]}

    def c_revoke(self, b):
        o = self.tokens.get(b.get("token"))
        if o is None:
            raise not_found("No such token")
        o.revoked = True
        return {"token": b["token"], "revoked": True}

    # ------------------------------------------------------------ REST

    def rate_check(self, token):
        """Counts one request; returns the X-RateLimit-* headers, or raises 429."""
        limit = self.sw["rate_limit"]
        if limit == 0:
            return {}
        window = self.sw["rate_window_seconds"] * US
        now = self.clock.now_us()
        b = self.buckets.get(token)
        if b is None or now >= b[0] + window or now < b[0]:
            b = self.buckets[token] = [now, 0]
        b[1] += 1
        reset = max(1, math.ceil((b[0] + window - now) / US))
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(0, limit - b[1])),
                   "X-RateLimit-Reset": str(reset)}
        if b[1] > limit:
            if self.sw["retry_after_on_429"]:
                headers["Retry-After"] = str(reset)
            raise ApiError(429, "Too Many Requests", "You have exceeded the rate limit. Try again later.",
                           headers=headers)
        return headers

    def rest(self, method, path, query, raw, auth, served_base):
        """Answers one REST call: returns (status, headers, body or None). Lock held by the caller."""
        m = re.match(r"^\s*Bearer\s+(\S+)\s*$", auth or "", re.I)
        tok = self.tokens.get(m.group(1)) if m else None
        if tok is None or tok.revoked:
            msg = "The access token was revoked" if tok else (
                "The access token is invalid" if m else "Missing or malformed Authorization header")
            raise ApiError(401, "Unauthenticated", msg)
        if getattr(tok, "expires_us", None) is not None and self.clock.now_us() >= tok.expires_us:
            raise ApiError(401, "Unauthenticated", "The access token expired")
        headers = self.rate_check(m.group(1))
        try:
            if self.rng.random() < self.sw["fail_rate"]:
                if self.rng.random() < 0.5:
                    raise ApiError(500, "Internal Server Error", "Injected failure (fail_rate).")
                raise ApiError(503, "Service Unavailable", "Injected failure (fail_rate).")
            q = {k: v[0] for k, v in query.items()}
            ctx = Obj(role=tok.role, q=q, path=path, base=served_base)
            status, body = self.route(method, path, q, raw, ctx)
            return status, headers, body
        except ApiError as ex:
            ex.headers = {**headers, **ex.headers}
            raise

    def route(self, method, path, q, raw, ctx):
        seg = path.strip("/").split("/") if path.strip("/") else []
        n = len(seg)
        if method == "GET" and seg == ["users", "me"]:
            return 200, {"resource": self.render_user(self.main_user)}
        if method == "GET" and n == 2 and seg[0] == "users":
            h = self.hosts.get(seg[1])
            if h is None:
                raise not_found()
            return 200, {"resource": self.render_user(h)}
        if method == "GET" and n == 2 and seg[0] == "organizations":
            if seg[1] != self.org.uuid:
                raise not_found()
            return 200, {"resource": self.render_org()}
        if seg[:1] == ["event_types"] and method == "GET":
            if n == 1:
                return 200, self.list_event_types(ctx)
            if n == 2 and seg[1] in self.event_types:
                return 200, {"resource": self.render_event_type(self.event_types[seg[1]])}
            raise not_found()
        if seg[:1] == ["scheduled_events"] and method == "GET":
            if n == 1:
                return 200, self.list_events(ctx)
            e = self.events.get(seg[1])
            if e is None or n > 4 or (n >= 3 and seg[2] != "invitees"):
                raise not_found()
            if n == 2:
                return 200, {"resource": self.render_event(e)}
            if n == 3:
                return 200, self.list_invitees(e, ctx)
            i = self.invitees.get(seg[3])
            if i is None or i.event != e.uuid:
                raise not_found()
            return 200, {"resource": self.render_invitee(i)}
        if seg[:1] == ["webhook_subscriptions"]:
            if n == 1 and method == "POST":
                return 201, self.create_sub(self.json_body(raw), ctx)
            if n == 1 and method == "GET":
                return 200, self.list_subs(ctx)
            if n == 2 and method in ("GET", "DELETE"):
                s = self.subs.get(seg[1])
                if s is None:
                    raise not_found()
                if method == "GET":
                    return 200, {"resource": self.render_sub(s)}
                self._drop_jobs(s, "subscription deleted")
                del self.subs[s.uuid]
                return 204, None
            raise not_found()
        if seg[:1] == ["invitee_no_shows"]:
            if n == 1 and method == "POST":
                b = self.json_body(raw)
                value = b.get("invitee")
                if not isinstance(value, str) or not re.search(r"/scheduled_events/[^/]+/invitees/[^/]+$", value):
                    raise invalid(("invitee", "must be an invitee URI"))
                inv = self.find_invitee(value, "invitee")
                if self.events.get(value.rstrip("/").split("/")[-3]) is None or \
                        value.rstrip("/").split("/")[-3] != inv.event:
                    raise not_found()
                return 201, {"resource": self.render_no_show(self.mark_no_show(inv))}
            if n == 2 and method in ("GET", "DELETE"):
                ns = self.no_shows.get(seg[1])
                if ns is None:
                    raise not_found()
                if method == "GET":
                    return 200, {"resource": self.render_no_show(ns)}
                self.delete_no_show(ns)
                return 204, None
        raise not_found()

    @staticmethod
    def json_body(raw):
        try:
            b = json.loads(raw.decode("utf-8") if raw else "")
        except (ValueError, UnicodeDecodeError):
            raise invalid(("body", "must be a JSON object"))
        if not isinstance(b, dict):
            raise invalid(("body", "must be a JSON object"))
        return b

    # ---- lists

    @staticmethod
    def _count_param(q):
        v = q.get("count", "20")
        if not re.fullmatch(r"\d{1,4}", v) or not 1 <= int(v) <= 100:
            raise invalid(("count", "must be an integer from 1 to 100"))
        return int(v)

    @staticmethod
    def _sort_param(q, field):
        v = q.get("sort", field + ":asc")
        if v not in (field + ":asc", field + ":desc"):
            raise invalid(("sort", f"must be {field}:asc or {field}:desc"))
        return v.endswith(":desc")

    def paginate(self, items, key, desc, ctx, render):
        """Keyset pagination: tokens carry the boundary key and a digest of the filters, so they are opaque,
        stable while the data is unchanged, and refused when the filters are not re-sent."""
        count = self._count_param(ctx.q)
        filt = {k: v for k, v in ctx.q.items() if k not in ("count", "page_token")}
        digest = hashlib.sha256(json.dumps(sorted(filt.items())).encode()).hexdigest()[:12]
        items = sorted(items, key=key, reverse=desc)
        keys = [list(key(x)) for x in items]
        after = (lambda k, b: k < b) if desc else (lambda k, b: k > b)
        tok = ctx.q.get("page_token")
        start = 0
        if tok:
            try:
                d = json.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)).decode())
                direction, bound, sig = d["d"], d["k"], d["s"]
                assert direction in ("n", "p") and isinstance(bound, list)
            except Exception:
                raise invalid(("page_token", "is invalid"))
            if sig != digest:
                raise invalid(("page_token", "does not match the query: re-send the same filters with page_token"))
            if direction == "n":
                start = next((ix for ix, k in enumerate(keys) if after(k, bound)), len(keys))
            else:
                before = [ix for ix, k in enumerate(keys) if after(bound, k)]
                start = max(0, (before[-1] + 1 if before else 0) - count)
        page = items[start:start + count]
        end = start + len(page)

        def token(direction, k):
            raw = json.dumps({"d": direction, "k": k, "s": digest}, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        def link(t):
            if t is None:
                return None
            params = {k: v for k, v in ctx.q.items() if k != "page_token"}
            params["page_token"] = t
            return ctx.base + ctx.path + "?" + urlencode(params)

        nxt = token("n", keys[end - 1]) if page and end < len(items) else None
        prv = token("p", keys[start]) if page and start > 0 else None
        return {"collection": [render(x) for x in page],
                "pagination": {"count": len(page), "next_page": link(nxt), "next_page_token": nxt,
                               "previous_page": link(prv), "previous_page_token": prv}}

    def _owner_filter(self, ctx, allow_group=False):
        user, org = ctx.q.get("user"), ctx.q.get("organization")
        if not user and not org:
            raise invalid([{"parameter": "user", "message": "one of user or organization must be provided"},
                           {"parameter": "organization", "message": "one of user or organization must be provided"}])
        host = self.user_param(user) if user else None
        if org:
            self.org_param(org)
            if ctx.role == "user" and not user:
                raise denied("An organization-wide list needs an admin or owner token.")
        return host

    def list_event_types(self, ctx):
        self._owner_filter(ctx)
        return self.paginate(list(self.event_types.values()), lambda t: (t.name, t.uuid),
                             self._sort_param(ctx.q, "name"), ctx, self.render_event_type)

    def list_events(self, ctx):
        host = self._owner_filter(ctx)
        q = ctx.q
        status = q.get("status")
        if status is not None and status not in ("active", "canceled"):
            raise invalid(("status", "must be active or canceled"))
        bounds = {}
        for p in ("min_start_time", "max_start_time"):
            if q.get(p) is not None:
                try:
                    bounds[p] = parse_time(q[p])
                except ValueError as ex:
                    raise invalid((p, str(ex)))
        email = q.get("invitee_email")
        desc = self._sort_param(q, "start_time")
        out = []
        for e in self.events.values():
            if host is not None and host.uuid not in e.hosts:
                continue
            if status and e.status != status:
                continue
            if "min_start_time" in bounds and e.start_us < bounds["min_start_time"]:
                continue
            if "max_start_time" in bounds and e.start_us >= bounds["max_start_time"]:
                continue
            if email and not any(self.invitees[i].email.lower() == email.lower() for i in e.invitees):
                continue
            out.append(e)
        return self.paginate(out, lambda e: (e.start_us, e.uuid), desc, ctx, self.render_event)

    def list_invitees(self, e, ctx):
        q = ctx.q
        status = q.get("status")
        if status is not None and status not in ("active", "canceled"):
            raise invalid(("status", "must be active or canceled"))
        email = q.get("email")
        desc = self._sort_param(q, "created_at")
        out = [self.invitees[i] for i in e.invitees]
        out = [i for i in out if (not status or i.status == status) and (not email or i.email.lower() == email.lower())]
        return self.paginate(out, lambda i: (i.created_us, i.uuid), desc, ctx, self.render_invitee)

    def list_subs(self, ctx):
        q = ctx.q
        details = []
        if not q.get("organization"):
            details.append({"parameter": "organization", "message": "is required"})
        if q.get("scope") not in ("user", "organization", "group"):
            details.append({"parameter": "scope", "message": "must be user, organization or group"})
        elif q.get("scope") == "user" and not q.get("user"):
            details.append({"parameter": "user", "message": "is required when scope is user"})
        if details:
            raise invalid(details)
        self.org_param(q["organization"])
        host = self.user_param(q["user"]) if q.get("scope") == "user" else None
        if q["scope"] != "user" and ctx.role == "user":
            raise denied("Listing organization subscriptions needs an admin or owner token.")
        subs = [s for s in self.subs.values() if s.scope == q["scope"] and (host is None or s.user == host.uuid)]
        return self.paginate(subs, lambda s: (s.created_us, s.uuid), self._sort_param(q, "created_at"), ctx,
                             self.render_sub)

    def create_sub(self, b, ctx):
        if self.sw["webhooks_plan_gate"]:
            raise denied("Please upgrade your Calendly account to Standard to use webhooks.")
        if self.sw["subscription_create_status"]:
            st = self.sw["subscription_create_status"]
            title = {400: "Invalid Argument", 401: "Unauthenticated", 403: "Permission Denied", 404: "Resource Not Found",
                     409: "Already Exists", 429: "Too Many Requests", 500: "Internal Server Error",
                     503: "Service Unavailable"}.get(st, "Error")
            raise ApiError(st, title, "Injected failure (subscription_create_status).")
        details = []
        url = b.get("url")
        if not isinstance(url, str) or not url:
            details.append({"parameter": "url", "message": "is required"})
        else:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                details.append({"parameter": "url", "message": "must be an http or https URL"})
            elif not is_loopback_host(parts.hostname):
                details.append({"parameter": "url", "message": "the fake only delivers to loopback hosts "
                                                              "(127.0.0.0/8, ::1, localhost)"})
        events = b.get("events")
        if not isinstance(events, list) or not events:
            details.append({"parameter": "events", "message": "must be a non-empty list"})
        else:
            for ev in events:
                if ev not in WEBHOOK_EVENTS:
                    details.append({"parameter": "events", "message": f"unknown event {ev!r}"})
        org = b.get("organization")
        if not org:
            details.append({"parameter": "organization", "message": "is required"})
        scope = b.get("scope")
        if scope not in ("user", "organization", "group"):
            details.append({"parameter": "scope", "message": "must be user, organization or group"})
        if scope == "user" and not b.get("user"):
            details.append({"parameter": "user", "message": "is required when scope is user"})
        if scope == "group" and not b.get("group"):
            details.append({"parameter": "group", "message": "is required when scope is group"})
        key = b.get("signing_key")
        if key is not None and (not isinstance(key, str) or not key):
            details.append({"parameter": "signing_key", "message": "must be a non-empty string"})
        if details:
            raise invalid(details)
        self.org_param(org)
        host = self.user_param(b["user"]) if scope == "user" else None
        if scope != "user" and ctx.role == "user":
            raise denied("An organization or group subscription needs an admin or owner token.")
        if any(s.callback_url == url for s in self.subs.values()):
            raise ApiError(409, "Already Exists", "Hook with this url already exists")
        now = self.tick()
        s = Obj(uuid=str(uuid.uuid4()), callback_url=url, events=list(dict.fromkeys(events)), scope=scope,
                user=host.uuid if host else None, group=b.get("group") if scope == "group" else None,
                signing_key=key or secrets.token_urlsafe(32), state="active", created_us=now, updated_us=now,
                retry_started_us=None, streak_rt=None, creator=self.main_user.uuid)
        self.subs[s.uuid] = s
        if self.sw["resend_missed_after_recreate"]:
            for name, payload, host_ids, created_us in self.missed.pop(url, []):
                self._emit(name, payload, host_ids, created_us, only_sub=s)
        return {"resource": self.render_sub(s)}


# ---------------------------------------------------------------- outgoing webhook

def post_webhook(url, body, signature, connect_timeout, response_timeout):
    """POSTs one delivery; returns (status or None, error or None). Never follows redirects."""
    parts = urlsplit(url)
    host = parts.hostname
    if not is_loopback_host(host):
        return None, "refused: callback host is not loopback"
    connect_host = "127.0.0.1" if host.lower() == "localhost" else host
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None, "bad port in callback URL"
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(connect_host, port, timeout=connect_timeout,
                                           context=ssl._create_unverified_context())
    else:
        conn = http.client.HTTPConnection(connect_host, port, timeout=connect_timeout)
    try:
        try:
            conn.connect()
        except (socket.timeout, TimeoutError):
            return None, f"connect timeout ({connect_timeout:g} s)"
        started = time.monotonic()
        conn.sock.settimeout(response_timeout)
        path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for k, v in (("Host", parts.netloc), ("Content-Type", "application/json"),
                     ("Content-Length", str(len(body))), ("Calendly-Webhook-Signature", signature),
                     ("User-Agent", "Calendly-Webhooks (fake-calendly)"), ("Connection", "close")):
            conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        resp.read(1 << 20)
        if time.monotonic() - started > response_timeout:
            return None, f"response timeout ({response_timeout:g} s)"
        return resp.status, None
    except (socket.timeout, TimeoutError):
        return None, f"response timeout ({response_timeout:g} s)"
    except (OSError, http.client.HTTPException) as ex:
        return None, f"{type(ex).__name__}: {ex}"
    finally:
        conn.close()


# ---------------------------------------------------------------- HTTP server

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-calendly/1.0"

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.server.fake.verbose:
            sys.stderr.write("fake-calendly: " + (fmt % args) + "\n")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def send_json(self, status, body, headers=None):
        data = b"" if body is None else encode_json(body)
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if status != 204:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 204:
            self.wfile.write(data)

    def handle_any(self, method):
        fake = self.server.fake
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        raw = self.rfile.read(length) if length > 0 else b""
        split = urlsplit(self.path)
        path, query = split.path, parse_qs(split.query, keep_blank_values=True)
        if getattr(self.server, "auth_base", False):
            self.handle_auth(method, path, query, raw)
            return
        if path == "/_control" or path.startswith("/_control/"):
            name = path[len("/_control/"):].strip("/") if path != "/_control" else ""
            try:
                body = {} if method == "GET" else (fake.json_body(raw) if raw.strip() else {})
                status, out = fake.control(method, name, query, body)
                self.send_json(status, out)
            except ApiError as ex:
                self.send_json(ex.status, ex.body())
            return
        with fake.cond:
            at = self.server.server_address[0]
            fake.api_requests[at] = fake.api_requests.get(at, 0) + 1
            drop = fake.rng.random() < fake.sw["drop_rate"]
            latency = fake.sw["latency_ms"] / 1000
        if drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if latency:
            time.sleep(latency)
        served = "http://" + (self.headers.get("Host") or "%s:%s" % self.server.server_address[:2])
        try:
            with fake.cond:
                status, headers, body = fake.rest(method, path, query, raw, self.headers.get("Authorization"),
                                                  served)
            self.send_json(status, body, headers)
        except ApiError as ex:
            self.send_json(ex.status, ex.body(), ex.headers)


    def handle_auth(self, method, path, query, raw):
        """The auth base (its own port): only /oauth/*, form bodies in, JSON or HTML out."""
        fake = self.server.fake
        with fake.cond:
            latency = fake.sw["oauth_latency_ms"] / 1000 if path.rstrip("/") == "/oauth/token" else 0
        if latency:
            time.sleep(latency)  # outside the lock: other requests go on meanwhile
        with fake.cond:
            status, headers, body = fake.oauth(method, path, query, raw, self.headers)
        if isinstance(body, str):
            data = body.encode("utf-8")
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif body is None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_json(status, body, {"Cache-Control": "no-store", **headers})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake Calendly (REST subset, control interface, signed webhooks).")
    ap.add_argument("--host", action="append", help="loopback address to listen on (repeatable: the same fake on each; default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8182, help="0 picks a free port (printed)")
    ap.add_argument("--uri-base", default="https://api.calendly.com", help="base of the URIs inside answers")
    ap.add_argument("--token", action="append", help="accepted bearer token (repeatable; default fake-token)")
    ap.add_argument("--time-scale", type=float, default=1.0, help="retry timeline runs N times faster")
    ap.add_argument("--verbose", action="store_true", help="log requests and deliveries to stderr")
    ap.add_argument("--auth-port", type=int, default=None,
                    help="also serve the OAuth 2.0 auth base (/oauth/*) on this port of every host (0: a free one)")
    ap.add_argument("--oauth-client", action="append", metavar="ID:SECRET",
                    help="accepted OAuth client (repeatable; default fake-client-id:fake-client-secret)")
    a = ap.parse_args(argv)
    hosts = a.host or ["127.0.0.1"]
    if not all(is_loopback_host(h) for h in hosts):
        ap.error("--host must be a loopback address (127.0.0.0/8, ::1, localhost)")
    try:
        _scale(a.time_scale)
    except ValueError as ex:
        ap.error("--time-scale " + str(ex))
    scale = int(a.time_scale) if a.time_scale == int(a.time_scale) else a.time_scale
    clients = []
    for spec in a.oauth_client or ["fake-client-id:fake-client-secret"]:
        cid, sep, sec = spec.partition(":")
        if not sep or not cid or not sec:
            ap.error("--oauth-client must be ID:SECRET")
        clients.append((cid, sec))
    fake = Fake(a.uri_base, a.token or ["fake-token"], scale, a.verbose, clients)
    servers = []
    port = a.port
    for host in hosts:
        # One fake behind every address; the first's port (0: a free one) for all.
        cls = type("Server6" if ":" in host else "Server4", (Server,), {"address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
        httpd = cls((host, port), Handler)
        httpd.fake = fake
        port = httpd.server_address[1]
        servers.append(httpd)
    auths = []
    auth_port = a.auth_port
    for host in (hosts if a.auth_port is not None else []):
        # The auth base behind every address too, on a port of its own (0: a free one, then the same for all).
        cls = type("AuthServer", (Server,), {"address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
        auth = cls((host, auth_port), Handler)
        auth.fake, auth.auth_base = fake, True
        auth_port = auth.server_address[1]
        auths.append((auth, host))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    for httpd, host in zip(servers, hosts):
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        shown = f"[{host}]" if ":" in host else host
        print(f"fake-calendly listening on http://{shown}:{port}", flush=True)
    for auth, host in auths:
        threading.Thread(target=auth.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        shown = f"[{host}]" if ":" in host else host
        print(f"fake-calendly auth base on http://{shown}:{auth_port}", flush=True)
        servers.append(auth)
    while not stop.wait(0.5):
        pass
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
