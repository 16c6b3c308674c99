# SPDX-License-Identifier: MIT
"""The model-based test's hands on the running stack: the fake Calendly's
control interface, the plugin's REST routes as a logged-in administrator, the
database (pymysql), scripts/stack db-down|db-up, and support/helper.php for
what happens inside WordPress.  No knowledge of the plugin's rules here."""

from __future__ import annotations

import http.cookiejar
import json
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pymysql

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HELPER = os.path.join(HERE, "support", "helper.php")

# Tables emptied before every sequence (settings are kept).
PLUGIN_TABLES = ("tfsp_coach_sessions", "tfsp_calendly_events", "tfsp_session_audit", "tfsp_calendly_backfills",
                 "tfsp_calendly_seen_events", "tfsp_session_coaches", "tfsp_calendly_leases",
                 "tfsp_calendly_session_counts")


class StackError(AssertionError):
    pass


def load_env() -> dict:
    path = os.environ.get("CALSYNC_STACK_ENV") or os.path.join(
        os.environ.get("CALSYNC_STACK") or os.path.join(ROOT, ".stack"), "env")
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                if len(v) >= 2 and v[0] == v[-1] == '"':  # WEB_NODE_URLS="a b" is quoted for the shell
                    v = v[1:-1]
                env[k] = v
    return env


class Stack:
    def __init__(self) -> None:
        self.env = load_env()
        self.prefix = self.env["DB_PREFIX"]
        self._db = None
        self._admin = None
        self.tables: set = set()

    # ------------------------------------------------------------ database

    def db(self):
        if self._db is None:
            self._db = pymysql.connect(unix_socket=self.env["DB_SOCKET"], user=self.env["DB_USER"],
                                       password=self.env["DB_PASSWORD"], database=self.env["DB_NAME"],
                                       charset="utf8mb4", autocommit=True,
                                       cursorclass=pymysql.cursors.DictCursor)
        return self._db

    def disconnect(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except Exception:
                pass
            self._db = None

    def rows(self, sql: str, args=None) -> list:
        for attempt in range(2):
            try:
                with self.db().cursor() as c:
                    c.execute(sql.replace("{p}", self.prefix), args)
                    return list(c.fetchall())
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError):
                self.disconnect()
                if attempt:
                    raise
        return []

    def table(self, name: str) -> str:
        return self.prefix + name

    def has_table(self, name: str) -> bool:
        return bool(self.rows("SHOW TABLES LIKE %s", (self.table(name),)))

    def columns(self, name: str) -> set:
        return {r["Field"] for r in self.rows("SHOW COLUMNS FROM " + self.table(name))}

    # ------------------------------------------------------------ the fake Calendly

    def fake(self, method: str, path: str, body=None, timeout: float = 120):
        url = self.env["FAKE_CALENDLY_URL"] + path
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def control(self, name: str, body=None, method: str = "POST"):
        status, out = self.fake(method, "/_control/" + name, None if method == "GET" else (body or {}))
        if status >= 300:
            raise StackError(f"fake Calendly {name}: {status} {out}")
        return out

    def wait_idle(self, timeout: int = 90) -> None:
        out = self.control(f"idle?timeout={timeout}", method="GET")
        if not out.get("idle"):
            raise StackError(f"the fake Calendly did not become idle: {out}")

    # ------------------------------------------------------------ WordPress

    def _admin_session(self):
        if self._admin is None:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            jar.set_cookie(http.cookiejar.Cookie(0, "wordpress_test_cookie", "WP Cookie check", None, False,
                                                 "127.0.0.1", False, False, "/", True, False, None, True, None,
                                                 None, {}))
            form = urllib.parse.urlencode({"log": self.env["WP_ADMIN_USER"], "pwd": self.env["WP_ADMIN_PASSWORD"],
                                           "testcookie": "1"}).encode()
            opener.open(self.env["WP_URL"] + "/wp-login.php", form, timeout=60).read()
            nonce = opener.open(self.env["WP_URL"] + "/wp-admin/admin-ajax.php?action=rest-nonce",
                                timeout=60).read().decode().strip()
            if len(nonce) != 10:
                raise StackError("no REST nonce for the admin: " + nonce[:200])
            self._admin = (opener, nonce)
        return self._admin

    def rest(self, method: str, route: str, body=None):
        """A REST call as the logged-in administrator: (status, JSON)."""
        opener, nonce = self._admin_session()
        req = urllib.request.Request(self.env["WP_URL"] + "/wp-json/" + route.lstrip("/"), method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-WP-Nonce": nonce})
        try:
            with opener.open(req, timeout=120) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw[:300].decode("utf-8", "replace")

    def php(self, *args: str, check: bool = True):
        cmd = ["php", "-d", "extension=" + self.env["CALSYNC_EXTENSION"], HELPER, self.env["WP_PATH"], *map(str, args)]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        out = p.stdout.strip().splitlines()
        value = None
        if out:
            try:
                value = json.loads(out[-1])
            except ValueError:
                value = None
        if check and p.returncode != 0:
            raise StackError(f"helper.php {' '.join(map(str, args))}: exit {p.returncode}: {p.stdout[-500:]} {p.stderr[-500:]}")
        return value

    def cron(self, *hooks: str) -> None:
        self.php("cron", *hooks)

    def stack_command(self, command: str) -> None:
        """scripts/stack db-down or db-up on the stack under test.  db-up is tried again a few
        times: a MariaDB that took long to stop may still hold its port for a moment."""
        env = dict(os.environ)
        env.setdefault("CALSYNC_STACK", os.path.dirname(self.env["WP_PATH"]))
        env["CALSYNC_DB_PORT"] = self.env.get("DB_PORT", env.get("CALSYNC_DB_PORT", "33306"))
        for attempt in range(5):
            p = subprocess.run([os.path.join(ROOT, "scripts", "stack"), command], capture_output=True, text=True,
                               env=env, timeout=120)
            if p.returncode == 0:
                break
            if command != "db-up" or attempt == 4:
                raise StackError(f"scripts/stack {command}: {p.stdout[-400:]} {p.stderr[-400:]}")
            time.sleep(2)
        self.disconnect()

    # ------------------------------------------------------------ a fresh start

    def reset(self, switches: dict) -> None:
        """Emptied plugin tables, no model users, a reset fake with the site's subscription."""
        try:
            self.wait_idle(60)
        except StackError:
            pass  # reset drops whatever is left
        self.control("reset", {"keep_subscriptions": True})
        self.control("switches", switches)
        # Back-fill and look-up runs of the stack's own WP-Cron ticker may be under way: let them end.
        for name in PLUGIN_TABLES:
            if self.has_table(name):
                self.rows("DELETE FROM " + self.table(name))
        ids = [r["ID"] for r in self.rows("SELECT ID FROM {p}users WHERE user_login LIKE 'model\\_%%'")]
        if ids:
            marks = ",".join(str(int(i)) for i in ids)
            self.rows(f"DELETE FROM {{p}}usermeta WHERE user_id IN ({marks})")
            self.rows(f"DELETE FROM {{p}}users WHERE ID IN ({marks})")
        self.tables = {name for name in ("tfsp_session_coaches",) if self.has_table(name)}
