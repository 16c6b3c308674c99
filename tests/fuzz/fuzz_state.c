/* SPDX-License-Identifier: MIT */
/* Fuzz target for the session state: bytes become contributions; in order, reversed and repeated
 * they must agree. */
/*
 * Each op is 8 bytes: b[0] % 4 picks an invitee event (0, 1), a coach mark
 * or, when b[5] & 0x80, a privacy erasure (2), and a REST
 * scheduled event or a merge of raw facts (3; the facts are erased when
 * b[2] & 0x80, still holding a name, as a row the eraser only tombstoned).
 *
 * The same bytes, 4 at a time, are also rows of a reschedule chain
 * (b[0]: which URI and the case of its letters, b[1]: which row it links
 * to or none, b[2]: status, b[3]: student or none): their standing must
 * not depend on the order of the rows, and only attended rows of a student
 * count.  The merged rows' assessment must agree with derive, and the
 * two-way no-show between any two of them must follow its rule.
 */
#include "calsync.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 3
#define OP_BYTES 8
#define MAX_OPS 32

static const char *const invitee_uris[ROWS] = {
    "https://api.calendly.com/scheduled_events/EA/invitees/IA",
    "https://api.calendly.com/scheduled_events/EB/invitees/IB",
    "https://api.calendly.com/scheduled_events/EC/invitees/IC",
};
static const char *const event_uris[ROWS] = {
    "https://api.calendly.com/scheduled_events/EA",
    "https://api.calendly.com/scheduled_events/EB",
    "https://api.calendly.com/scheduled_events/EC",
};
/* Small pools with shared prefixes and an empty string, so byte-order ties are common. */
static const char *const words[4] = {"", "a", "ab", "b"};
static const char *const links[4] = {"https://x/1", "https://x/10", "https://x/2", ""};

typedef struct rows {
    int exists[ROWS];
    calsync_facts f[ROWS];
} rows;

static calsync_str str(const char *s)
{
    calsync_str r = {s, s ? strlen(s) : 0};
    return r;
}

/* 3 bits of time and 1 bit of microsecond: few distinct values, many ties. */
static int64_t time_of(unsigned b)
{
    if ((b & 7u) == 7u)
        return CALSYNC_TIME_NONE;
    return (int64_t)(b & 7u) * 1000000 + (int64_t)((b >> 3) & 1u);
}

static calsync_str word_of(unsigned b)
{
    return (b & 4u) ? str(NULL) : str(words[b & 3u]);
}

static calsync_str link_of(unsigned b)
{
    return (b & 4u) ? str(NULL) : str(links[b & 3u]);
}

static int row_of(calsync_str uri)
{
    for (int i = 0; i < ROWS; i++)
        if (uri.ptr != NULL && uri.len == strlen(invitee_uris[i]) &&
            memcmp(uri.ptr, invitee_uris[i], uri.len) == 0)
            return i;
    return -1;
}

static void build_sched(calsync_scheduled_event *se, const unsigned char *b, int row)
{
    memset(se, 0, sizeof *se);
    se->present = 1;
    se->uri = str(event_uris[row]);
    se->name = word_of(b[2]);
    se->status = word_of(b[3] >> 3);
    se->start_time = time_of(b[5]);
    se->end_time = time_of(b[5] >> 4);
    se->event_type = link_of(b[6] >> 4);
    se->location_type = word_of(b[7] >> 5);
    se->join_url = link_of(b[4] >> 5);
    se->nhosts = b[3] & 1u;
    se->hosts[0].email = word_of(b[2] >> 3);
    se->hosts[0].name = word_of(b[2] >> 5);
    se->host_emails = se->nhosts ? word_of(b[2] >> 4) : str(NULL);
    se->created_at = CALSYNC_TIME_NONE;
    se->updated_at = (b[4] & 64u) ? time_of(b[6] >> 3) : CALSYNC_TIME_NONE;
}

static void build_view(calsync_event_view *v, const unsigned char *b, int row)
{
    unsigned flags = b[4];
    memset(v, 0, sizeof *v);
    v->kind = (calsync_event_kind)(1 + b[2] % 5);
    v->envelope_created_at =
        v->kind == CALSYNC_EVENT_REST_INVITEE ? CALSYNC_TIME_NONE : time_of(b[7]);
    v->uri = str(invitee_uris[row]);
    v->email = word_of(b[3] >> 1);
    v->name = word_of(b[3] >> 4);
    v->status = (b[3] & 1u) ? CALSYNC_INVITEE_CANCELED : CALSYNC_INVITEE_ACTIVE;
    v->timezone = word_of(b[6] >> 5);
    v->event_uri = str(event_uris[row]);
    v->created_at = time_of(b[5]);
    v->updated_at = time_of(b[6]);
    v->rescheduled = (int)(flags & 1u);
    if (flags & 2u)
        v->old_invitee = str(invitee_uris[(row + 2) % ROWS]);
    if (flags & 4u)
        v->new_invitee = str(invitee_uris[(row + 1) % ROWS]);
    v->cancel_url = link_of(b[5] >> 3);
    v->reschedule_url = link_of(b[5] >> 5);
    v->canceled_at = CALSYNC_TIME_NONE;
    if (flags & 8u) {
        v->has_cancellation = 1;
        v->canceled_at = time_of(b[5] ^ b[6]);
        v->cancel_reason = word_of(b[7] >> 3);
        v->canceled_by = word_of(b[7] >> 5);
        v->canceler_type = word_of(b[2] >> 3);
    }
    v->no_show_created_at = CALSYNC_TIME_NONE;
    if (flags & 16u) {
        v->has_no_show = 1;
        v->no_show_uri = link_of(b[7] >> 2);
        v->no_show_created_at = time_of(b[7] >> 3);
    }
    if (flags & 32u)
        build_sched(&v->scheduled_event, b, row);
}

static void build_facts(calsync_facts *f, const unsigned char *b, int row)
{
    calsync_facts_init(f);
    f->invitee_uri = (b[2] & 1u) ? str(invitee_uris[row]) : str(NULL);
    f->event_uri = (b[2] & 2u) ? str(event_uris[row]) : str(NULL);
    f->booked = (b[2] >> 2) & 1;
    f->canceled = (b[2] >> 3) & 1;
    f->reschedule_canceled = (b[2] >> 4) & 1;
    f->cancel_at = time_of(b[3]);
    f->cancel_reason = word_of(b[3] >> 3);
    f->rescheduled_to_uri = link_of(b[3] >> 5);
    f->rescheduled_from_uri = link_of(b[4]);
    f->coach_mark = (calsync_mark_value)((b[4] >> 3) & 3u);
    f->coach_mark_at = time_of(b[4] >> 5);
    f->coach_mark_by = b[5] & 1u;
    f->noshow = (calsync_noshow_state)(((b[5] >> 1) & 3u) % 3u);
    f->noshow_at = time_of(b[5] >> 3);
    f->noshow_uri = link_of(b[5] >> 5);
    f->noshow_absent_seen_at = time_of(b[6]);
    f->info_updated_at = time_of(b[6] >> 3);
    f->name = word_of(b[6] >> 5);
    f->sched_updated_at = time_of(b[7]);
    f->start_at = time_of(b[7] >> 3);
    f->join_url = link_of(b[7] >> 5);
    f->erased_at = (b[2] & 0x80u) ? time_of(b[1] >> 2) : CALSYNC_TIME_NONE;
}

static void start_row(rows *r, int i)
{
    /* The same rule as the property test: a row not yet made starts empty with its URI. */
    if (!r->exists[i]) {
        calsync_facts_init(&r->f[i]);
        r->f[i].invitee_uri = str(invitee_uris[i]);
        r->exists[i] = 1;
    }
}

static void apply_op(rows *r, const unsigned char *b)
{
    int i = b[1] % ROWS;
    int rc = CALSYNC_OK;
    calsync_outcome o;
    switch (b[0] % 4) {
    case 0:
    case 1: {
        calsync_event_view v;
        build_view(&v, b, i);
        rc = calsync_state_apply_event(&r->f[i], &o, r->exists[i] ? &r->f[i] : NULL, &v,
                                       time_of(b[1] >> 2), NULL);
        if (rc != CALSYNC_OK)
            break;
        r->exists[i] = 1;
        calsync_str peers[CALSYNC_PEERS_MAX];
        size_t n = calsync_state_peer_uris(&v, peers);
        for (size_t k = 0; k < n && rc == CALSYNC_OK; k++) {
            int p = row_of(peers[k]);
            if (p < 0)
                continue;
            rc = calsync_state_apply_peer_uri(&r->f[p], &o, r->exists[p] ? &r->f[p] : NULL, &v,
                                              peers[k], NULL);
            r->exists[p] = 1;
        }
        break;
    }
    case 2: {
        if (b[5] & 0x80u) {
            start_row(r, i);
            /* Like a mark's, an erasure's time is never absent. */
            int64_t at = (int64_t)(b[5] & 7u) * 1000000 + ((b[5] >> 3) & 1u);
            rc = calsync_state_apply_erasure(&r->f[i], &o, &r->f[i], at, NULL);
            break;
        }
        calsync_mark m;
        m.value = (calsync_mark_value)(b[2] % 4);
        m.at = (int64_t)(b[3] & 7u) * 1000000 + (b[3] >> 7);
        m.by = b[4] % 3;
        start_row(r, i);
        rc = calsync_state_apply_mark(&r->f[i], &o, &r->f[i], &m, NULL);
        break;
    }
    default:
        if (b[1] & 0x80u) {
            calsync_scheduled_event se;
            build_sched(&se, b, i);
            /* With stored == NULL the row would lack its URI in one order and not the other. */
            start_row(r, i);
            rc = calsync_state_apply_sched(&r->f[i], &o, &r->f[i], &se, NULL);
        } else {
            calsync_facts f;
            build_facts(&f, b, i);
            start_row(r, i);
            rc = calsync_state_merge(&r->f[i], &r->f[i], &f, NULL);
        }
        break;
    }
    if (rc != CALSYNC_OK)
        abort(); /* no input built here can name another invitee or event */
}

/* An erased row holds no personal fact of the invitee. */
static void check_erased(const rows *r)
{
    for (int i = 0; i < ROWS; i++) {
        const calsync_facts *f = &r->f[i];
        if (!r->exists[i] || f->erased_at == CALSYNC_TIME_NONE)
            continue;
        if (f->email.ptr || f->name.ptr || f->timezone.ptr || f->cancel_url.ptr ||
            f->reschedule_url.ptr || f->cancel_reason.ptr || f->canceled_by.ptr)
            abort();
    }
}

static void check_same(const rows *x, const rows *y)
{
    for (int i = 0; i < ROWS; i++) {
        if (x->exists[i] != y->exists[i])
            abort();
        if (!x->exists[i])
            continue;
        if (!calsync_facts_equal(&x->f[i], &y->f[i]))
            abort();
        int cx, cy;
        if (calsync_state_derive(&x->f[i], &cx) != calsync_state_derive(&y->f[i], &cy) || cx != cy)
            abort();
    }
}

#define CHAIN_ROWS 24
#define CHAIN_URIS 8

/* URI k (of CHAIN_URIS) with the letters whose bit is set in `mask` upper-cased. */
static void chain_uri(char *buf, size_t cap, unsigned k, unsigned mask)
{
    static const char base[] = "https://api.calendly.com/invitees/in";
    size_t n = strlen(base);
    if (cap < n + 2)
        abort();
    memcpy(buf, base, n);
    buf[n] = (char)('a' + k);
    buf[n + 1] = '\0';
    for (size_t i = 0; i < n + 1; i++)
        if (((mask >> (i % 5)) & 1u) && buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
}

static void check_chains(const uint8_t *data, size_t size)
{
    size_t n = size / 4 > CHAIN_ROWS ? CHAIN_ROWS : size / 4;
    if (n == 0)
        return;
    char uri[CHAIN_ROWS][48], to[CHAIN_ROWS][48];
    calsync_chain_row fwd[CHAIN_ROWS], rev[CHAIN_ROWS];
    for (size_t i = 0; i < n; i++) {
        const uint8_t *b = data + 4 * i;
        chain_uri(uri[i], sizeof uri[i], b[0] % CHAIN_URIS, b[0] >> 3);
        fwd[i].uri = str(uri[i]);
        unsigned next = b[1] % (CHAIN_URIS + 1);
        if (next < CHAIN_URIS) {
            chain_uri(to[i], sizeof to[i], next, b[1] >> 4);
            fwd[i].rescheduled_to_uri = str(to[i]);
        } else {
            fwd[i].rescheduled_to_uri = str(NULL);
        }
        fwd[i].status = (calsync_status)(b[2] % 5);
        fwd[i].has_student = (b[3] % 4) != 0;
        fwd[i].student_id = b[3] % 4;
    }
    for (size_t i = 0; i < n; i++)
        rev[i] = fwd[n - 1 - i];
    int cf[CHAIN_ROWS], cr[CHAIN_ROWS];
    int rf = calsync_state_chain_counts(cf, fwd, n, NULL);
    int rr = calsync_state_chain_counts(cr, rev, n, NULL);
    /* Contradicting rows (one URI, two contents) are refused in any order. */
    if (rf != rr || (rf != CALSYNC_OK && rf != CALSYNC_ERR_ARGUMENT))
        abort();
    if (rf != CALSYNC_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        if (cf[i] != cr[n - 1 - i])
            abort();
        if (cf[i] && (fwd[i].status != CALSYNC_STATUS_ATTENDED || !fwd[i].has_student))
            abort();
    }
}

static void check_assessments(const rows *r, int64_t now)
{
    for (int i = 0; i < ROWS; i++) {
        if (!r->exists[i])
            continue;
        const calsync_facts *f = &r->f[i];
        calsync_assessment a;
        calsync_state_assess(&a, f, now);
        int conflict;
        calsync_status s = calsync_state_derive(f, &conflict);
        int64_t due = s == CALSYNC_STATUS_SCHEDULED ? f->end_at : CALSYNC_TIME_NONE;
        if (a.status != s || a.conflict != conflict || a.attendance_due_at != due ||
            a.needs_attendance != (due != CALSYNC_TIME_NONE && due < now) ||
            a.counts_alone != (s == CALSYNC_STATUS_ATTENDED))
            abort();
        for (int j = 0; j < ROWS; j++) {
            if (!r->exists[j])
                continue;
            calsync_outbound out[CALSYNC_OUTBOUND_MAX];
            size_t k = 2;
            if (calsync_state_mark_outbound(out, &k, f, &r->f[j], 1, NULL) != CALSYNC_OK || k > 1)
                abort();
            int was = calsync_state_current_mark(f) == CALSYNC_MARK_NO_SHOW;
            int is = calsync_state_current_mark(&r->f[j]) == CALSYNC_MARK_NO_SHOW;
            if (k == 1 &&
                (out[0].action == CALSYNC_OUTBOUND_CREATE_NO_SHOW ? !(is && !was) : !(was && !is)))
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    calsync_status st;
    (void)calsync_status_from_name(&st, (const char *)data, size < 32 ? size : 32);

    size_t nops = size / OP_BYTES;
    if (nops > MAX_OPS)
        nops = MAX_OPS;
    rows forward, backward, doubled;
    memset(&forward, 0, sizeof forward);
    memset(&backward, 0, sizeof backward);
    memset(&doubled, 0, sizeof doubled);
    for (size_t k = 0; k < nops; k++) {
        apply_op(&forward, data + k * OP_BYTES);
        apply_op(&backward, data + (nops - 1 - k) * OP_BYTES);
        apply_op(&doubled, data + k * OP_BYTES);
        apply_op(&doubled, data + k * OP_BYTES);
    }
    check_same(&forward, &backward);
    check_same(&forward, &doubled);
    check_erased(&forward);

    /* Replaying the whole sequence on its own result changes nothing. */
    rows again = forward;
    for (size_t k = 0; k < nops; k++)
        apply_op(&again, data + k * OP_BYTES);
    check_same(&forward, &again);

    for (int i = 0; i < ROWS; i++) {
        if (!forward.exists[i])
            continue;
        calsync_status s = calsync_state_derive(&forward.f[i], NULL);
        if (calsync_status_name(s) == NULL ||
            (unsigned)calsync_state_current_mark(&forward.f[i]) > 3u)
            abort();
    }
    check_assessments(&forward, size > 0 ? time_of(data[0]) : 0);
    check_chains(data, size);
    return 0;
}
