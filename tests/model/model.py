# SPDX-License-Identifier: MIT
"""The reference model of the model-based test: what the plugin's database
must hold, written from ../shared/DESIGN.md's data model and state rules and
from the specified seams (linking, matching, erasure), in this file's own
code.  It never calls the plugin or the extension and does no I/O: the test
feeds it what it did (and what the fake Calendly answered, which is the
world, not the system under test) and compares its predictions with the
database.

Calendly's side ("truth") is tracked per invitee.  The plugin's side is one
Row per invitee URI that the plugin has heard of.  Booking facts only grow
(an invitee once canceled stays canceled; links are only added), so what
the plugin knows of an invitee is the latest snapshot of it that reached the
plugin (a webhook, a back-fill item or an API look-up); attendance marks
(the coach's, and Calendly's no-show button) are kept as a list with their
time, and the latest wins.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

STATUSES = ("scheduled", "canceled", "rescheduled", "attended", "no_show")

# A coach id the model cannot predict (see Model.delete_user); not compared.
UNKNOWN = object()


def norm(email: Optional[str]) -> Optional[str]:
    """DESIGN's e-mail normalisation: trim, lower-case."""
    return None if email is None else email.strip().lower()


@dataclass
class Facts:
    """The booking facts of one invitee at one moment (Calendly's view)."""
    canceled: bool = False
    canceler_type: Optional[str] = None
    reason: Optional[str] = None
    rescheduled: bool = False          # canceled because of a reschedule
    new_invitee: Optional[str] = None  # on the old end of a reschedule
    old_invitee: Optional[str] = None  # on the new end


@dataclass
class Invitee:
    """Calendly's truth about one booking by one person."""
    uri: str
    event_uri: str
    email: str
    name: str
    host: str
    start: datetime
    end: datetime
    facts: Facts = field(default_factory=Facts)
    noshow: bool = False  # Calendly's no-show button is on


@dataclass
class Row:
    """What the plugin's session row of one invitee must be."""
    uri: str
    own: Optional[Facts] = None   # latest snapshot of its own that reached the plugin
    from_uri: Optional[str] = None
    to_uri: Optional[str] = None
    student: Optional[int] = None
    unlinked: Optional[bool] = None  # True after an admin's unlink; None: not predicted
    coach: object = None             # user id, None, or UNKNOWN
    erased: bool = False
    # The new end of a reschedule named this row as its old invitee: it was canceled by a reschedule
    # (DESIGN's "canceled because of a reschedule" fact), even before its own cancel arrives.
    peer_rescheduled: bool = False
    marks: list = field(default_factory=list)  # (time, value or None for "cleared")
    db_id: Optional[int] = None


@dataclass
class User:
    id: int
    email: str
    name: str
    aliases: set = field(default_factory=set)


class Model:
    def __init__(self) -> None:
        self.invitees: dict[str, Invitee] = {}
        self.rows: dict[str, Row] = {}
        self.users: dict[int, User] = {}
        self.clock = 0
        # Privacy: the e-mails and names that must appear nowhere in these rows' data.
        self.erased_secrets: dict[str, set] = {}

    # ------------------------------------------------------------ helpers

    def tick(self) -> int:
        self.clock += 1
        return self.clock

    def user_by_email(self, email: Optional[str]) -> Optional[User]:
        e = norm(email)
        if e is None:
            return None
        for u in self.users.values():
            if norm(u.email) == e:
                return u
        return None

    def owner_of(self, email: Optional[str]) -> Optional[User]:
        """The user whose e-mail or remembered alias this is (exact, normalised)."""
        e = norm(email)
        if e is None:
            return None
        hits = [u for u in self.users.values() if norm(u.email) == e or e in u.aliases]
        return hits[0] if len(hits) == 1 else None

    def email_taken(self, email: str) -> bool:
        e = norm(email)
        return any(norm(u.email) == e or e in u.aliases for u in self.users.values())

    def row_email(self, row: Row) -> Optional[str]:
        if row.erased or row.own is None:
            return None
        return self.invitees[row.uri].email

    def matchable(self, row: Row) -> bool:
        return row.student is None and not row.unlinked and self.row_email(row) is not None

    # ------------------------------------------------------------ Calendly's side

    def book(self, uri, event_uri, email, name, host, start, end) -> Invitee:
        inv = Invitee(uri, event_uri, email, name, host, start, end)
        self.invitees[uri] = inv
        return inv

    def cancel(self, uri, canceler_type, reason) -> None:
        f = self.invitees[uri].facts
        f.canceled, f.canceler_type, f.reason = True, canceler_type, reason

    def reschedule(self, old_uri, new_uri, new_event_uri, start, end, canceler_type, reason) -> Invitee:
        old = self.invitees[old_uri]
        self.cancel(old_uri, canceler_type, reason)
        old.facts.rescheduled, old.facts.new_invitee = True, new_uri
        new = self.book(new_uri, new_event_uri, old.email, old.name, old.host, start, end)
        new.facts.old_invitee = old_uri
        return new

    def calendly_no_show(self, uri, present: bool, at: int) -> None:
        """Calendly's no-show button (created or deleted) at time `at`: a mark like a coach's."""
        self.invitees[uri].noshow = present
        # Never silent: the webhook reaches the plugin (see seen()), and the mark is kept.
        self.row(uri).marks.append((at, "no_show" if present else None))

    # ------------------------------------------------------------ the plugin's side

    def row(self, uri: str) -> Row:
        if uri not in self.rows:
            self.rows[uri] = Row(uri)
        return self.rows[uri]

    def seen(self, uri: str) -> None:
        """A snapshot of this invitee reached the plugin now (webhook, back-fill or look-up)."""
        inv = self.invitees[uri]
        row = self.row(uri)
        first = row.own is None
        row.own = dataclasses.replace(inv.facts)
        # A row is created from whichever end of a reschedule arrives first; each end links the other.
        if inv.facts.new_invitee:
            row.to_uri = inv.facts.new_invitee
            self.row(inv.facts.new_invitee).from_uri = uri
        if inv.facts.old_invitee:
            row.from_uri = inv.facts.old_invitee
            old = self.row(inv.facts.old_invitee)
            old.to_uri, old.peer_rescheduled = uri, True
        # Matching runs on delivery, for unmatched rows an admin did not unlink.
        if self.matchable(row):
            owner = self.owner_of(inv.email)
            if owner is not None:
                row.student = owner.id
        if first and row.coach is None:
            coach = self.user_by_email(inv.host)
            if coach is not None:
                row.coach = coach.id

    def mark(self, uri: str, value: Optional[str], at: int) -> None:
        self.rows[uri].marks.append((at, value))

    # ------------------------------------------------------------ accounts

    def _match_email(self, user: User, email: str) -> None:
        e = norm(email)
        for row in self.rows.values():
            if self.matchable(row) and norm(self.row_email(row)) == e:
                row.student = user.id

    def _match_coach(self, user: User) -> None:
        e = norm(user.email)
        for row in self.rows.values():
            if row.own is not None and row.coach is None and norm(self.invitees[row.uri].host) == e:
                row.coach = user.id

    def register(self, user_id: int, email: str, name: str) -> None:
        """A new account; the stack's "link bookings to new accounts" is on (users_can_register off)."""
        u = User(user_id, email, name)
        self.users[user_id] = u
        self._match_email(u, email)
        self._match_coach(u)

    def set_email(self, user_id: int, email: str) -> None:
        u = self.users[user_id]
        u.email = email
        self._match_email(u, email)
        self._match_coach(u)

    def delete_user(self, user_id: int, reassign: Optional[int]) -> None:
        del self.users[user_id]
        for row in self.rows.values():
            if row.student == user_id:
                row.student = reassign
            if row.coach == user_id:
                # Moved to the reassigned user; a coach matched later by host e-mail
                # would then be a second coach: not predicted beyond coach_id.
                row.coach = reassign if reassign is None else UNKNOWN

    def link(self, uri: str, student_id: int, remember: bool) -> tuple[int, list]:
        """The admin's link route; returns (HTTP status, ids moved) as specified."""
        row = self.rows[uri]
        if student_id == 0:
            # Only a session whose link or flag changes is reattributed; unlinking twice is a no-op.
            moved = [row.db_id] if row.student is not None or row.unlinked is not True else []
            row.student, row.unlinked = None, True
            return 200, moved
        email = self.row_email(row)
        if remember:
            other = [u for u in self.users.values() if u.id != student_id and (norm(u.email) == norm(email) or norm(email) in u.aliases)]
            if other:
                return 409, []
        moved = []
        if row.student != student_id:
            moved.append(row.db_id)
        row.student = student_id
        row.unlinked = False  # an explicit link clears the admin's earlier unlink
        if remember:
            u = self.users[student_id]
            if norm(email) != norm(u.email):
                u.aliases.add(norm(email))
            for r in self.rows.values():
                if r is not row and self.matchable(r) and norm(self.row_email(r)) == norm(email):
                    r.student = student_id
                    moved.append(r.db_id)
        return 200, moved

    # ------------------------------------------------------------ privacy

    def erase(self, email: str) -> list:
        """WordPress's eraser for an address: the person's rows lose their personal facts for good."""
        e = norm(email)
        user = self.user_by_email(email)
        hit = []
        for row in self.rows.values():
            mine = user is not None and row.student == user.id
            booked = row.own is not None and not row.erased and norm(self.invitees[row.uri].email) == e
            if mine or booked:
                if not row.erased and row.own is not None:
                    inv = self.invitees[row.uri]
                    self.erased_secrets.setdefault(row.uri, set()).update({norm(inv.email), inv.name})
                row.erased = True
                hit.append(row.uri)
        if user is not None:
            user.aliases.clear()
        return hit

    # ------------------------------------------------------------ predictions

    def status(self, row: Row) -> str:
        """DESIGN's derived status: the latest mark, else reschedule-cancel, else cancel, else scheduled."""
        if row.marks:
            at, value = max(row.marks, key=lambda m: m[0])
            if value is not None:
                return value
        if row.peer_rescheduled or (row.own is not None and row.own.rescheduled):
            return "rescheduled"
        if row.own is not None and row.own.canceled:
            return "canceled"
        return "scheduled"

    def chains(self) -> list:
        """Rows grouped by reschedule links (each group one chain)."""
        parent = {uri: uri for uri in self.rows}

        def find(u):
            while parent[u] != u:
                parent[u] = parent[parent[u]]
                u = parent[u]
            return u

        for uri, row in self.rows.items():
            for other in (row.from_uri, row.to_uri):
                if other in parent:
                    parent[find(uri)] = find(other)
        groups: dict = {}
        for uri in self.rows:
            groups.setdefault(find(uri), []).append(uri)
        return list(groups.values())

    def progress(self) -> dict:
        """Attended sessions per existing user; a reschedule chain counts once per student."""
        out = {uid: 0 for uid in self.users}
        for chain in self.chains():
            students = {self.rows[u].student for u in chain if self.status(self.rows[u]) == "attended"}
            for s in students:
                if s in out:
                    out[s] += 1
        return out

    def expected_row(self, row: Row) -> dict:
        """Column => value the session row must hold (only what the model predicts)."""
        exp: dict = {
            "status": self.status(row),
            "rescheduled_from_uri": row.from_uri,
            "rescheduled_to_uri": row.to_uri,
            "student_id": row.student,
        }
        if row.coach is not UNKNOWN and row.own is not None:
            exp["coach_id"] = row.coach
        if row.unlinked is not None:
            exp["student_unlinked"] = 1 if row.unlinked else 0
        if row.own is not None:
            inv = self.invitees[row.uri]
            exp["event_uri"] = inv.event_uri
            exp["start_at"] = inv.start
            exp["end_at"] = inv.end
            exp["canceled"] = 1 if row.own.canceled else 0
            exp["canceler_type"] = row.own.canceler_type
            exp["invitee_email"] = None if row.erased else inv.email
            exp["invitee_name"] = None if row.erased else inv.name
            exp["cancel_reason"] = None if row.erased else row.own.reason
            exp["erased"] = row.erased
        return exp
