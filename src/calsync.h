/* SPDX-License-Identifier: MIT */
/* libcalsync: the Calendly sync core. The one public header. */
#ifndef CALSYNC_H
#define CALSYNC_H

/*
 * Conventions (every function below follows them):
 *
 * - Out-parameters come first; the result is an int: CALSYNC_OK (0) or a
 *   negative calsync_code.  On failure the out-parameters are left in a
 *   state that is safe to free, and `err` (when not NULL) holds the code, a
 *   message and, for JSON input, the path of the offending field.
 * - Every byte input is (pointer, length).  No function relies on a
 *   terminating NUL or reads past the length it is given.
 * - Every *_new / *_parse has a *_free that accepts NULL.
 * - Ownership is written on each prototype: "owned" (the caller frees it),
 *   "borrowed" (valid while the named owner lives, never freed by the
 *   caller).
 * - Thread safety: the library keeps no mutable global state.  Distinct
 *   handles may be used from distinct threads at once; one handle must not
 *   be used from two threads at once.  OpenSSL 3 and jansson 2.14 are
 *   thread-safe in this sense; libcurl needs curl_global_init() once
 *   before threads start (the caller's duty, as libcurl documents).
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CALSYNC_VERSION "0.2.0" /* = VERSION (scripts/lint versions) */

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum calsync_code {
    CALSYNC_OK = 0,
    CALSYNC_ERR_ARGUMENT = -1,      /* the caller's programming error: a NULL
                                     * pointer, a length without data, a buffer
                                     * too small, an enum value out of range, an
                                     * option outside its documented form      */
    CALSYNC_ERR_NOMEM = -2,         /* allocation failed                   */
    CALSYNC_ERR_SIG_MALFORMED = -3, /* signature header missing or malformed */
    CALSYNC_ERR_SIG_MISMATCH = -4,  /* no v1 matches any key of the ring   */
    CALSYNC_ERR_SIG_TOO_OLD = -5,   /* authentic, timestamp too old        */
    CALSYNC_ERR_SIG_TOO_NEW = -6,   /* authentic, timestamp too far ahead  */
    CALSYNC_ERR_JSON = -7,          /* body is not valid JSON / UTF-8      */
    CALSYNC_ERR_SCHEMA = -8,        /* a field is missing or mistyped; see path */
    CALSYNC_ERR_TIME = -9,          /* not an RFC 3339 time                */
    CALSYNC_ERR_SEAL_FORMAT = -10,  /* not a sealed value / unknown version */
    CALSYNC_ERR_SEAL_KEY = -11,     /* sealed under another key            */
    CALSYNC_ERR_SEAL_AUTH = -12,    /* sealed value altered: fails to open */
    CALSYNC_ERR_CRYPTO = -13,       /* the crypto library failed           */
    CALSYNC_ERR_MISMATCH = -14,     /* facts and event name different invitees */
    CALSYNC_ERR_TOO_LARGE = -15,    /* input over a documented limit       */
    CALSYNC_ERR_HTTP = -16,         /* REST client: see calsync_http_error  */
    CALSYNC_ERR_TRANSPORT = -17,    /* REST client: network / TLS failure  */
    CALSYNC_ERR_INPUT = -18         /* a value from outside that is not
                                     * acceptable: an e-mail that is no address,
                                     * a time outside the years 1-9999, an
                                     * unknown status name given as text       */
} calsync_code;

#define CALSYNC_ERROR_PATH_MAX 128
#define CALSYNC_ERROR_MESSAGE_MAX 256

/* Caller-owned error report.  `path` is a JSON path such as
 * "payload.scheduled_event.start_time" ("" when not about JSON); `message`
 * is the bare reason ("expected RFC 3339 string"): it never repeats the
 * path, so a caller that shows both writes the path once. */
typedef struct calsync_error {
    int code;
    char path[CALSYNC_ERROR_PATH_MAX];
    char message[CALSYNC_ERROR_MESSAGE_MAX];
    /* REST client only (0 / "" otherwise): the HTTP status of an error
     * answer, Calendly's "title", and for 429 how long to wait. */
    int http_status;
    char title[96];
    int64_t retry_after_ms;
} calsync_error;

/* A static English text for a code; never NULL. */
const char *calsync_strerror(int code);

/* Versions of the linked libraries, for phpinfo() and diagnostics.
 * Returns static strings. */
const char *calsync_version(void);
const char *calsync_jansson_version(void);
const char *calsync_openssl_version(void);
const char *calsync_curl_version(void);

/* ------------------------------------------------------------------------ */
/* Common value types                                                        */
/* ------------------------------------------------------------------------ */

/* A string view: ptr == NULL means absent (JSON null or missing).  len is
 * authoritative: a view need not be NUL-terminated (a UUID is a view into
 * its URI). */
typedef struct calsync_str {
    const char *ptr;
    size_t len;
} calsync_str;

/* Times are microseconds since the Unix epoch, UTC. */
#define CALSYNC_TIME_NONE INT64_MIN

/* ------------------------------------------------------------------------ */
/* Time (RFC 3339)                                                           */
/* ------------------------------------------------------------------------ */

/* Parses an RFC 3339 date-time ("2026-03-02T15:04:05.123456Z", any offset,
 * 0 to 9 fraction digits, truncated to microseconds; 't'/'z' accepted).
 * Years 0001-9999.  A leap second ":60" is accepted and counted as the
 * next second.  CALSYNC_ERR_TIME on anything else. */
int calsync_time_parse(int64_t *out_us, const char *s, size_t len, calsync_error *err);

#define CALSYNC_TIME_BUF 32
/* Formats as "YYYY-MM-DDTHH:MM:SS.ffffffZ" into buf (at least
 * CALSYNC_TIME_BUF bytes), NUL-terminated.  Returns the length,
 * CALSYNC_ERR_INPUT for CALSYNC_TIME_NONE or a year outside 1-9999, or
 * CALSYNC_ERR_ARGUMENT for a NULL or short buffer. */
int calsync_time_format(char *buf, size_t cap, int64_t us);

/* ------------------------------------------------------------------------ */
/* Webhook signature                                                         */
/* ------------------------------------------------------------------------ */

/* One signing key, used as plain bytes (not base64-decoded). Borrowed. */
typedef struct calsync_key {
    const unsigned char *ptr;
    size_t len;
} calsync_key;

#define CALSYNC_SIG_TOLERANCE_DEFAULT 180 /* seconds, old and future */
#define CALSYNC_SIG_HEADER_MAX 4096       /* longer headers are malformed */
#define CALSYNC_SIG_V1_MAX 16             /* more v1 values: malformed */

typedef struct calsync_sig_result {
    int64_t timestamp; /* the header's t, seconds; set whenever the header parsed */
    size_t key_index;  /* which key of the ring matched (valid on OK, TOO_OLD, TOO_NEW) */
} calsync_sig_result;

/*
 * Verifies a Calendly-Webhook-Signature header ("t=<unix>,v1=<hex>[,v1=...]",
 * whitespace around items and around '=' tolerated; anything else,
 * including unknown schemes, an empty item, a second t, or v1 values that
 * are not 64 hex digits, is malformed) against HMAC-SHA256(key, t "." body)
 * for each key of the ring, in constant time per comparison.
 *
 * Order of outcomes: CALSYNC_ERR_SIG_MALFORMED, then
 * CALSYNC_ERR_SIG_MISMATCH, then (only for an authentic signature)
 * CALSYNC_ERR_SIG_TOO_OLD when t < now - max_age, CALSYNC_ERR_SIG_TOO_NEW
 * when t > now + max_future; else CALSYNC_OK.  The edges are inclusive:
 * t == now - max_age is accepted.  `now` is Unix seconds.
 * nkeys == 0, a NULL key, or a negative tolerance: CALSYNC_ERR_ARGUMENT.
 */
int calsync_sig_verify(calsync_sig_result *out, const char *header, size_t header_len,
                       const unsigned char *body, size_t body_len, const calsync_key *keys,
                       size_t nkeys, int64_t now, int64_t max_age, int64_t max_future,
                       calsync_error *err);

#define CALSYNC_SIG_HEADER_BUF 96
/* Writes "t=<timestamp>,v1=<lowercase hex>" (NUL-terminated) into buf of
 * at least CALSYNC_SIG_HEADER_BUF bytes; returns its length or a negative
 * code.  For the fake Calendly, tests and benchmarks. */
int calsync_sig_sign(char *buf, size_t cap, const unsigned char *body, size_t body_len,
                     const calsync_key *key, int64_t timestamp, calsync_error *err);

/* ------------------------------------------------------------------------ */
/* Events                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum calsync_event_kind {
    CALSYNC_EVENT_OTHER = 0, /* a webhook we accept and ignore    */
    CALSYNC_EVENT_INVITEE_CREATED,
    CALSYNC_EVENT_INVITEE_CANCELED,
    CALSYNC_EVENT_NO_SHOW_CREATED,
    CALSYNC_EVENT_NO_SHOW_DELETED,
    CALSYNC_EVENT_REST_INVITEE /* an Invitee from the REST API       */
} calsync_event_kind;

/* "invitee.created", "invitee.canceled", "invitee_no_show.created",
 * "invitee_no_show.deleted" (Calendly's event names), "rest_invitee" or
 * "other"; NULL for a value out of range.  Static strings. */
const char *calsync_event_kind_name(calsync_event_kind kind);

/* The i-th Calendly webhook event name the core handles (i from 0), in the
 * kinds' order, or NULL past the last: what a webhook subscription asks
 * Calendly to send.  Static strings. */
const char *calsync_event_webhook_name(size_t i);

typedef enum calsync_invitee_status {
    CALSYNC_INVITEE_ACTIVE = 0,
    CALSYNC_INVITEE_CANCELED = 1
} calsync_invitee_status;

#define CALSYNC_HOSTS_MAX 8 /* further hosts are ignored */

typedef struct calsync_host {
    calsync_str user_uri;
    calsync_str email;
    calsync_str name;
} calsync_host;

/* A scheduled event (embedded in a webhook, or a REST Event). */
typedef struct calsync_scheduled_event {
    int present;      /* 0: no embedded scheduled_event; other fields unset */
    calsync_str uri;  /* required */
    calsync_str uuid; /* last path segment of uri */
    calsync_str name;
    calsync_str status;     /* "active" / "canceled" as sent */
    int64_t start_time;     /* required */
    int64_t end_time;       /* required */
    calsync_str event_type; /* event type URI, may be absent */
    calsync_str location_type;
    calsync_str join_url; /* may be absent (null at first for conferences) */
    size_t nhosts;
    calsync_host hosts[CALSYNC_HOSTS_MAX];
    /* Every host's e-mail as sent, in the order of event_memberships, one per
     * line ("a@x\nb@y", no trailing newline); a host without an e-mail, with
     * an empty one or with a CR or LF in it is left out; absent when none is
     * left.  Owned by the parsed handle, like the other strings. */
    calsync_str host_emails;
    int64_t created_at;
    int64_t updated_at; /* CALSYNC_TIME_NONE when absent */
} calsync_scheduled_event;

/* An invitee with its envelope: everything the plugin stores about one
 * delivery.  All strings are borrowed from the calsync_event handle. */
typedef struct calsync_event_view {
    calsync_event_kind kind;
    calsync_str event_name;      /* envelope "event"; absent for REST      */
    int64_t envelope_created_at; /* envelope "created_at"; NONE for REST   */
    calsync_str created_by;      /* envelope "created_by"                  */
    /* For CALSYNC_EVENT_OTHER nothing below is set. */
    calsync_str uri;   /* invitee URI: required                  */
    calsync_str uuid;  /* invitee UUID (last path segment)       */
    calsync_str email; /* required                               */
    calsync_str name;
    calsync_str first_name;
    calsync_str last_name;
    calsync_invitee_status status; /* required                               */
    calsync_str timezone;
    calsync_str event_uri; /* "event": required                      */
    calsync_str event_uuid;
    int64_t created_at;      /* required                               */
    int64_t updated_at;      /* required                               */
    int rescheduled;         /* 0/1                                    */
    calsync_str old_invitee; /* on the new invitee of a reschedule     */
    calsync_str new_invitee; /* on the canceled old invitee            */
    calsync_str cancel_url;
    calsync_str reschedule_url;
    /* cancellation (present when canceled) */
    int has_cancellation;
    calsync_str canceled_by;
    calsync_str cancel_reason;
    calsync_str canceler_type; /* "host" / "invitee" as sent             */
    int64_t canceled_at;
    /* no_show */
    int has_no_show;
    calsync_str no_show_uri;
    calsync_str no_show_uuid;
    int64_t no_show_created_at;
    /* the embedded scheduled event, if any */
    calsync_scheduled_event scheduled_event;
} calsync_event_view;

typedef struct calsync_event calsync_event; /* opaque: owns the parsed JSON */

#define CALSYNC_BODY_MAX (16u * 1024u * 1024u) /* larger bodies: TOO_LARGE */

/*
 * Parses a webhook body.  *out: owned, free with calsync_event_free.
 * Unknown event names give kind CALSYNC_EVENT_OTHER (not an error).
 * Unknown fields are ignored.  A missing or mistyped required field is
 * CALSYNC_ERR_SCHEMA with err->path set (e.g.
 * "payload.scheduled_event.start_time") and the bare reason as message
 * (e.g. "expected RFC 3339 string").
 * Duplicate object keys, invalid UTF-8 and NUL escapes are CALSYNC_ERR_JSON.
 */
int calsync_event_parse(calsync_event **out, const char *json, size_t len, calsync_error *err);

/* Parses one REST API Invitee object (the "resource" of GET .../invitees/{uuid}
 * or one item of a "collection"), with or without the surrounding
 * {"resource": ...}.  kind is CALSYNC_EVENT_REST_INVITEE. */
int calsync_event_parse_rest_invitee(calsync_event **out, const char *json, size_t len,
                                     calsync_error *err);

void calsync_event_free(calsync_event *ev);

/* Borrowed view of the parsed fields; valid while ev lives. */
const calsync_event_view *calsync_event_get(const calsync_event *ev);

/* A REST scheduled event (GET /scheduled_events/{uuid}, with or without
 * {"resource": ...}).  *out: owned, free with calsync_sched_free. */
typedef struct calsync_sched calsync_sched;
int calsync_sched_parse(calsync_sched **out, const char *json, size_t len, calsync_error *err);
void calsync_sched_free(calsync_sched *s);
const calsync_scheduled_event *calsync_sched_get(const calsync_sched *s); /* borrowed */

#define CALSYNC_DEDUPE_KEY_LEN 64
/*
 * The stable dedupe key of a delivery: lowercase hex SHA-256 over the event
 * name, the invitee URI and the envelope created_at (for REST invitees: the
 * URI and updated_at), so a retry of the same event, even re-serialised,
 * has the same key and distinct events differ.  Writes 64 hex digits and a
 * NUL into buf (cap >= 65).  For CALSYNC_EVENT_OTHER the key is taken over
 * the whole raw body instead (see calsync_dedupe_key_raw).
 */
int calsync_event_dedupe_key(char *buf, size_t cap, const calsync_event *ev);
int calsync_dedupe_key_raw(char *buf, size_t cap, const unsigned char *body, size_t len);

/* A copy of the body, re-encoded compactly, with the known-sensitive parts
 * removed: payload.scheduled_event.location.data (and any "password" key in
 * location), payload.payment, payload.tracking.salesforce_uuid,
 * payload.questions_and_answers (the invitee's answers) and
 * payload.text_reminder_number (a phone number).  For a REST invitee the same parts
 * of the invitee object (under "resource" when wrapped) are removed.
 * *out: owned, free with free(); out_len may be NULL. */
int calsync_event_redact(char **out, size_t *out_len, const calsync_event *ev, calsync_error *err);

/* ------------------------------------------------------------------------ */
/* Session state: facts, merge, derive                                       */
/* ------------------------------------------------------------------------ */

typedef enum calsync_status {
    CALSYNC_STATUS_SCHEDULED = 0,
    CALSYNC_STATUS_CANCELED,
    CALSYNC_STATUS_RESCHEDULED,
    CALSYNC_STATUS_ATTENDED,
    CALSYNC_STATUS_NO_SHOW
} calsync_status;

/* "scheduled", "canceled", "rescheduled", "attended", "no_show". */
const char *calsync_status_name(calsync_status s);
/* Maps our names and the portal's legacy spellings ("completed",
 * "cancelled", "no show", "no-show", any case, trimmed) to a status.
 * CALSYNC_ERR_INPUT when unknown, CALSYNC_ERR_ARGUMENT for NULL. */
int calsync_status_from_name(calsync_status *out, const char *s, size_t len);

/* A coach's wp-admin mark.  NONE = "cleared". */
typedef enum calsync_mark_value {
    CALSYNC_MARK_NONE = 0,
    CALSYNC_MARK_ATTENDED,
    CALSYNC_MARK_NO_SHOW,
    CALSYNC_MARK_RESCHEDULED
} calsync_mark_value;

/* Calendly's own no-show button, as last reported. */
typedef enum calsync_noshow_state {
    CALSYNC_NOSHOW_UNKNOWN = 0, /* never reported                   */
    CALSYNC_NOSHOW_DELETED = 1, /* invitee_no_show.deleted          */
    CALSYNC_NOSHOW_PRESENT = 2  /* invitee_no_show.created / REST   */
} calsync_noshow_state;

/* "none", "attended", "no_show", "rescheduled"; NULL if out of range. */
const char *calsync_mark_name(calsync_mark_value m);
/* The exact name (no legacy spellings, no trimming, case-sensitive) to a
 * mark.  CALSYNC_ERR_INPUT when unknown. */
int calsync_mark_from_name(calsync_mark_value *out, const char *s, size_t len);

/* "unknown", "deleted", "present"; NULL if out of range. */
const char *calsync_noshow_name(calsync_noshow_state s);
/* The exact name to a state.  CALSYNC_ERR_INPUT when unknown. */
int calsync_noshow_from_name(calsync_noshow_state *out, const char *s, size_t len);

/* Our own status name exactly ("scheduled", ..., "no_show": no legacy
 * spelling, no trimming, case-sensitive), as stored in the status column.
 * CALSYNC_ERR_INPUT when it is not one. */
int calsync_status_from_exact_name(calsync_status *out, const char *s, size_t len);

/*
 * The stored facts of one session row (one invitee).  Each field group is
 * a join-semilattice, so merging is commutative, associative and
 * idempotent; the status is derived from the facts, never stored as one.
 * Strings are borrowed: after a merge, out's strings point into `stored`
 * or into the event; copy them before either is freed.
 *
 *  group         merge rule
 *  identity      invitee_uri: set once; a different URI is an error
 *  booked        OR (an active invitee was seen)
 *  event_uri     the least non-absent value (it never changes in practice)
 *  cancel        canceled: OR.  Details: from the cancellation with the
 *                greatest (cancel_at, canceler_type, reason, canceled_by)
 *  reschedule    reschedule_canceled: OR; rescheduled_to/from: least
 *                non-absent URI (byte order)
 *  coach mark    last writer wins by (coach_mark_at, value, coach_mark_by)
 *  noshow        last writer wins by (noshow_at, state, noshow_uri)
 *  noshow_absent_seen_at  max (a REST answer with no no-show, at `now`)
 *  info          last writer wins by (info_updated_at, info_envelope_at),
 *                then by content: invitee_created_at, then the personal
 *                fields in byte order
 *  sched         last writer wins by (sched_updated_at), then by content
 *                (start, end, details, first host, every host's e-mail)
 *  erasure       erased_at: the earliest non-absent time
 *  hand entry    entered_at / entered_by: the earliest entry (a later edit
 *                keeps the creator); ties by the greater user id
 *
 * Erasure.  When erased_at is set, the invitee's personal facts are absent
 * in every answer of every entry point (calsync_state_apply_*, merge):
 * email, name, timezone, cancel_url, reschedule_url, cancel_reason and
 * canceled_by (CALSYNC_PERSONAL_FIELDS).  Every other fact keeps merging
 * as above.  The content tie-breaks of the info and cancel groups compare
 * the personal fields last, so emptying them never changes which
 * contribution wins a non-personal field, and the join stays commutative,
 * associative and idempotent on erased and non-erased facts alike (facts
 * that carry erased_at together with a personal fact are not a value the
 * join produces; joining them, even with themselves, empties the fact).
 */
typedef struct calsync_facts {
    calsync_str invitee_uri;
    int booked;
    calsync_str event_uri;

    int canceled;
    int64_t cancel_at;
    calsync_str cancel_reason;
    calsync_str canceled_by;
    calsync_str canceler_type;

    int reschedule_canceled;
    calsync_str rescheduled_to_uri;
    calsync_str rescheduled_from_uri;

    calsync_mark_value coach_mark;
    int64_t coach_mark_at;
    int64_t coach_mark_by; /* WordPress user id, 0 unknown */

    calsync_noshow_state noshow;
    int64_t noshow_at;
    calsync_str noshow_uri;
    int64_t noshow_absent_seen_at;

    int64_t info_updated_at;
    int64_t info_envelope_at;
    calsync_str email;
    calsync_str name;
    calsync_str timezone;
    calsync_str cancel_url;
    calsync_str reschedule_url;
    int64_t invitee_created_at;

    int64_t sched_updated_at;
    int64_t start_at;
    int64_t end_at;
    calsync_str event_name;
    calsync_str event_type_uri;
    calsync_str event_status;
    calsync_str location_type;
    calsync_str join_url;
    calsync_str host_email;
    calsync_str host_name;
    calsync_str host_emails; /* every host's, one per line (calsync_scheduled_event) */

    int64_t erased_at; /* privacy erasure, CALSYNC_TIME_NONE if none */

    /* A session entered by hand (held outside Calendly): when it was first
     * entered and by whom (a WordPress user id).  CALSYNC_TIME_NONE: a
     * Calendly session.  Its start and end are the sched group's, with
     * sched_updated_at the time of the last hand entry or edit. */
    int64_t entered_at;
    int64_t entered_by;
} calsync_facts;

/* Empty facts: every string absent, every time CALSYNC_TIME_NONE, every
 * flag 0.  Applying anything to empty facts creates the row. */
void calsync_facts_init(calsync_facts *f);

/* Fields of calsync_facts, in declaration order, for change reports. */
typedef enum calsync_field {
    CALSYNC_F_INVITEE_URI = 0,
    CALSYNC_F_BOOKED,
    CALSYNC_F_EVENT_URI,
    CALSYNC_F_CANCELED,
    CALSYNC_F_CANCEL_AT,
    CALSYNC_F_CANCEL_REASON,
    CALSYNC_F_CANCELED_BY,
    CALSYNC_F_CANCELER_TYPE,
    CALSYNC_F_RESCHEDULE_CANCELED,
    CALSYNC_F_RESCHEDULED_TO_URI,
    CALSYNC_F_RESCHEDULED_FROM_URI,
    CALSYNC_F_COACH_MARK,
    CALSYNC_F_COACH_MARK_AT,
    CALSYNC_F_COACH_MARK_BY,
    CALSYNC_F_NOSHOW,
    CALSYNC_F_NOSHOW_AT,
    CALSYNC_F_NOSHOW_URI,
    CALSYNC_F_NOSHOW_ABSENT_SEEN_AT,
    CALSYNC_F_INFO_UPDATED_AT,
    CALSYNC_F_INFO_ENVELOPE_AT,
    CALSYNC_F_EMAIL,
    CALSYNC_F_NAME,
    CALSYNC_F_TIMEZONE,
    CALSYNC_F_CANCEL_URL,
    CALSYNC_F_RESCHEDULE_URL,
    CALSYNC_F_INVITEE_CREATED_AT,
    CALSYNC_F_SCHED_UPDATED_AT,
    CALSYNC_F_START_AT,
    CALSYNC_F_END_AT,
    CALSYNC_F_EVENT_NAME,
    CALSYNC_F_EVENT_TYPE_URI,
    CALSYNC_F_EVENT_STATUS,
    CALSYNC_F_LOCATION_TYPE,
    CALSYNC_F_JOIN_URL,
    CALSYNC_F_HOST_EMAIL,
    CALSYNC_F_HOST_NAME,
    CALSYNC_F_HOST_EMAILS,
    CALSYNC_F_ERASED_AT,
    CALSYNC_F_ENTERED_AT,
    CALSYNC_F_ENTERED_BY,
    CALSYNC_F_COUNT
} calsync_field;

/* The changed bits of the invitee's personal facts, which an erasure
 * empties (see calsync_facts).  host_email / host_name are the coach's. */
#define CALSYNC_PERSONAL_FIELDS                                                                    \
    (((uint64_t)1 << CALSYNC_F_CANCEL_REASON) | ((uint64_t)1 << CALSYNC_F_CANCELED_BY) |           \
     ((uint64_t)1 << CALSYNC_F_EMAIL) | ((uint64_t)1 << CALSYNC_F_NAME) |                          \
     ((uint64_t)1 << CALSYNC_F_TIMEZONE) | ((uint64_t)1 << CALSYNC_F_CANCEL_URL) |                 \
     ((uint64_t)1 << CALSYNC_F_RESCHEDULE_URL))

/* The snake_case name of a field ("rescheduled_to_uri"); NULL if out of range. */
const char *calsync_field_name(calsync_field f);

/* Notes on a merge, as bits of calsync_outcome.notes. */
#define CALSYNC_NOTE_STALE_MARK 0x01u /* a mark older than the stored one: ignored     */
#define CALSYNC_NOTE_ECHO 0x02u       /* a Calendly no-show echoing the coach's mark  */
#define CALSYNC_NOTE_CONFLICT 0x04u   /* after the merge: canceled, yet marked        */
#define CALSYNC_NOTE_NO_REVIVE 0x08u  /* an active invitee after a cancel: stays canceled */
#define CALSYNC_NOTE_STALE_INFO 0x10u /* older invitee/event details: not applied     */
#define CALSYNC_NOTE_LAST CALSYNC_NOTE_STALE_INFO /* the highest note bit */

/* "stale_mark", "echo", "conflict", "no_revive", "stale_info" for one
 * CALSYNC_NOTE_* bit; NULL for anything else (0, several bits, unknown). */
const char *calsync_note_name(unsigned note);
/* The name of one note to its bit; 0 when unknown. */
unsigned calsync_note_from_name(const char *s, size_t len);

typedef struct calsync_outcome {
    uint64_t changed;          /* bit (1 << calsync_field): differs from stored */
    calsync_status old_status; /* derived from stored (SCHEDULED if none)       */
    calsync_status new_status; /* derived from out                              */
    int old_conflict;
    int new_conflict;
    unsigned notes; /* CALSYNC_NOTE_* */
} calsync_outcome;

/* A coach's action in wp-admin.  at: microseconds; by: user id. */
typedef struct calsync_mark {
    calsync_mark_value value;
    int64_t at;
    int64_t by;
} calsync_mark;

/*
 * Merges one invitee event into the facts of its own row (ev->uri).
 * stored may be NULL (a new row).  now (microseconds) is used only for a
 * REST invitee that reports no no-show.  *out: strings borrowed from
 * stored and ev.  CALSYNC_EVENT_OTHER: CALSYNC_ERR_ARGUMENT.
 * CALSYNC_ERR_MISMATCH when stored names another invitee.
 */
int calsync_state_apply_event(calsync_facts *out, calsync_outcome *outcome,
                              const calsync_facts *stored, const calsync_event_view *ev,
                              int64_t now, calsync_error *err);

/*
 * The other ends of a reschedule: an invitee.created with old_invitee, or
 * an invitee.canceled / REST invitee with new_invitee, also says something
 * about that other invitee's row.  A canceled invitee that was itself
 * booked by a reschedule names both: the invitee it was rescheduled to
 * and the one it was rescheduled from (a chain I1 -> I2 -> I3 whose
 * deliveries for I1 -> I2 were lost still links I1 when I2's cancellation
 * comes).
 *
 * calsync_state_peer_uris puts the peers in out (the newer end first) and
 * returns how many there are (0 to CALSYNC_PEERS_MAX);
 * calsync_state_peer_uri is the first of them (absent when there is none).
 * calsync_state_apply_peer_uri merges the link into the row of the peer
 * named peer, which must be one of them (CALSYNC_ERR_ARGUMENT otherwise);
 * calsync_state_apply_peer does so for the first.  stored_peer may be
 * NULL: the row is created with only its URI and the link, to be filled
 * in when its own event comes.
 */
#define CALSYNC_PEERS_MAX 2
size_t calsync_state_peer_uris(const calsync_event_view *ev, calsync_str out[CALSYNC_PEERS_MAX]);
calsync_str calsync_state_peer_uri(const calsync_event_view *ev);
int calsync_state_apply_peer(calsync_facts *out, calsync_outcome *outcome,
                             const calsync_facts *stored_peer, const calsync_event_view *ev,
                             calsync_error *err);
int calsync_state_apply_peer_uri(calsync_facts *out, calsync_outcome *outcome,
                                 const calsync_facts *stored_peer, const calsync_event_view *ev,
                                 calsync_str peer, calsync_error *err);

/* Merges a REST scheduled event (back-fill or lookup) into a row whose
 * event_uri equals sched->uri (else CALSYNC_ERR_MISMATCH; a row with no
 * event_uri yet takes it). */
int calsync_state_apply_sched(calsync_facts *out, calsync_outcome *outcome,
                              const calsync_facts *stored, const calsync_scheduled_event *sched,
                              calsync_error *err);

/* A session entered by hand, or a hand edit of its times.  at: when
 * (microseconds); by: the WordPress user who entered or edited it. */
typedef struct calsync_manual {
    int64_t start_at;
    int64_t end_at;
    int64_t at;
    int64_t by;
} calsync_manual;

#define CALSYNC_MANUAL_MAX_US ((int64_t)24 * 3600 * 1000000) /* longest session: 24 h */

/*
 * Merges a hand entry: stored NULL creates a hand-entered session
 * (entered_at = at, entered_by = by, start and end); stored facts of a
 * hand-entered session take an edit of start and end (last edit wins by
 * its time; an older one is noted STALE_INFO; the creator stays).
 * CALSYNC_ERR_INPUT (err->path "start" or "end", the message naming the
 * field) for a missing start or end, an end not after the start, or a
 * session longer than CALSYNC_MANUAL_MAX_US.  CALSYNC_ERR_MISMATCH when
 * stored is a Calendly session (its times belong to Calendly).
 * CALSYNC_ERR_ARGUMENT for NULL pointers or at == CALSYNC_TIME_NONE.
 *
 * The other way round holds too: calsync_state_apply_event, _apply_peer
 * and _apply_sched refuse the facts of a hand-entered session
 * (CALSYNC_ERR_MISMATCH), so no Calendly sync or back-fill changes one.
 */
int calsync_state_apply_manual(calsync_facts *out, calsync_outcome *outcome,
                               const calsync_facts *stored, const calsync_manual *entry,
                               calsync_error *err);

/* 1 when the facts are of a session entered by hand (entered_at set). */
int calsync_facts_hand_entered(const calsync_facts *f);

/* Merges a coach's mark.  stored must not be NULL. */
int calsync_state_apply_mark(calsync_facts *out, calsync_outcome *outcome,
                             const calsync_facts *stored, const calsync_mark *mark,
                             calsync_error *err);

/*
 * Records a privacy erasure of the invitee at `at` (microseconds, not
 * CALSYNC_TIME_NONE).  stored must not be NULL.  The answer keeps the
 * earliest erasure and has every personal fact absent; so will every later
 * answer about these facts, whatever event arrives.  Erasing again changes
 * nothing (changed == 0).  *out: strings borrowed from stored.
 */
int calsync_state_apply_erasure(calsync_facts *out, calsync_outcome *outcome,
                                const calsync_facts *stored, int64_t at, calsync_error *err);

/* Merges two fact sets of the same invitee (the join).  For tests and
 * for folding back-fill results. */
int calsync_state_merge(calsync_facts *out, const calsync_facts *a, const calsync_facts *b,
                        calsync_error *err);

/*
 * The derived status, in order: the current attendance mark (see below)
 * if any; else rescheduled (reschedule_canceled or rescheduled_to_uri);
 * else canceled; else scheduled.
 *
 * The current mark: the Calendly no-show counts as PRESENT only when its
 * noshow_at is later than noshow_absent_seen_at.  If the coach mark is at
 * least as recent as the Calendly one (or Calendly never reported), the
 * coach's value.  Else a PRESENT Calendly no-show gives NO_SHOW; a DELETED
 * (or absent) one gives the coach's value unless that is NO_SHOW, in which
 * case none (Calendly's "unmark" clears a no-show but never an
 * "attended").  `conflict` (may be NULL): canceled, not by a reschedule
 * the mark agrees with, yet marked attended or no-show or rescheduled.
 */
calsync_status calsync_state_derive(const calsync_facts *f, int *conflict);

/* The current attendance mark as defined above. */
calsync_mark_value calsync_state_current_mark(const calsync_facts *f);

/* 1 when every field is equal (strings by content), else 0. */
int calsync_facts_equal(const calsync_facts *a, const calsync_facts *b);

/*
 * What the plugin stores beside the facts, for one row on its own at `now`
 * (microseconds):
 *
 *  - status, conflict, mark: calsync_state_derive / calsync_state_current_mark.
 *  - attendance_due_at: the session's end (end_at) when the status is
 *    scheduled and end_at is known; else CALSYNC_TIME_NONE.  Facts made
 *    from Calendly's events never hold an end without a start (start and
 *    end belong to one group, taken whole from a scheduled event, which
 *    the parser refuses without both), so this is "a scheduled session
 *    with a start and an end"; start_at is deliberately not tested, so
 *    that the rule is exactly the plugin's SQL on its stored columns,
 *    whatever a row holds: status = 'scheduled' AND end_at IS NOT NULL.
 *  - needs_attendance: attendance_due_at is known and attendance_due_at <
 *    now (SQL: ... AND end_at < now).  A session ending exactly at now
 *    does not need attendance yet.
 *  - counts_alone: the status is attended.  Whether the row counts toward
 *    progress also depends on its reschedule chain:
 *    calsync_state_chain_counts.
 */
typedef struct calsync_assessment {
    calsync_status status;
    int conflict;
    calsync_mark_value mark;
    int64_t attendance_due_at;
    int needs_attendance;
    int counts_alone;
} calsync_assessment;

/* Fills *out for f (NULL: empty facts).  out NULL: nothing happens. */
void calsync_state_assess(calsync_assessment *out, const calsync_facts *f, int64_t now);

/*
 * Two answers applied one after the other as one answer (the second was
 * applied to the facts the first answered).  *out: changed is the union of
 * both masks; old_status and old_conflict are the first's; new_status and
 * new_conflict the second's; notes the union of both.  The change report
 * of the combination, field by field over out->changed: the old value is
 * the first answer's old value when first->changed has the field's bit,
 * else the second's; the new value is the second answer's new value when
 * second->changed has the bit, else the first's.  out may alias first or
 * second.  CALSYNC_ERR_ARGUMENT when a pointer is NULL.
 */
int calsync_outcome_then(calsync_outcome *out, const calsync_outcome *first,
                         const calsync_outcome *second, calsync_error *err);

/* ---- Reschedule chains: which attended rows count toward progress ------- */

#define CALSYNC_CHAIN_ROWS_MAX 1000 /* more rows in one call: CALSYNC_ERR_TOO_LARGE */
#define CALSYNC_CHAIN_STEPS 20      /* rows followed from a row at most        */

/* One session row as the chain rule sees it.  Strings borrowed. */
typedef struct calsync_chain_row {
    calsync_str uri;                /* the invitee URI; required, non-empty   */
    calsync_str rescheduled_to_uri; /* absent or empty: the chain ends here   */
    calsync_status status;          /* the stored (derived) status            */
    int has_student;                /* 0: no student (unmatched)              */
    int64_t student_id;             /* when has_student                       */
} calsync_chain_row;

/*
 * counts_out[i] (n entries, caller-owned) is 1 when rows[i] counts toward
 * its student's progress, else 0.  A row counts iff its status is attended,
 * it has a student, and it is not superseded: following rescheduled_to_uri
 * forward from it through the given rows (URIs compared ASCII
 * case-insensitively; at most CALSYNC_CHAIN_STEPS rows; the walk stops at a
 * missing row or at a row already visited, the starting row included)
 * reaches no attended row of the same student.  Rows of other students or
 * other statuses on the way are walked through.  A row without a student
 * counts for nobody, so it never counts and never supersedes.
 *
 * The answer depends on the set of rows, not on their order.  Two rows
 * with the same URI must be the same row (equal rescheduled_to_uri, status
 * and student); otherwise CALSYNC_ERR_ARGUMENT, as for a missing URI, an
 * unknown status or NULL pointers.  n > CALSYNC_CHAIN_ROWS_MAX:
 * CALSYNC_ERR_TOO_LARGE.  n == 0 is fine (nothing is written).
 */
int calsync_state_chain_counts(int *counts_out, const calsync_chain_row *rows, size_t n,
                               calsync_error *err);

/* ---- Outbound actions: what the plugin must tell Calendly -------------- */

typedef enum calsync_outbound_action {
    CALSYNC_OUTBOUND_CREATE_NO_SHOW = 1, /* POST /invitee_no_shows for invitee_uri */
    CALSYNC_OUTBOUND_DELETE_NO_SHOW = 2  /* DELETE the no-show (no_show_uri; absent:
                                          * look it up through the invitee first) */
} calsync_outbound_action;

/* "create_no_show", "delete_no_show"; NULL if unknown. */
const char *calsync_outbound_name(calsync_outbound_action a);

typedef struct calsync_outbound {
    calsync_outbound_action action;
    calsync_str invitee_uri; /* borrowed from `after` */
    calsync_str no_show_uri; /* borrowed from `after`; absent when unknown (always for create) */
} calsync_outbound;

#define CALSYNC_OUTBOUND_MAX 1 /* actions one mark can call for */

/*
 * The two-way no-show: what a coach's mark (before -> after, the facts
 * before and after calsync_state_apply_mark) asks of Calendly.  Nothing
 * unless two_way_no_show and after has a non-empty invitee URI.  Then
 * CREATE_NO_SHOW when the current mark (calsync_state_current_mark) after
 * is no_show, before it was not, and after has no no-show URI (absent or
 * empty: Calendly has not reported one, so it does not know); or
 * DELETE_NO_SHOW when before it was no_show and after it is not, with
 * after's no-show URI (absent when unknown or empty).  Writes
 * *out_count (0 or 1) actions into out.  CALSYNC_ERR_ARGUMENT when a
 * pointer is NULL.
 */
int calsync_state_mark_outbound(calsync_outbound out[CALSYNC_OUTBOUND_MAX], size_t *out_count,
                                const calsync_facts *before, const calsync_facts *after,
                                int two_way_no_show, calsync_error *err);

/* ------------------------------------------------------------------------ */
/* E-mail matching                                                           */
/* ------------------------------------------------------------------------ */

#define CALSYNC_EMAIL_MAX 254

/* Trims ASCII white space and lower-cases ASCII letters.  Writes into buf
 * (cap >= len + 1), NUL-terminated; *out_len its length.  CALSYNC_ERR_INPUT
 * when the result is empty, longer than CALSYNC_EMAIL_MAX, has no single
 * '@' with text on both sides, or holds a control character or space;
 * CALSYNC_ERR_ARGUMENT for NULL pointers or cap < len + 1. */
int calsync_email_normalize(char *buf, size_t cap, size_t *out_len, const char *email, size_t len,
                            calsync_error *err);

/* One known address of a WordPress user (the account e-mail or an alias). */
typedef struct calsync_candidate {
    int64_t user_id;
    calsync_str email; /* as stored; normalised by the matcher */
    calsync_str name;  /* display name, may be absent */
    int is_alias;
} calsync_candidate;

typedef enum calsync_match_reason {
    CALSYNC_MATCH_EXACT = 0,     /* the account e-mail: links            */
    CALSYNC_MATCH_ALIAS,         /* a known alias: links                 */
    CALSYNC_MATCH_DOTS,          /* equal but for dots (gmail-like)      */
    CALSYNC_MATCH_PLUS_TAG,      /* equal but for a +tag                 */
    CALSYNC_MATCH_EDIT_DISTANCE, /* one or two typing mistakes           */
    CALSYNC_MATCH_SAME_NAME      /* same name, another address           */
} calsync_match_reason;

/* "exact", "alias", "dots", "plus_tag", "edit_distance", "same_name". */
const char *calsync_match_reason_name(calsync_match_reason r);

typedef struct calsync_match {
    size_t index; /* into the candidates array */
    int64_t user_id;
    calsync_match_reason reason;
    int distance; /* for EDIT_DISTANCE, else 0 */
} calsync_match;

/*
 * Matches an invitee's e-mail (and name) against candidates.  Writes up to
 * cap matches, best first (by reason, then distance, then user id), one per
 * user; *out_count the number written.  *out_link is the user id to link
 * automatically, or 0: only an EXACT match, or else exactly one user with
 * an ALIAS match, links; suggestions never do.  An invitee e-mail that is
 * no address: CALSYNC_ERR_INPUT; a candidate user id <= 0 or NULL
 * pointers: CALSYNC_ERR_ARGUMENT.
 */
int calsync_email_match(calsync_match *out, size_t cap, size_t *out_count, int64_t *out_link,
                        const char *email, size_t email_len, const char *name, size_t name_len,
                        const calsync_candidate *cands, size_t ncands, calsync_error *err);

/* ------------------------------------------------------------------------ */
/* Sealing secrets at rest                                                   */
/* ------------------------------------------------------------------------ */

#define CALSYNC_SEAL_KEY_LEN 32
#define CALSYNC_SEAL_SECRET_MIN 16 /* shorter secrets: CALSYNC_ERR_ARGUMENT */

/* Derives the 32-byte sealing key from a caller-supplied secret (a
 * wp-config constant, or WordPress's salts) with HKDF-SHA256.  The secret
 * must be at least 16 bytes. */
int calsync_seal_derive_key(unsigned char out[CALSYNC_SEAL_KEY_LEN], const unsigned char *secret,
                            size_t secret_len, calsync_error *err);

/*
 * Sealed text format, version 1:
 *     "cs1." <key id: 8 lowercase hex> "." <base64url, no padding, of
 *     nonce (12) || ciphertext || tag (16)>
 * AES-256-GCM with a random nonce; the AAD is "cs1.<key id>.<context>", so
 * a value sealed for one setting (context) does not open as another.  The
 * key id (first 4 bytes of SHA-256 of the key) tells "sealed under another
 * key" (CALSYNC_ERR_SEAL_KEY) from "altered" (CALSYNC_ERR_SEAL_AUTH).
 */
#define CALSYNC_SEAL_MAX_PLAIN (64u * 1024u)
size_t calsync_seal_size(size_t plain_len); /* bytes needed incl. the NUL */

int calsync_seal(char *buf, size_t cap, size_t *out_len,
                 const unsigned char key[CALSYNC_SEAL_KEY_LEN], const char *context,
                 size_t context_len, const unsigned char *plain, size_t plain_len,
                 calsync_error *err);

/* Opens into buf (cap >= sealed_len is always enough); *out_len the length. */
int calsync_open(unsigned char *buf, size_t cap, size_t *out_len,
                 const unsigned char key[CALSYNC_SEAL_KEY_LEN], const char *context,
                 size_t context_len, const char *sealed, size_t sealed_len, calsync_error *err);

/* ------------------------------------------------------------------------ */
/* Calendly REST client (libcurl)                                            */
/* ------------------------------------------------------------------------ */

typedef struct calsync_client calsync_client; /* opaque; one reused handle */

/* Which Calendly base a client talks to. */
typedef enum calsync_client_kind {
    /* The REST API: JSON bodies, "Authorization: Bearer <token>". */
    CALSYNC_CLIENT_API = 0,
    /* The OAuth 2.0 auth base (https://auth.calendly.com): form bodies
     * (application/x-www-form-urlencoded), HTTP Basic client
     * authentication with client_id and client_secret, no bearer token.
     * Use it with calsync_oauth_*. */
    CALSYNC_CLIENT_AUTH = 1
} calsync_client_kind;

/*
 * Every string NUL-terminated, copied by calsync_client_new (secrets are
 * wiped when the client is freed); NULL for "not given".
 *
 * Proxies are only what the caller gives: proxy, proxy_userpwd and noproxy
 * are handed to libcurl as CURLOPT_PROXY and CURLOPT_NOPROXY, which are
 * always set ("" when not given), so no proxy environment variable
 * (http_proxy, https_proxy, all_proxy, no_proxy, in either case) is ever
 * read; CURLOPT_PROXYUSERPWD only when proxy_userpwd is given.  No message
 * ever holds the token, the client secret or the proxy credentials.
 */
typedef struct calsync_client_options {
    const char *base_url;      /* "https://api.calendly.com" (no trailing '/'); NUL-terminated */
    const char *token;         /* API kind: bearer token (required); AUTH kind: must be NULL */
    long connect_timeout_ms;   /* 0: 5000 */
    long timeout_ms;           /* whole request; 0: 20000 */
    int max_retries;           /* on 429, 5xx and transport errors; 0: none; <0: 3 */
    long max_wait_ms;          /* longest single back-off the client sleeps; a
                                * longer wait is returned as CALSYNC_ERR_HTTP 429
                                * with retry_after_ms set; 0: 60000 */
    const char *ca_file;       /* extra CA bundle (PEM), or NULL; TLS is always verified */
    const char *user_agent;    /* or NULL for "calsync/<version>" */
    calsync_client_kind kind;  /* 0: CALSYNC_CLIENT_API */
    const char *client_id;     /* AUTH kind: required; API kind: must be NULL */
    const char *client_secret; /* AUTH kind: required; API kind: must be NULL */
    const char *proxy;         /* "http://host:port", "socks5h://host:port"...; NULL: none */
    const char *proxy_userpwd; /* "user:password" for the proxy, or NULL */
    const char *noproxy; /* hosts that bypass proxy ("localhost,.example.org", "*"), or NULL */
} calsync_client_options;

/* The rate-limit state the client last saw (X-RateLimit-*). */
typedef struct calsync_rate_limit {
    long limit;          /* -1 unknown */
    long remaining;      /* -1 unknown */
    int64_t reset_at_ms; /* monotonic-clock milliseconds; 0 unknown */
} calsync_rate_limit;

/* Counters for benchmarks and health: requests sent (retries included),
 * retries, 429 answers seen, total milliseconds slept in back-off. */
typedef struct calsync_client_stats {
    long requests;
    long retries;
    long throttled;
    int64_t slept_ms;
} calsync_client_stats;

int calsync_client_new(calsync_client **out, const calsync_client_options *opts,
                       calsync_error *err);
void calsync_client_free(calsync_client *c);
void calsync_client_get_stats(const calsync_client *c, calsync_client_stats *out,
                              calsync_rate_limit *rate);

/*
 * One request: method "GET", "POST" or "DELETE"; path_and_query starts
 * with '/' (e.g. "/scheduled_events?user=...&count=100"), or is a full URL
 * that starts with the base URL (a next_page link; anything else is
 * CALSYNC_ERR_ARGUMENT, so the token never goes to another host).  body may
 * be NULL.  On 2xx: CALSYNC_OK, *out_body owned (free()), NUL-terminated,
 * *out_status the status (204: empty body).  On another status after
 * retries: CALSYNC_ERR_HTTP with err->http_status, err->title and
 * err->message from Calendly's {title, message, details} (details joined
 * into the message as "parameter: message; ..."), branching on the status,
 * never on the text.  Transport failures: CALSYNC_ERR_TRANSPORT.
 * Back-off: before a request, when the last answer said remaining == 0, wait
 * until its reset; on 429 wait Retry-After or X-RateLimit-Reset (else 1 s,
 * doubling); on 5xx and transport errors exponential back-off from 500 ms;
 * never more than max_retries retries, never a sleep over max_wait_ms.
 * A POST is retried only on 429 and when no connection was made, since
 * after a 5xx or a broken connection it may already have taken effect.
 */
int calsync_client_request(char **out_body, size_t *out_len, int *out_status, calsync_client *c,
                           const char *method, const char *path_and_query, const char *body,
                           size_t body_len, calsync_error *err);

/* Percent-encodes a query value (RFC 3986 unreserved kept) into buf;
 * returns the length or CALSYNC_ERR_TOO_LARGE. */
int calsync_url_encode(char *buf, size_t cap, const char *value, size_t len);

/*
 * Pages of REST lists.  A page owns its parsed body; items are borrowed
 * from it.  next_page_token is absent on the last page.
 */
typedef struct calsync_page calsync_page;
void calsync_page_free(calsync_page *p);
size_t calsync_page_count(const calsync_page *p);
calsync_str calsync_page_next_token(const calsync_page *p);
/* The raw JSON of item i (compact, owned by the page), for callers that
 * parse it with calsync_event_parse_rest_invitee / calsync_sched_parse. */
calsync_str calsync_page_item_json(const calsync_page *p, size_t i);

/* GET path_and_query and split the {collection, pagination} answer. */
int calsync_client_list(calsync_page **out, calsync_client *c, const char *path_and_query,
                        calsync_error *err);

/* ---- Calendly endpoints ------------------------------------------------ */

/*
 * One typed function per Calendly endpoint: the paths, query building,
 * request bodies and the answers' "resource"/"collection" shapes live here.
 * All take the client first after the out-parameters and fill err like
 * calsync_client_request.  For CALSYNC_ERR_ARGUMENT, err->path names the
 * refused parameter ("uuid", "event_uuid", "invitee_uuid", "query",
 * "page_token", "url", "events", "organization", "scope", "user",
 * "signing_key", "invitee_uri") and err->message says why ("must not be
 * empty", "must be a UUID (letters, digits, \"-\" and \"_\" only)", "must
 * be valid UTF-8"); nothing is sent then.  Path parameters take the UUID
 * (the last segment of a Calendly URI).
 *
 * Resource answers: *out_json is the compact JSON of the answer's
 * "resource" object, owned (free()), NUL-terminated; out_len may be NULL.
 * An answer without an object "resource" is CALSYNC_ERR_SCHEMA with path
 * "resource"; one that is not JSON, CALSYNC_ERR_JSON.
 *
 * Lists: *out is a page (calsync_page_*); page_token is absent
 * (ptr NULL) for the first page, else the previous page's
 * calsync_page_next_token, sent with the same query.  A typed item that
 * does not parse fails the whole call, with err->path
 * "collection[<i>].<field>".
 */

/* One query parameter; values are sent percent-encoded, in array order. */
typedef struct calsync_param {
    calsync_str name;  /* non-empty; never "page_token" when a page token is given */
    calsync_str value; /* any bytes; absent is sent as empty */
} calsync_param;

/* GET /users/me. */
int calsync_api_current_user(char **out_json, size_t *out_len, calsync_client *c,
                             calsync_error *err);
/* GET /event_types?user=|organization=...: items are JSON (calsync_page_item_json). */
int calsync_api_event_types(calsync_page **out, calsync_client *c, const calsync_param *query,
                            size_t nquery, calsync_str page_token, calsync_error *err);
/* GET /scheduled_events?...: items are scheduled events (calsync_page_take_sched). */
int calsync_api_scheduled_events(calsync_page **out, calsync_client *c, const calsync_param *query,
                                 size_t nquery, calsync_str page_token, calsync_error *err);
/* GET /scheduled_events/{uuid}.  *out: owned, calsync_sched_free. */
int calsync_api_scheduled_event(calsync_sched **out, calsync_client *c, calsync_str uuid,
                                calsync_error *err);
/* GET /scheduled_events/{event_uuid}/invitees?...: items are REST invitees
 * (calsync_page_take_invitee). */
int calsync_api_invitees(calsync_page **out, calsync_client *c, calsync_str event_uuid,
                         const calsync_param *query, size_t nquery, calsync_str page_token,
                         calsync_error *err);
/* GET /scheduled_events/{event_uuid}/invitees/{invitee_uuid}.  *out: owned. */
int calsync_api_invitee(calsync_event **out, calsync_client *c, calsync_str event_uuid,
                        calsync_str invitee_uuid, calsync_error *err);

/* The body of POST /webhook_subscriptions.  Every string borrowed, UTF-8. */
typedef struct calsync_subscription_request {
    calsync_str url;           /* the callback URL; required */
    const calsync_str *events; /* nevents >= 1 event names */
    size_t nevents;
    calsync_str organization; /* always required by Calendly */
    calsync_str scope;        /* "user", "organization" or "group" */
    calsync_str user;         /* absent unless scope is "user" */
    calsync_str signing_key;  /* required; the body holding it is wiped */
} calsync_subscription_request;

/* POST /webhook_subscriptions (201; 409 when the URL is registered). */
int calsync_api_create_subscription(char **out_json, size_t *out_len, calsync_client *c,
                                    const calsync_subscription_request *req, calsync_error *err);
/* GET /webhook_subscriptions?organization=&scope=&user=: items are JSON. */
int calsync_api_subscriptions(calsync_page **out, calsync_client *c, const calsync_param *query,
                              size_t nquery, calsync_str page_token, calsync_error *err);
/* GET /webhook_subscriptions/{uuid}. */
int calsync_api_subscription(char **out_json, size_t *out_len, calsync_client *c, calsync_str uuid,
                             calsync_error *err);
/* DELETE /webhook_subscriptions/{uuid} (204). */
int calsync_api_delete_subscription(calsync_client *c, calsync_str uuid, calsync_error *err);
/* POST /invitee_no_shows with {"invitee": invitee_uri} (201). */
int calsync_api_create_no_show(char **out_json, size_t *out_len, calsync_client *c,
                               calsync_str invitee_uri, calsync_error *err);
/* DELETE /invitee_no_shows/{uuid}: the no-show's UUID, not the invitee's (204). */
int calsync_api_delete_no_show(calsync_client *c, calsync_str no_show_uuid, calsync_error *err);

/* Item i of a page of a typed list, handed over: owned by the caller from
 * then on, and NULL when taken before, out of range or of another kind. */
calsync_sched *calsync_page_take_sched(calsync_page *p, size_t i);
calsync_event *calsync_page_take_invitee(calsync_page *p, size_t i);

/* ---- OAuth 2.0 (a client of kind CALSYNC_CLIENT_AUTH) -------------------- */

/*
 * A token answer of POST {auth}/oauth/token.  Owned; free with
 * calsync_oauth_token_free (which wipes the tokens).  Strings are
 * NUL-terminated, NULL when the answer did not carry them: whether the
 * answer names the organization is OPEN (ask GET /users/me when it is
 * NULL); refresh_token is kept NULL rather than guessed when absent.
 * access_token is always set (an answer without one is CALSYNC_ERR_SCHEMA
 * with path "access_token").  expires_in and created_at are accepted as
 * JSON integers or digit strings; -1 when absent.
 */
typedef struct calsync_oauth_token {
    char *access_token;
    char *refresh_token; /* single use: store the new one every time */
    char *token_type;    /* "Bearer" as sent */
    char *scope;
    char *owner;        /* the user's URI */
    char *organization; /* the organization's URI, when sent */
    int64_t expires_in; /* seconds (7200 documented) */
    int64_t created_at; /* Unix seconds */
} calsync_oauth_token;

void calsync_oauth_token_free(calsync_oauth_token *t);

/*
 * grant_type=authorization_code with code and redirect_uri (and
 * code_verifier when given: PKCE is OPEN at Calendly, sending it is
 * harmless).  Error answers ({error, error_description}) are
 * CALSYNC_ERR_HTTP with err->title the OAuth error ("invalid_grant") and
 * the HTTP status.  ARGUMENT (err->path "code", "redirect_uri",
 * "code_verifier") for empty or non-UTF-8 values, or a client of the API
 * kind.  Like every POST, a token request is retried only on a 429 or
 * when no connection was made (a repeated exchange that reached the
 * server would spend the single-use code or refresh token).
 */
int calsync_oauth_exchange_code(calsync_oauth_token **out, calsync_client *c, calsync_str code,
                                calsync_str redirect_uri, calsync_str code_verifier,
                                calsync_error *err);
/* grant_type=refresh_token (path "refresh_token" for a refused value). */
int calsync_oauth_refresh(calsync_oauth_token **out, calsync_client *c, calsync_str refresh_token,
                          calsync_error *err);
/* POST {auth}/oauth/revoke with the form fields client_id, client_secret
 * and token (path "token" for a refused value). */
int calsync_oauth_revoke(calsync_client *c, calsync_str token, calsync_error *err);

/* Parses a token answer (exposed for the fuzz target and tests). */
int calsync_oauth_token_parse(calsync_oauth_token **out, const char *json, size_t len,
                              calsync_error *err);

#ifdef __cplusplus
}
#endif

#endif /* CALSYNC_H */
