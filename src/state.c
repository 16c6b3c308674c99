/* SPDX-License-Identifier: MIT */
/* Session state: every source becomes a contribution of facts, one join merges it, the status is
 * derived. */
#include "internal.h"

#include <stdlib.h>

#define BIT(f) ((uint64_t)1 << (f))

/* What a contribution speaks for, so that the notes judge only its own registers. */
enum {
    SPEAKS_COACH = 1u,
    SPEAKS_NOSHOW = 2u,
    SPEAKS_INFO = 4u,
    SPEAKS_SCHED = 8u,
    SEES_ACTIVE = 16u
};

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

static const char *const status_names[] = {
    [CALSYNC_STATUS_SCHEDULED] = "scheduled",     [CALSYNC_STATUS_CANCELED] = "canceled",
    [CALSYNC_STATUS_RESCHEDULED] = "rescheduled", [CALSYNC_STATUS_ATTENDED] = "attended",
    [CALSYNC_STATUS_NO_SHOW] = "no_show",
};

/* The portal's legacy free-text column used these spellings before ours. */
static const struct {
    const char *spelling;
    calsync_status status;
} status_spellings[] = {
    {"scheduled", CALSYNC_STATUS_SCHEDULED}, {"canceled", CALSYNC_STATUS_CANCELED},
    {"cancelled", CALSYNC_STATUS_CANCELED},  {"rescheduled", CALSYNC_STATUS_RESCHEDULED},
    {"attended", CALSYNC_STATUS_ATTENDED},   {"completed", CALSYNC_STATUS_ATTENDED},
    {"no_show", CALSYNC_STATUS_NO_SHOW},     {"no show", CALSYNC_STATUS_NO_SHOW},
    {"no-show", CALSYNC_STATUS_NO_SHOW},
};

static const char *const field_names[CALSYNC_F_COUNT] = {
    [CALSYNC_F_INVITEE_URI] = "invitee_uri",
    [CALSYNC_F_BOOKED] = "booked",
    [CALSYNC_F_EVENT_URI] = "event_uri",
    [CALSYNC_F_CANCELED] = "canceled",
    [CALSYNC_F_CANCEL_AT] = "cancel_at",
    [CALSYNC_F_CANCEL_REASON] = "cancel_reason",
    [CALSYNC_F_CANCELED_BY] = "canceled_by",
    [CALSYNC_F_CANCELER_TYPE] = "canceler_type",
    [CALSYNC_F_RESCHEDULE_CANCELED] = "reschedule_canceled",
    [CALSYNC_F_RESCHEDULED_TO_URI] = "rescheduled_to_uri",
    [CALSYNC_F_RESCHEDULED_FROM_URI] = "rescheduled_from_uri",
    [CALSYNC_F_COACH_MARK] = "coach_mark",
    [CALSYNC_F_COACH_MARK_AT] = "coach_mark_at",
    [CALSYNC_F_COACH_MARK_BY] = "coach_mark_by",
    [CALSYNC_F_NOSHOW] = "noshow",
    [CALSYNC_F_NOSHOW_AT] = "noshow_at",
    [CALSYNC_F_NOSHOW_URI] = "noshow_uri",
    [CALSYNC_F_NOSHOW_ABSENT_SEEN_AT] = "noshow_absent_seen_at",
    [CALSYNC_F_INFO_UPDATED_AT] = "info_updated_at",
    [CALSYNC_F_INFO_ENVELOPE_AT] = "info_envelope_at",
    [CALSYNC_F_EMAIL] = "email",
    [CALSYNC_F_NAME] = "name",
    [CALSYNC_F_TIMEZONE] = "timezone",
    [CALSYNC_F_CANCEL_URL] = "cancel_url",
    [CALSYNC_F_RESCHEDULE_URL] = "reschedule_url",
    [CALSYNC_F_INVITEE_CREATED_AT] = "invitee_created_at",
    [CALSYNC_F_SCHED_UPDATED_AT] = "sched_updated_at",
    [CALSYNC_F_START_AT] = "start_at",
    [CALSYNC_F_END_AT] = "end_at",
    [CALSYNC_F_EVENT_NAME] = "event_name",
    [CALSYNC_F_EVENT_TYPE_URI] = "event_type_uri",
    [CALSYNC_F_EVENT_STATUS] = "event_status",
    [CALSYNC_F_LOCATION_TYPE] = "location_type",
    [CALSYNC_F_JOIN_URL] = "join_url",
    [CALSYNC_F_HOST_EMAIL] = "host_email",
    [CALSYNC_F_HOST_NAME] = "host_name",
    [CALSYNC_F_HOST_EMAILS] = "host_emails",
    [CALSYNC_F_ERASED_AT] = "erased_at",
    [CALSYNC_F_ENTERED_AT] = "entered_at",
    [CALSYNC_F_ENTERED_BY] = "entered_by",
};

static const char *const mark_names[] = {
    [CALSYNC_MARK_NONE] = "none",
    [CALSYNC_MARK_ATTENDED] = "attended",
    [CALSYNC_MARK_NO_SHOW] = "no_show",
    [CALSYNC_MARK_RESCHEDULED] = "rescheduled",
};

static const char *const noshow_names[] = {
    [CALSYNC_NOSHOW_UNKNOWN] = "unknown",
    [CALSYNC_NOSHOW_DELETED] = "deleted",
    [CALSYNC_NOSHOW_PRESENT] = "present",
};

/* In bit order: the order in which answers list their notes. */
static const struct {
    unsigned bit;
    const char *name;
} note_names[] = {
    {CALSYNC_NOTE_STALE_MARK, "stale_mark"}, {CALSYNC_NOTE_ECHO, "echo"},
    {CALSYNC_NOTE_CONFLICT, "conflict"},     {CALSYNC_NOTE_NO_REVIVE, "no_revive"},
    {CALSYNC_NOTE_STALE_INFO, "stale_info"},
};

static const char *const outbound_names[] = {
    [CALSYNC_OUTBOUND_CREATE_NO_SHOW] = "create_no_show",
    [CALSYNC_OUTBOUND_DELETE_NO_SHOW] = "delete_no_show",
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The changed mask is a uint64_t: one bit per field must fit. */
_Static_assert(CALSYNC_F_COUNT <= 64, "calsync_outcome.changed holds one bit per field");

const char *calsync_status_name(calsync_status s)
{
    if ((unsigned)s >= sizeof status_names / sizeof status_names[0])
        return "unknown";
    return status_names[s];
}

static int is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int calsync_status_from_name(calsync_status *out, const char *s, size_t len)
{
    if (out == NULL || (s == NULL && len > 0))
        return CALSYNC_ERR_ARGUMENT;
    while (len > 0 && is_ascii_space(s[0])) {
        s++;
        len--;
    }
    while (len > 0 && is_ascii_space(s[len - 1]))
        len--;
    for (size_t i = 0; i < sizeof status_spellings / sizeof status_spellings[0]; i++) {
        const char *want = status_spellings[i].spelling;
        if (strlen(want) != len)
            continue;
        size_t k = 0;
        while (k < len && ascii_lower(s[k]) == want[k])
            k++;
        if (k == len) {
            *out = status_spellings[i].status;
            return CALSYNC_OK;
        }
    }
    return CALSYNC_ERR_INPUT;
}

/* Index of the exact name s[0..len) in a table with holes, or -1. */
static int exact_index(const char *const *names, size_t n, const char *s, size_t len)
{
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (names[i] != NULL && strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return (int)i;
    }
    return -1;
}

int calsync_status_from_exact_name(calsync_status *out, const char *s, size_t len)
{
    if (out == NULL)
        return CALSYNC_ERR_ARGUMENT;
    int i = exact_index(status_names, COUNT_OF(status_names), s, len);
    if (i < 0)
        return CALSYNC_ERR_INPUT;
    *out = (calsync_status)i;
    return CALSYNC_OK;
}

const char *calsync_mark_name(calsync_mark_value m)
{
    return (unsigned)m < COUNT_OF(mark_names) ? mark_names[m] : NULL;
}

int calsync_mark_from_name(calsync_mark_value *out, const char *s, size_t len)
{
    if (out == NULL)
        return CALSYNC_ERR_ARGUMENT;
    int i = exact_index(mark_names, COUNT_OF(mark_names), s, len);
    if (i < 0)
        return CALSYNC_ERR_INPUT;
    *out = (calsync_mark_value)i;
    return CALSYNC_OK;
}

const char *calsync_noshow_name(calsync_noshow_state st)
{
    return (unsigned)st < COUNT_OF(noshow_names) ? noshow_names[st] : NULL;
}

int calsync_noshow_from_name(calsync_noshow_state *out, const char *s, size_t len)
{
    if (out == NULL)
        return CALSYNC_ERR_ARGUMENT;
    int i = exact_index(noshow_names, COUNT_OF(noshow_names), s, len);
    if (i < 0)
        return CALSYNC_ERR_INPUT;
    *out = (calsync_noshow_state)i;
    return CALSYNC_OK;
}

const char *calsync_note_name(unsigned note)
{
    for (size_t i = 0; i < COUNT_OF(note_names); i++)
        if (note_names[i].bit == note)
            return note_names[i].name;
    return NULL;
}

unsigned calsync_note_from_name(const char *s, size_t len)
{
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < COUNT_OF(note_names); i++)
        if (strlen(note_names[i].name) == len && memcmp(note_names[i].name, s, len) == 0)
            return note_names[i].bit;
    return 0;
}

const char *calsync_outbound_name(calsync_outbound_action a)
{
    return (unsigned)a < COUNT_OF(outbound_names) ? outbound_names[a] : NULL;
}

const char *calsync_field_name(calsync_field f)
{
    if ((unsigned)f >= CALSYNC_F_COUNT)
        return NULL;
    return field_names[f];
}

void calsync_facts_init(calsync_facts *f)
{
    if (f == NULL)
        return;
    memset(f, 0, sizeof *f);
    f->cancel_at = CALSYNC_TIME_NONE;
    f->coach_mark = CALSYNC_MARK_NONE;
    f->coach_mark_at = CALSYNC_TIME_NONE;
    f->coach_mark_by = 0;
    f->noshow = CALSYNC_NOSHOW_UNKNOWN;
    f->noshow_at = CALSYNC_TIME_NONE;
    f->noshow_absent_seen_at = CALSYNC_TIME_NONE;
    f->info_updated_at = CALSYNC_TIME_NONE;
    f->info_envelope_at = CALSYNC_TIME_NONE;
    f->invitee_created_at = CALSYNC_TIME_NONE;
    f->sched_updated_at = CALSYNC_TIME_NONE;
    f->start_at = CALSYNC_TIME_NONE;
    f->end_at = CALSYNC_TIME_NONE;
    f->erased_at = CALSYNC_TIME_NONE;
    f->entered_at = CALSYNC_TIME_NONE;
    f->entered_by = 0;
}

/* ------------------------------------------------------------------------ */
/* Register orders: each is a total order, so "take the greater" is a join   */
/* ------------------------------------------------------------------------ */

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static calsync_str least_present(calsync_str a, calsync_str b)
{
    if (a.ptr == NULL)
        return b;
    if (b.ptr == NULL)
        return a;
    return calsync_str_cmp(a, b) <= 0 ? a : b;
}

/*
 * The content tie-breaks of the cancel and info groups compare the
 * invitee's personal fields last.  An erasure empties exactly those, so it
 * can only change the winner between two contributions whose non-personal
 * fields are equal anyway: the non-personal result is the same whether or
 * not either side was erased, and the join stays a semilattice.
 */
static int cancel_cmp(const calsync_facts *a, const calsync_facts *b)
{
    int c = cmp_i64(a->cancel_at, b->cancel_at);
    if (c == 0)
        c = calsync_str_cmp(a->canceler_type, b->canceler_type);
    if (c == 0)
        c = calsync_str_cmp(a->cancel_reason, b->cancel_reason);
    if (c == 0)
        c = calsync_str_cmp(a->canceled_by, b->canceled_by);
    return c;
}

/* Value and author break ties so that two marks at the same microsecond
 * still merge to the same result in either order. */
static int coach_cmp(const calsync_facts *a, const calsync_facts *b)
{
    int c = cmp_i64(a->coach_mark_at, b->coach_mark_at);
    if (c == 0)
        c = cmp_i64((int64_t)a->coach_mark, (int64_t)b->coach_mark);
    if (c == 0)
        c = cmp_i64(a->coach_mark_by, b->coach_mark_by);
    return c;
}

static int noshow_cmp(const calsync_facts *a, const calsync_facts *b)
{
    int c = cmp_i64(a->noshow_at, b->noshow_at);
    if (c == 0)
        c = cmp_i64((int64_t)a->noshow, (int64_t)b->noshow);
    if (c == 0)
        c = calsync_str_cmp(a->noshow_uri, b->noshow_uri);
    return c;
}

static int info_version_cmp(const calsync_facts *a, const calsync_facts *b)
{
    int c = cmp_i64(a->info_updated_at, b->info_updated_at);
    return c != 0 ? c : cmp_i64(a->info_envelope_at, b->info_envelope_at);
}

static int info_cmp(const calsync_facts *a, const calsync_facts *b)
{
    int c = info_version_cmp(a, b);
    if (c == 0)
        c = cmp_i64(a->invitee_created_at, b->invitee_created_at);
    if (c == 0)
        c = calsync_str_cmp(a->email, b->email);
    if (c == 0)
        c = calsync_str_cmp(a->name, b->name);
    if (c == 0)
        c = calsync_str_cmp(a->timezone, b->timezone);
    if (c == 0)
        c = calsync_str_cmp(a->cancel_url, b->cancel_url);
    if (c == 0)
        c = calsync_str_cmp(a->reschedule_url, b->reschedule_url);
    return c;
}

static int sched_cmp(const calsync_facts *a, const calsync_facts *b)
{
    int c = cmp_i64(a->sched_updated_at, b->sched_updated_at);
    if (c == 0)
        c = cmp_i64(a->start_at, b->start_at);
    if (c == 0)
        c = cmp_i64(a->end_at, b->end_at);
    if (c == 0)
        c = calsync_str_cmp(a->event_name, b->event_name);
    if (c == 0)
        c = calsync_str_cmp(a->event_type_uri, b->event_type_uri);
    if (c == 0)
        c = calsync_str_cmp(a->event_status, b->event_status);
    if (c == 0)
        c = calsync_str_cmp(a->location_type, b->location_type);
    if (c == 0)
        c = calsync_str_cmp(a->join_url, b->join_url);
    if (c == 0)
        c = calsync_str_cmp(a->host_email, b->host_email);
    if (c == 0)
        c = calsync_str_cmp(a->host_name, b->host_name);
    if (c == 0)
        c = calsync_str_cmp(a->host_emails, b->host_emails);
    return c;
}

/* The hand entry: the earliest entry wins (an edit keeps the creator), then the greater user id.
 * > 0 when a is the better one. */
static int entered_cmp(const calsync_facts *a, const calsync_facts *b)
{
    if (a->entered_at == b->entered_at)
        return cmp_i64(a->entered_by, b->entered_by);
    if (a->entered_at == CALSYNC_TIME_NONE)
        return -1;
    if (b->entered_at == CALSYNC_TIME_NONE)
        return 1;
    return a->entered_at < b->entered_at ? 1 : -1;
}

static void take_cancel(calsync_facts *dst, const calsync_facts *src)
{
    dst->cancel_at = src->cancel_at;
    dst->cancel_reason = src->cancel_reason;
    dst->canceled_by = src->canceled_by;
    dst->canceler_type = src->canceler_type;
}

static void take_coach(calsync_facts *dst, const calsync_facts *src)
{
    dst->coach_mark = src->coach_mark;
    dst->coach_mark_at = src->coach_mark_at;
    dst->coach_mark_by = src->coach_mark_by;
}

static void take_noshow(calsync_facts *dst, const calsync_facts *src)
{
    dst->noshow = src->noshow;
    dst->noshow_at = src->noshow_at;
    dst->noshow_uri = src->noshow_uri;
}

static void take_info(calsync_facts *dst, const calsync_facts *src)
{
    dst->info_updated_at = src->info_updated_at;
    dst->info_envelope_at = src->info_envelope_at;
    dst->email = src->email;
    dst->name = src->name;
    dst->timezone = src->timezone;
    dst->cancel_url = src->cancel_url;
    dst->reschedule_url = src->reschedule_url;
    dst->invitee_created_at = src->invitee_created_at;
}

static void take_sched(calsync_facts *dst, const calsync_facts *src)
{
    dst->sched_updated_at = src->sched_updated_at;
    dst->start_at = src->start_at;
    dst->end_at = src->end_at;
    dst->event_name = src->event_name;
    dst->event_type_uri = src->event_type_uri;
    dst->event_status = src->event_status;
    dst->location_type = src->location_type;
    dst->join_url = src->join_url;
    dst->host_email = src->host_email;
    dst->host_name = src->host_name;
    dst->host_emails = src->host_emails;
}

/* The earliest of two times, CALSYNC_TIME_NONE counting as absent. */
static int64_t earliest_present(int64_t a, int64_t b)
{
    if (a == CALSYNC_TIME_NONE)
        return b;
    if (b == CALSYNC_TIME_NONE)
        return a;
    return a < b ? a : b;
}

/* An erased invitee keeps none of its personal facts (CALSYNC_PERSONAL_FIELDS). */
static void forget_personal(calsync_facts *f)
{
    static const calsync_str absent = {NULL, 0};
    f->cancel_reason = absent;
    f->canceled_by = absent;
    f->email = absent;
    f->name = absent;
    f->timezone = absent;
    f->cancel_url = absent;
    f->reschedule_url = absent;
}

static int clamp_len(size_t len)
{
    return len > 120 ? 120 : (int)len;
}

static int mismatch(calsync_error *err, calsync_str want, calsync_str got, const char *what)
{
    return calsync_fail(err, CALSYNC_ERR_MISMATCH, NULL, "%s: facts are about %.*s, not %.*s", what,
                        clamp_len(want.len), want.ptr, clamp_len(got.len), got.ptr);
}

/*
 * The join: the single place where facts are combined.  Each field group
 * takes the greater of its two values in a total order (or OR / least /
 * max, which are the same thing), so the result does not depend on which
 * side is "stored" and which is "new".  out may alias a or b.
 */
static int join(calsync_facts *out, const calsync_facts *a, const calsync_facts *b,
                calsync_error *err)
{
    if (a->invitee_uri.ptr != NULL && b->invitee_uri.ptr != NULL &&
        !calsync_str_eq(a->invitee_uri, b->invitee_uri))
        return mismatch(err, a->invitee_uri, b->invitee_uri, "invitee_uri");

    calsync_facts r = *a;
    if (r.invitee_uri.ptr == NULL)
        r.invitee_uri = b->invitee_uri;
    r.booked = a->booked || b->booked;
    r.event_uri = least_present(a->event_uri, b->event_uri);

    r.canceled = a->canceled || b->canceled;
    if (cancel_cmp(b, a) > 0)
        take_cancel(&r, b);

    r.reschedule_canceled = a->reschedule_canceled || b->reschedule_canceled;
    r.rescheduled_to_uri = least_present(a->rescheduled_to_uri, b->rescheduled_to_uri);
    r.rescheduled_from_uri = least_present(a->rescheduled_from_uri, b->rescheduled_from_uri);

    if (coach_cmp(b, a) > 0)
        take_coach(&r, b);
    if (noshow_cmp(b, a) > 0)
        take_noshow(&r, b);
    if (b->noshow_absent_seen_at > r.noshow_absent_seen_at)
        r.noshow_absent_seen_at = b->noshow_absent_seen_at;

    if (info_cmp(b, a) > 0)
        take_info(&r, b);
    if (sched_cmp(b, a) > 0)
        take_sched(&r, b);

    if (entered_cmp(b, a) > 0) {
        r.entered_at = b->entered_at;
        r.entered_by = b->entered_by;
    }

    r.erased_at = earliest_present(a->erased_at, b->erased_at);
    if (r.erased_at != CALSYNC_TIME_NONE)
        forget_personal(&r);

    *out = r;
    return CALSYNC_OK;
}

/* ------------------------------------------------------------------------ */
/* Comparison and derivation                                                 */
/* ------------------------------------------------------------------------ */

static uint64_t str_bit(calsync_str a, calsync_str b, calsync_field f)
{
    return calsync_str_eq(a, b) ? 0 : BIT(f);
}

static uint64_t num_bit(int64_t a, int64_t b, calsync_field f)
{
    return a == b ? 0 : BIT(f);
}

/* Flags are compared as truth values: any non-zero int means "seen". */
static uint64_t flag_bit(int a, int b, calsync_field f)
{
    return !a == !b ? 0 : BIT(f);
}

static uint64_t facts_diff(const calsync_facts *a, const calsync_facts *b)
{
    uint64_t m = 0;
    m |= str_bit(a->invitee_uri, b->invitee_uri, CALSYNC_F_INVITEE_URI);
    m |= flag_bit(a->booked, b->booked, CALSYNC_F_BOOKED);
    m |= str_bit(a->event_uri, b->event_uri, CALSYNC_F_EVENT_URI);
    m |= flag_bit(a->canceled, b->canceled, CALSYNC_F_CANCELED);
    m |= num_bit(a->cancel_at, b->cancel_at, CALSYNC_F_CANCEL_AT);
    m |= str_bit(a->cancel_reason, b->cancel_reason, CALSYNC_F_CANCEL_REASON);
    m |= str_bit(a->canceled_by, b->canceled_by, CALSYNC_F_CANCELED_BY);
    m |= str_bit(a->canceler_type, b->canceler_type, CALSYNC_F_CANCELER_TYPE);
    m |= flag_bit(a->reschedule_canceled, b->reschedule_canceled, CALSYNC_F_RESCHEDULE_CANCELED);
    m |= str_bit(a->rescheduled_to_uri, b->rescheduled_to_uri, CALSYNC_F_RESCHEDULED_TO_URI);
    m |= str_bit(a->rescheduled_from_uri, b->rescheduled_from_uri, CALSYNC_F_RESCHEDULED_FROM_URI);
    m |= num_bit(a->coach_mark, b->coach_mark, CALSYNC_F_COACH_MARK);
    m |= num_bit(a->coach_mark_at, b->coach_mark_at, CALSYNC_F_COACH_MARK_AT);
    m |= num_bit(a->coach_mark_by, b->coach_mark_by, CALSYNC_F_COACH_MARK_BY);
    m |= num_bit(a->noshow, b->noshow, CALSYNC_F_NOSHOW);
    m |= num_bit(a->noshow_at, b->noshow_at, CALSYNC_F_NOSHOW_AT);
    m |= str_bit(a->noshow_uri, b->noshow_uri, CALSYNC_F_NOSHOW_URI);
    m |= num_bit(a->noshow_absent_seen_at, b->noshow_absent_seen_at,
                 CALSYNC_F_NOSHOW_ABSENT_SEEN_AT);
    m |= num_bit(a->info_updated_at, b->info_updated_at, CALSYNC_F_INFO_UPDATED_AT);
    m |= num_bit(a->info_envelope_at, b->info_envelope_at, CALSYNC_F_INFO_ENVELOPE_AT);
    m |= str_bit(a->email, b->email, CALSYNC_F_EMAIL);
    m |= str_bit(a->name, b->name, CALSYNC_F_NAME);
    m |= str_bit(a->timezone, b->timezone, CALSYNC_F_TIMEZONE);
    m |= str_bit(a->cancel_url, b->cancel_url, CALSYNC_F_CANCEL_URL);
    m |= str_bit(a->reschedule_url, b->reschedule_url, CALSYNC_F_RESCHEDULE_URL);
    m |= num_bit(a->invitee_created_at, b->invitee_created_at, CALSYNC_F_INVITEE_CREATED_AT);
    m |= num_bit(a->sched_updated_at, b->sched_updated_at, CALSYNC_F_SCHED_UPDATED_AT);
    m |= num_bit(a->start_at, b->start_at, CALSYNC_F_START_AT);
    m |= num_bit(a->end_at, b->end_at, CALSYNC_F_END_AT);
    m |= str_bit(a->event_name, b->event_name, CALSYNC_F_EVENT_NAME);
    m |= str_bit(a->event_type_uri, b->event_type_uri, CALSYNC_F_EVENT_TYPE_URI);
    m |= str_bit(a->event_status, b->event_status, CALSYNC_F_EVENT_STATUS);
    m |= str_bit(a->location_type, b->location_type, CALSYNC_F_LOCATION_TYPE);
    m |= str_bit(a->join_url, b->join_url, CALSYNC_F_JOIN_URL);
    m |= str_bit(a->host_email, b->host_email, CALSYNC_F_HOST_EMAIL);
    m |= str_bit(a->host_name, b->host_name, CALSYNC_F_HOST_NAME);
    m |= str_bit(a->host_emails, b->host_emails, CALSYNC_F_HOST_EMAILS);
    m |= num_bit(a->erased_at, b->erased_at, CALSYNC_F_ERASED_AT);
    m |= num_bit(a->entered_at, b->entered_at, CALSYNC_F_ENTERED_AT);
    m |= num_bit(a->entered_by, b->entered_by, CALSYNC_F_ENTERED_BY);
    return m;
}

int calsync_facts_equal(const calsync_facts *a, const calsync_facts *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return facts_diff(a, b) == 0;
}

calsync_mark_value calsync_state_current_mark(const calsync_facts *f)
{
    if (f == NULL)
        return CALSYNC_MARK_NONE;
    /* A tie goes to the coach: their word stands over Calendly's. */
    if (f->noshow == CALSYNC_NOSHOW_UNKNOWN || f->coach_mark_at >= f->noshow_at)
        return f->coach_mark;
    if (f->noshow == CALSYNC_NOSHOW_PRESENT && f->noshow_at > f->noshow_absent_seen_at)
        return CALSYNC_MARK_NO_SHOW;
    /* Calendly's "unmark" only ever clears a no-show. */
    return f->coach_mark == CALSYNC_MARK_NO_SHOW ? CALSYNC_MARK_NONE : f->coach_mark;
}

static int rescheduled_away(const calsync_facts *f)
{
    return f->reschedule_canceled || f->rescheduled_to_uri.ptr != NULL;
}

calsync_status calsync_state_derive(const calsync_facts *f, int *conflict)
{
    if (conflict != NULL)
        *conflict = 0;
    if (f == NULL)
        return CALSYNC_STATUS_SCHEDULED;
    calsync_mark_value m = calsync_state_current_mark(f);
    int away = rescheduled_away(f);
    if (conflict != NULL)
        *conflict = m != CALSYNC_MARK_NONE && (f->canceled || away) &&
                    !(away && m == CALSYNC_MARK_RESCHEDULED);
    switch (m) {
    case CALSYNC_MARK_ATTENDED:
        return CALSYNC_STATUS_ATTENDED;
    case CALSYNC_MARK_NO_SHOW:
        return CALSYNC_STATUS_NO_SHOW;
    case CALSYNC_MARK_RESCHEDULED:
        return CALSYNC_STATUS_RESCHEDULED;
    case CALSYNC_MARK_NONE:
        break;
    }
    if (away)
        return CALSYNC_STATUS_RESCHEDULED;
    if (f->canceled)
        return CALSYNC_STATUS_CANCELED;
    return CALSYNC_STATUS_SCHEDULED;
}

/* ------------------------------------------------------------------------ */
/* Contribution + join + outcome                                             */
/* ------------------------------------------------------------------------ */

/* A Calendly no-show that does not decide the current mark is stale: it
 * lost its own register, or a coach mark at least as recent stands. */
static int noshow_is_stale(const calsync_facts *stored, const calsync_facts *c)
{
    if (noshow_cmp(stored, c) > 0)
        return 1;
    return stored->coach_mark_at != CALSYNC_TIME_NONE && c->noshow_at <= stored->coach_mark_at;
}

/* A coach mark is stale when it lost its own register, or when a newer
 * Calendly report keeps it from being the current mark. */
static int coach_is_stale(const calsync_facts *stored, const calsync_facts *c,
                          calsync_mark_value now_current)
{
    if (coach_cmp(stored, c) > 0)
        return 1;
    return stored->noshow != CALSYNC_NOSHOW_UNKNOWN && stored->noshow_at > c->coach_mark_at &&
           now_current != c->coach_mark;
}

static int settle(calsync_facts *out, calsync_outcome *outcome, const calsync_facts *stored,
                  const calsync_facts *c, unsigned speaks, calsync_error *err)
{
    calsync_facts empty, r;
    if (stored == NULL) {
        calsync_facts_init(&empty);
        stored = &empty;
    }
    int rc = join(&r, stored, c, err);
    if (rc != CALSYNC_OK)
        return rc;

    unsigned notes = 0;
    calsync_mark_value old_mark = calsync_state_current_mark(stored);
    calsync_mark_value new_mark = calsync_state_current_mark(&r);
    if ((speaks & SPEAKS_COACH) && coach_is_stale(stored, c, new_mark))
        notes |= CALSYNC_NOTE_STALE_MARK;
    if (speaks & SPEAKS_NOSHOW) {
        if (noshow_is_stale(stored, c))
            notes |= CALSYNC_NOTE_STALE_MARK;
        else if (noshow_cmp(stored, &r) != 0 && old_mark == new_mark &&
                 stored->coach_mark_at != CALSYNC_TIME_NONE && stored->coach_mark == old_mark)
            notes |= CALSYNC_NOTE_ECHO;
    }
    if ((speaks & SPEAKS_INFO) && info_version_cmp(stored, c) > 0)
        notes |= CALSYNC_NOTE_STALE_INFO;
    if ((speaks & SPEAKS_SCHED) && cmp_i64(stored->sched_updated_at, c->sched_updated_at) > 0)
        notes |= CALSYNC_NOTE_STALE_INFO;
    if ((speaks & SEES_ACTIVE) && (stored->canceled || stored->reschedule_canceled))
        notes |= CALSYNC_NOTE_NO_REVIVE;

    if (outcome != NULL) {
        outcome->changed = facts_diff(stored, &r);
        outcome->old_status = calsync_state_derive(stored, &outcome->old_conflict);
        outcome->new_status = calsync_state_derive(&r, &outcome->new_conflict);
        if (outcome->new_conflict && !outcome->old_conflict)
            notes |= CALSYNC_NOTE_CONFLICT;
        outcome->notes = notes;
    }
    *out = r;
    calsync_error_clear(err);
    return CALSYNC_OK;
}

static int view_is_canceled(const calsync_event_view *ev)
{
    return ev->kind == CALSYNC_EVENT_INVITEE_CANCELED || ev->status == CALSYNC_INVITEE_CANCELED;
}

static int64_t first_time(int64_t a, int64_t b, int64_t c)
{
    if (a != CALSYNC_TIME_NONE)
        return a;
    return b != CALSYNC_TIME_NONE ? b : c;
}

static void put_sched(calsync_facts *c, const calsync_scheduled_event *se)
{
    c->sched_updated_at = se->updated_at;
    c->start_at = se->start_time;
    c->end_at = se->end_time;
    c->event_name = se->name;
    c->event_type_uri = se->event_type;
    c->event_status = se->status;
    c->location_type = se->location_type;
    c->join_url = se->join_url;
    if (se->nhosts > 0) {
        c->host_email = se->hosts[0].email;
        c->host_name = se->hosts[0].name;
    }
    c->host_emails = se->host_emails;
}

/* What one invitee view says about its own row, and which registers it speaks for. */
static unsigned view_contribution(calsync_facts *c, const calsync_event_view *ev, int64_t now)
{
    unsigned speaks = SPEAKS_INFO;
    calsync_facts_init(c);
    c->invitee_uri = ev->uri;
    c->event_uri = ev->event_uri;
    c->rescheduled_from_uri = ev->old_invitee;

    if (view_is_canceled(ev)) {
        c->canceled = 1;
        c->cancel_at = (ev->has_cancellation && ev->canceled_at != CALSYNC_TIME_NONE)
                           ? ev->canceled_at
                           : ev->updated_at;
        if (ev->has_cancellation) {
            c->cancel_reason = ev->cancel_reason;
            c->canceled_by = ev->canceled_by;
            c->canceler_type = ev->canceler_type;
        }
        if (ev->rescheduled || ev->new_invitee.ptr != NULL) {
            c->reschedule_canceled = 1;
            c->rescheduled_to_uri = ev->new_invitee;
        }
    } else {
        c->booked = 1;
        speaks |= SEES_ACTIVE;
    }

    c->info_updated_at = ev->updated_at;
    c->info_envelope_at = ev->envelope_created_at;
    c->email = ev->email;
    c->name = ev->name;
    c->timezone = ev->timezone;
    c->cancel_url = ev->cancel_url;
    c->reschedule_url = ev->reschedule_url;
    c->invitee_created_at = ev->created_at;

    if (ev->scheduled_event.present) {
        put_sched(c, &ev->scheduled_event);
        speaks |= SPEAKS_SCHED;
    }

    if (ev->kind == CALSYNC_EVENT_NO_SHOW_DELETED) {
        /* The deleted no-show is no longer current: its URI goes too. */
        c->noshow = CALSYNC_NOSHOW_DELETED;
        c->noshow_at = first_time(ev->envelope_created_at, ev->updated_at, CALSYNC_TIME_NONE);
        speaks |= SPEAKS_NOSHOW;
    } else if (ev->kind == CALSYNC_EVENT_NO_SHOW_CREATED || ev->has_no_show) {
        c->noshow = CALSYNC_NOSHOW_PRESENT;
        c->noshow_at = first_time(ev->no_show_created_at, ev->envelope_created_at, ev->updated_at);
        c->noshow_uri = ev->no_show_uri;
        speaks |= SPEAKS_NOSHOW;
    } else if (ev->kind == CALSYNC_EVENT_REST_INVITEE) {
        c->noshow_absent_seen_at = now;
    }
    return speaks;
}

int calsync_facts_hand_entered(const calsync_facts *f)
{
    return f != NULL && f->entered_at != CALSYNC_TIME_NONE;
}

/* Calendly never speaks for a session entered by hand. */
static int hand_entered(calsync_error *err)
{
    return calsync_fail(err, CALSYNC_ERR_MISMATCH, NULL,
                        "the session was entered by hand: Calendly has nothing to say about it");
}

static int check_view(const calsync_event_view *ev, calsync_error *err)
{
    if (ev == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "event view is NULL");
    if (ev->kind == CALSYNC_EVENT_OTHER)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "event is not about an invitee");
    if (ev->uri.ptr == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "event has no invitee URI");
    return CALSYNC_OK;
}

int calsync_state_apply_event(calsync_facts *out, calsync_outcome *outcome,
                              const calsync_facts *stored, const calsync_event_view *ev,
                              int64_t now, calsync_error *err)
{
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    int rc = check_view(ev, err);
    if (rc != CALSYNC_OK)
        return rc;
    if (calsync_facts_hand_entered(stored))
        return hand_entered(err);
    calsync_facts c;
    unsigned speaks = view_contribution(&c, ev, now);
    return settle(out, outcome, stored, &c, speaks, err);
}

/* The peers of a view: the invitee a canceled view was rescheduled to,
 * then the one any view was rescheduled from. */
size_t calsync_state_peer_uris(const calsync_event_view *ev, calsync_str out[CALSYNC_PEERS_MAX])
{
    size_t n = 0;
    if (ev == NULL || ev->kind == CALSYNC_EVENT_OTHER)
        return 0;
    if (view_is_canceled(ev) && ev->new_invitee.ptr != NULL)
        out[n++] = ev->new_invitee;
    if (ev->old_invitee.ptr != NULL && !(n > 0 && calsync_str_eq(out[0], ev->old_invitee)))
        out[n++] = ev->old_invitee;
    return n;
}

calsync_str calsync_state_peer_uri(const calsync_event_view *ev)
{
    calsync_str peers[CALSYNC_PEERS_MAX];
    return calsync_state_peer_uris(ev, peers) > 0 ? peers[0] : calsync_str_of(NULL, 0);
}

int calsync_state_apply_peer_uri(calsync_facts *out, calsync_outcome *outcome,
                                 const calsync_facts *stored_peer, const calsync_event_view *ev,
                                 calsync_str peer, calsync_error *err)
{
    if (out == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out is NULL");
    int rc = check_view(ev, err);
    if (rc != CALSYNC_OK)
        return rc;
    if (calsync_facts_hand_entered(stored_peer))
        return hand_entered(err);
    calsync_str peers[CALSYNC_PEERS_MAX];
    size_t n = calsync_state_peer_uris(ev, peers);
    if (n == 0)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "event names no reschedule peer");
    size_t i = 0;
    while (i < n && !calsync_str_eq(peers[i], peer))
        i++;
    if (i == n)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "peer is not an end of a reschedule that the event names");

    calsync_facts c;
    calsync_facts_init(&c);
    c.invitee_uri = peer;
    if (view_is_canceled(ev) && ev->new_invitee.ptr != NULL &&
        calsync_str_eq(peer, ev->new_invitee)) {
        c.rescheduled_from_uri = ev->uri;
    } else {
        /* Being the old end of a reschedule means having been canceled by it. */
        c.reschedule_canceled = 1;
        c.rescheduled_to_uri = ev->uri;
    }
    return settle(out, outcome, stored_peer, &c, 0, err);
}

int calsync_state_apply_peer(calsync_facts *out, calsync_outcome *outcome,
                             const calsync_facts *stored_peer, const calsync_event_view *ev,
                             calsync_error *err)
{
    return calsync_state_apply_peer_uri(out, outcome, stored_peer, ev, calsync_state_peer_uri(ev),
                                        err);
}

int calsync_state_apply_sched(calsync_facts *out, calsync_outcome *outcome,
                              const calsync_facts *stored, const calsync_scheduled_event *sched,
                              calsync_error *err)
{
    if (out == NULL || sched == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out or sched is NULL");
    if (!sched->present || sched->uri.ptr == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "scheduled event has no URI");
    if (calsync_facts_hand_entered(stored))
        return hand_entered(err);
    if (stored != NULL && stored->event_uri.ptr != NULL &&
        !calsync_str_eq(stored->event_uri, sched->uri))
        return mismatch(err, stored->event_uri, sched->uri, "event_uri");

    calsync_facts c;
    calsync_facts_init(&c);
    c.event_uri = sched->uri;
    put_sched(&c, sched);
    return settle(out, outcome, stored, &c, SPEAKS_SCHED, err);
}

int calsync_state_apply_manual(calsync_facts *out, calsync_outcome *outcome,
                               const calsync_facts *stored, const calsync_manual *entry,
                               calsync_error *err)
{
    if (out == NULL || entry == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out or entry is NULL");
    if (entry->at == CALSYNC_TIME_NONE)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "a hand entry needs its time");
    if (stored != NULL && !calsync_facts_hand_entered(stored))
        return calsync_fail(err, CALSYNC_ERR_MISMATCH, NULL,
                            "a Calendly session: its times and booking belong to Calendly");
    if (entry->start_at == CALSYNC_TIME_NONE)
        return calsync_fail(err, CALSYNC_ERR_INPUT, "start", "start is missing");
    if (entry->end_at == CALSYNC_TIME_NONE)
        return calsync_fail(err, CALSYNC_ERR_INPUT, "end", "end is missing");
    if (entry->end_at <= entry->start_at)
        return calsync_fail(err, CALSYNC_ERR_INPUT, "end", "end must be after start");
    if (entry->end_at - entry->start_at > CALSYNC_MANUAL_MAX_US)
        return calsync_fail(
            err, CALSYNC_ERR_INPUT, "end",
            "end is more than 24 hours after start: a session lasts at most 24 hours");

    calsync_facts c;
    calsync_facts_init(&c);
    c.entered_at = entry->at;
    c.entered_by = entry->by;
    c.sched_updated_at = entry->at;
    c.start_at = entry->start_at;
    c.end_at = entry->end_at;
    return settle(out, outcome, stored, &c, SPEAKS_SCHED, err);
}

int calsync_state_apply_mark(calsync_facts *out, calsync_outcome *outcome,
                             const calsync_facts *stored, const calsync_mark *mark,
                             calsync_error *err)
{
    if (out == NULL || stored == NULL || mark == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out, stored or mark is NULL");
    if ((unsigned)mark->value > CALSYNC_MARK_RESCHEDULED)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "unknown mark value %d",
                            (int)mark->value);
    if (mark->at == CALSYNC_TIME_NONE)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "a mark needs its time");

    calsync_facts c;
    calsync_facts_init(&c);
    c.coach_mark = mark->value;
    c.coach_mark_at = mark->at;
    c.coach_mark_by = mark->by;
    return settle(out, outcome, stored, &c, SPEAKS_COACH, err);
}

int calsync_state_apply_erasure(calsync_facts *out, calsync_outcome *outcome,
                                const calsync_facts *stored, int64_t at, calsync_error *err)
{
    if (out == NULL || stored == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out or stored is NULL");
    if (at == CALSYNC_TIME_NONE)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "an erasure needs its time");

    calsync_facts c;
    calsync_facts_init(&c);
    c.erased_at = at;
    return settle(out, outcome, stored, &c, 0, err);
}

int calsync_state_merge(calsync_facts *out, const calsync_facts *a, const calsync_facts *b,
                        calsync_error *err)
{
    if (out == NULL || a == NULL || b == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out, a or b is NULL");
    int rc = join(out, a, b, err);
    if (rc == CALSYNC_OK)
        calsync_error_clear(err);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* What the plugin stores beside the facts                                   */
/* ------------------------------------------------------------------------ */

void calsync_state_assess(calsync_assessment *out, const calsync_facts *f, int64_t now)
{
    if (out == NULL)
        return;
    calsync_facts empty;
    if (f == NULL) {
        calsync_facts_init(&empty);
        f = &empty;
    }
    out->status = calsync_state_derive(f, &out->conflict);
    out->mark = calsync_state_current_mark(f);
    /* Exactly the SQL on the stored columns: status = 'scheduled' AND
     * end_at IS NOT NULL AND end_at < now (see calsync.h). */
    out->attendance_due_at =
        out->status == CALSYNC_STATUS_SCHEDULED ? f->end_at : CALSYNC_TIME_NONE;
    out->needs_attendance =
        out->attendance_due_at != CALSYNC_TIME_NONE && out->attendance_due_at < now;
    out->counts_alone = out->status == CALSYNC_STATUS_ATTENDED;
}

int calsync_outcome_then(calsync_outcome *out, const calsync_outcome *first,
                         const calsync_outcome *second, calsync_error *err)
{
    if (out == NULL || first == NULL || second == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "out, first or second is NULL");
    calsync_outcome r;
    r.changed = first->changed | second->changed;
    r.old_status = first->old_status;
    r.old_conflict = first->old_conflict;
    r.new_status = second->new_status;
    r.new_conflict = second->new_conflict;
    r.notes = first->notes | second->notes;
    *out = r;
    calsync_error_clear(err);
    return CALSYNC_OK;
}

/* ------------------------------------------------------------------------ */
/* Reschedule chains                                                         */
/* ------------------------------------------------------------------------ */

/* A power of two at least twice CALSYNC_CHAIN_ROWS_MAX: the table stays
 * at most half full, so probing ends quickly. */
#define CHAIN_SLOTS 2048u
_Static_assert(CHAIN_SLOTS >= 2 * CALSYNC_CHAIN_ROWS_MAX, "the URI table must stay half empty");
_Static_assert((CHAIN_SLOTS & (CHAIN_SLOTS - 1)) == 0, "the URI table size is a power of two");

static int present_uri(calsync_str s)
{
    return s.ptr != NULL && s.len > 0;
}

/* ASCII case-insensitive equality of two present strings (PHP's strtolower). */
static int uri_eq(calsync_str a, calsync_str b)
{
    if (a.len != b.len)
        return 0;
    for (size_t i = 0; i < a.len; i++)
        if (ascii_lower(a.ptr[i]) != ascii_lower(b.ptr[i]))
            return 0;
    return 1;
}

/* FNV-1a over the lower-cased bytes. */
static uint32_t uri_hash(calsync_str s)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s.len; i++) {
        h ^= (unsigned char)ascii_lower(s.ptr[i]);
        h *= 16777619u;
    }
    return h;
}

typedef struct chain_index {
    int32_t slot[CHAIN_SLOTS]; /* row index, -1 empty */
    const calsync_chain_row *rows;
} chain_index;

/* The row with this URI, or -1. */
static int32_t chain_find(const chain_index *ix, calsync_str uri)
{
    if (!present_uri(uri))
        return -1;
    for (uint32_t k = uri_hash(uri) & (CHAIN_SLOTS - 1);; k = (k + 1) & (CHAIN_SLOTS - 1)) {
        int32_t i = ix->slot[k];
        if (i < 0 || uri_eq(ix->rows[i].uri, uri))
            return i;
    }
}

static int same_student(const calsync_chain_row *a, const calsync_chain_row *b)
{
    return a->has_student && b->has_student && a->student_id == b->student_id;
}

static int same_row(const calsync_chain_row *a, const calsync_chain_row *b)
{
    int a_next = present_uri(a->rescheduled_to_uri), b_next = present_uri(b->rescheduled_to_uri);
    if (a_next != b_next || (a_next && !uri_eq(a->rescheduled_to_uri, b->rescheduled_to_uri)))
        return 0;
    if (a->status != b->status || !a->has_student != !b->has_student)
        return 0;
    return !a->has_student || a->student_id == b->student_id;
}

/* Whether a later attended row of the same student stands for rows[start]. */
static int superseded(const chain_index *ix, int32_t start)
{
    const calsync_chain_row *from = &ix->rows[start];
    int32_t seen[CALSYNC_CHAIN_STEPS + 1];
    size_t nseen = 0;
    seen[nseen++] = start;
    calsync_str next = from->rescheduled_to_uri;
    for (int step = 0; step < CALSYNC_CHAIN_STEPS; step++) {
        int32_t j = chain_find(ix, next);
        if (j < 0)
            return 0; /* the chain leaves the rows we were given */
        for (size_t k = 0; k < nseen; k++)
            if (seen[k] == j)
                return 0; /* a loop */
        const calsync_chain_row *r = &ix->rows[j];
        if (r->status == CALSYNC_STATUS_ATTENDED && same_student(from, r))
            return 1;
        seen[nseen++] = j;
        next = r->rescheduled_to_uri;
    }
    return 0;
}

int calsync_state_chain_counts(int *counts_out, const calsync_chain_row *rows, size_t n,
                               calsync_error *err)
{
    if (n == 0) {
        calsync_error_clear(err);
        return CALSYNC_OK;
    }
    if (counts_out == NULL || rows == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "counts_out or rows is NULL");
    if (n > CALSYNC_CHAIN_ROWS_MAX)
        return calsync_fail(err, CALSYNC_ERR_TOO_LARGE, NULL,
                            "%zu rows: at most %d can be judged in one call", n,
                            CALSYNC_CHAIN_ROWS_MAX);

    chain_index *ix = malloc(sizeof *ix);
    int32_t *canon = malloc(n * sizeof *canon);
    int rc = CALSYNC_OK;
    if (ix == NULL || canon == NULL) {
        rc = calsync_fail(err, CALSYNC_ERR_NOMEM, NULL, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < CHAIN_SLOTS; k++)
        ix->slot[k] = -1;
    ix->rows = rows;

    for (size_t i = 0; i < n; i++) {
        const calsync_chain_row *r = &rows[i];
        if (!present_uri(r->uri)) {
            rc = calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "row %zu has no uri", i);
            goto out;
        }
        if ((unsigned)r->status > CALSYNC_STATUS_NO_SHOW) {
            rc = calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL, "row %zu has an unknown status %d",
                              i, (int)r->status);
            goto out;
        }
        uint32_t k = uri_hash(r->uri) & (CHAIN_SLOTS - 1);
        while (ix->slot[k] >= 0 && !uri_eq(rows[ix->slot[k]].uri, r->uri))
            k = (k + 1) & (CHAIN_SLOTS - 1);
        if (ix->slot[k] < 0) {
            ix->slot[k] = (int32_t)i;
            canon[i] = (int32_t)i;
        } else if (same_row(&rows[ix->slot[k]], r)) {
            canon[i] = ix->slot[k]; /* the same row given twice */
        } else {
            rc = calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                              "rows %d and %zu have the same uri %.*s but differ", (int)ix->slot[k],
                              i, clamp_len(r->uri.len), r->uri.ptr);
            goto out;
        }
    }

    for (size_t i = 0; i < n; i++) {
        const calsync_chain_row *r = &rows[canon[i]];
        counts_out[i] =
            r->status == CALSYNC_STATUS_ATTENDED && r->has_student && !superseded(ix, canon[i]);
    }
    calsync_error_clear(err);
out:
    free(ix);
    free(canon);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Outbound actions                                                          */
/* ------------------------------------------------------------------------ */

int calsync_state_mark_outbound(calsync_outbound out[CALSYNC_OUTBOUND_MAX], size_t *out_count,
                                const calsync_facts *before, const calsync_facts *after,
                                int two_way_no_show, calsync_error *err)
{
    if (out == NULL || out_count == NULL || before == NULL || after == NULL)
        return calsync_fail(err, CALSYNC_ERR_ARGUMENT, NULL,
                            "out, out_count, before or after is NULL");
    *out_count = 0;
    calsync_error_clear(err);
    if (!two_way_no_show || !present_uri(after->invitee_uri))
        return CALSYNC_OK;

    int was = calsync_state_current_mark(before) == CALSYNC_MARK_NO_SHOW;
    int is = calsync_state_current_mark(after) == CALSYNC_MARK_NO_SHOW;
    calsync_str known =
        present_uri(after->noshow_uri) ? after->noshow_uri : calsync_str_of(NULL, 0);
    if (is && !was && known.ptr == NULL) {
        out[0].action = CALSYNC_OUTBOUND_CREATE_NO_SHOW;
    } else if (was && !is) {
        out[0].action = CALSYNC_OUTBOUND_DELETE_NO_SHOW;
    } else {
        return CALSYNC_OK;
    }
    out[0].invitee_uri = after->invitee_uri;
    out[0].no_show_uri = known;
    *out_count = 1;
    return CALSYNC_OK;
}
