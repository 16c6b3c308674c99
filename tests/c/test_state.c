/* SPDX-License-Identifier: MIT */
/* Unit tests of the session state: one scenario per rule, events built directly as C structs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calsync.h"
#include "support_state.h"

#define T(s) ((int64_t)(s)*1000000)

#define URI_A "https://api.calendly.com/scheduled_events/EA/invitees/IA"
#define URI_B "https://api.calendly.com/scheduled_events/EB/invitees/IB"
#define EVENT_A "https://api.calendly.com/scheduled_events/EA"
#define EVENT_B "https://api.calendly.com/scheduled_events/EB"
#define NO_SHOW_1 "https://api.calendly.com/invitee_no_shows/N1"
#define NO_SHOW_2 "https://api.calendly.com/invitee_no_shows/N2"

#define ALL_FIELDS ((((uint64_t)1) << CALSYNC_F_COUNT) - 1)
#define BIT(f) ((uint64_t)1 << (f))

/* One session row as the plugin keeps it: absent until something creates it. */
typedef struct row {
    int exists;
    calsync_facts f;
} row;

static int str_is(calsync_str s, const char *want)
{
    if (want == NULL || s.ptr == NULL)
        return want == NULL && s.ptr == NULL;
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static void before_of(const row *r, calsync_facts *before)
{
    if (r->exists)
        *before = r->f;
    else
        calsync_facts_init(before);
}

/* Each helper applies in place (out == stored, as the plugin may) and checks
 * the changed mask against an independent field-by-field comparison. */
static calsync_outcome apply_ev(row *r, const calsync_event_view *v, int64_t now)
{
    calsync_facts before;
    calsync_outcome o;
    calsync_error err;
    before_of(r, &before);
    assert_int_equal(calsync_state_apply_event(&r->f, &o, r->exists ? &r->f : NULL, v, now, &err),
                     CALSYNC_OK);
    assert_int_equal(err.code, CALSYNC_OK);
    r->exists = 1;
    assert_true(o.changed == support_state_diff_mask(&before, &r->f));
    return o;
}

static calsync_outcome apply_pr(row *r, const calsync_event_view *v)
{
    calsync_facts before;
    calsync_outcome o;
    before_of(r, &before);
    assert_int_equal(calsync_state_apply_peer(&r->f, &o, r->exists ? &r->f : NULL, v, NULL),
                     CALSYNC_OK);
    r->exists = 1;
    assert_true(o.changed == support_state_diff_mask(&before, &r->f));
    return o;
}

static calsync_outcome apply_mk(row *r, calsync_mark_value value, int64_t at, int64_t by)
{
    calsync_mark m = {value, at, by};
    calsync_facts before = r->f;
    calsync_outcome o;
    assert_true(r->exists);
    assert_int_equal(calsync_state_apply_mark(&r->f, &o, &r->f, &m, NULL), CALSYNC_OK);
    assert_true(o.changed == support_state_diff_mask(&before, &r->f));
    return o;
}

static calsync_outcome apply_sc(row *r, const calsync_scheduled_event *se)
{
    calsync_facts before;
    calsync_outcome o;
    before_of(r, &before);
    assert_int_equal(calsync_state_apply_sched(&r->f, &o, r->exists ? &r->f : NULL, se, NULL),
                     CALSYNC_OK);
    r->exists = 1;
    assert_true(o.changed == support_state_diff_mask(&before, &r->f));
    return o;
}

static calsync_outcome apply_er(row *r, int64_t at)
{
    calsync_facts before = r->f;
    calsync_outcome o;
    calsync_error err;
    assert_true(r->exists);
    assert_int_equal(calsync_state_apply_erasure(&r->f, &o, &r->f, at, &err), CALSYNC_OK);
    assert_int_equal(err.code, CALSYNC_OK);
    assert_true(o.changed == support_state_diff_mask(&before, &r->f));
    return o;
}

/* Delivers a webhook the way the plugin does: its own row, then its peer's. */
static void deliver(row *a, row *b, const calsync_event_view *v)
{
    row *own = str_is(v->uri, URI_A) ? a : b;
    apply_ev(own, v, T(0));
    calsync_str peer = calsync_state_peer_uri(v);
    if (peer.ptr != NULL)
        apply_pr(str_is(peer, URI_A) ? a : b, v);
}

static void created(calsync_event_view *v, const char *uri, const char *event_uri, int64_t at)
{
    support_state_view(v, CALSYNC_EVENT_INVITEE_CREATED, uri, event_uri, at, at);
}

static void canceled(calsync_event_view *v, const char *uri, const char *event_uri, int64_t at,
                     const char *reason)
{
    support_state_view(v, CALSYNC_EVENT_INVITEE_CANCELED, uri, event_uri, at, at);
    v->has_cancellation = 1;
    v->canceled_at = at;
    v->cancel_reason = support_state_str(reason);
    v->canceled_by = support_state_str("Ana Ruiz");
    v->canceler_type = support_state_str("invitee");
}

static void no_show_created(calsync_event_view *v, const char *uri, int64_t updated_at, int64_t at,
                            const char *no_show_uri)
{
    support_state_view(v, CALSYNC_EVENT_NO_SHOW_CREATED, uri, EVENT_A, updated_at, at);
    v->has_no_show = 1;
    v->no_show_uri = support_state_str(no_show_uri);
    v->no_show_created_at = at;
}

static void no_show_deleted(calsync_event_view *v, const char *uri, int64_t updated_at, int64_t at)
{
    support_state_view(v, CALSYNC_EVENT_NO_SHOW_DELETED, uri, EVENT_A, updated_at, at);
}

/* The two webhooks of one reschedule A -> B. */
static void reschedule_pair(calsync_event_view *cancel_a, calsync_event_view *create_b)
{
    canceled(cancel_a, URI_A, EVENT_A, T(200), NULL);
    cancel_a->rescheduled = 1;
    cancel_a->new_invitee = support_state_str(URI_B);
    created(create_b, URI_B, EVENT_B, T(201));
    create_b->old_invitee = support_state_str(URI_A);
}

/* A row booked by invitee.created at 100 s. */
static row booked_row(void)
{
    row r = {0};
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));
    apply_ev(&r, &v, T(0));
    return r;
}

/* ---- names ---------------------------------------------------------------- */

static void test_status_names_round_trip(void **state)
{
    (void)state;
    static const char *const want[] = {"scheduled", "canceled", "rescheduled", "attended",
                                       "no_show"};
    for (int s = CALSYNC_STATUS_SCHEDULED; s <= CALSYNC_STATUS_NO_SHOW; s++) {
        const char *name = calsync_status_name((calsync_status)s);
        assert_string_equal(name, want[s]);
        calsync_status back = CALSYNC_STATUS_SCHEDULED;
        assert_int_equal(calsync_status_from_name(&back, name, strlen(name)), CALSYNC_OK);
        assert_int_equal(back, s);
    }
    assert_string_equal(calsync_status_name((calsync_status)99), "unknown");
}

static void test_status_from_name_maps_legacy_spellings(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        calsync_status want;
    } cases[] = {
        {"completed", CALSYNC_STATUS_ATTENDED},
        {"Cancelled ", CALSYNC_STATUS_CANCELED},
        {"no show", CALSYNC_STATUS_NO_SHOW},
        {"No-Show", CALSYNC_STATUS_NO_SHOW},
        {"\t SCHEDULED\r\n", CALSYNC_STATUS_SCHEDULED},
        {"ReScheduled", CALSYNC_STATUS_RESCHEDULED},
        {"canceled", CALSYNC_STATUS_CANCELED},
        {"NO_SHOW", CALSYNC_STATUS_NO_SHOW},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        calsync_status s = (calsync_status)-1;
        assert_int_equal(calsync_status_from_name(&s, cases[i].text, strlen(cases[i].text)),
                         CALSYNC_OK);
        assert_int_equal(s, cases[i].want);
    }
    /* The length is authoritative: "attendedXYZ" cut to 8 bytes is "attended". */
    calsync_status s = CALSYNC_STATUS_SCHEDULED;
    assert_int_equal(calsync_status_from_name(&s, "attendedXYZ", 8), CALSYNC_OK);
    assert_int_equal(s, CALSYNC_STATUS_ATTENDED);
}

static void test_status_from_name_rejects_unknown_text(void **state)
{
    (void)state;
    static const char *const bad[] = {"",          "   ",    "done",  "no  show",
                                      "attended!", "noshow", "cancel"};
    calsync_status s = CALSYNC_STATUS_ATTENDED;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(calsync_status_from_name(&s, bad[i], strlen(bad[i])), CALSYNC_ERR_INPUT);
    assert_int_equal(s, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(calsync_status_from_name(&s, NULL, 3), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_status_from_name(NULL, "attended", 8), CALSYNC_ERR_ARGUMENT);
}

static void test_field_names_cover_every_field_in_order(void **state)
{
    (void)state;
    static const char *const want[CALSYNC_F_COUNT] = {"invitee_uri",
                                                      "booked",
                                                      "event_uri",
                                                      "canceled",
                                                      "cancel_at",
                                                      "cancel_reason",
                                                      "canceled_by",
                                                      "canceler_type",
                                                      "reschedule_canceled",
                                                      "rescheduled_to_uri",
                                                      "rescheduled_from_uri",
                                                      "coach_mark",
                                                      "coach_mark_at",
                                                      "coach_mark_by",
                                                      "noshow",
                                                      "noshow_at",
                                                      "noshow_uri",
                                                      "noshow_absent_seen_at",
                                                      "info_updated_at",
                                                      "info_envelope_at",
                                                      "email",
                                                      "name",
                                                      "timezone",
                                                      "cancel_url",
                                                      "reschedule_url",
                                                      "invitee_created_at",
                                                      "sched_updated_at",
                                                      "start_at",
                                                      "end_at",
                                                      "event_name",
                                                      "event_type_uri",
                                                      "event_status",
                                                      "location_type",
                                                      "join_url",
                                                      "host_email",
                                                      "host_name",
                                                      "host_emails",
                                                      "erased_at",
                                                      "entered_at",
                                                      "entered_by"};
    for (int f = 0; f < CALSYNC_F_COUNT; f++) {
        assert_non_null(calsync_field_name((calsync_field)f));
        assert_string_equal(calsync_field_name((calsync_field)f), want[f]);
    }
    assert_null(calsync_field_name(CALSYNC_F_COUNT));
    assert_null(calsync_field_name((calsync_field)-1));
}

static void test_facts_init_is_empty_and_scheduled(void **state)
{
    (void)state;
    calsync_facts f;
    memset(&f, 0x5a, sizeof f);
    calsync_facts_init(&f);
    assert_null(f.invitee_uri.ptr);
    assert_int_equal(f.booked, 0);
    assert_true(f.cancel_at == CALSYNC_TIME_NONE && f.coach_mark_at == CALSYNC_TIME_NONE);
    assert_true(f.noshow_at == CALSYNC_TIME_NONE && f.noshow_absent_seen_at == CALSYNC_TIME_NONE);
    assert_true(f.info_updated_at == CALSYNC_TIME_NONE && f.start_at == CALSYNC_TIME_NONE);
    assert_int_equal(f.noshow, CALSYNC_NOSHOW_UNKNOWN);
    assert_int_equal(f.coach_mark, CALSYNC_MARK_NONE);
    assert_null(f.host_name.ptr);
    int conflict = 1;
    assert_int_equal(calsync_state_derive(&f, &conflict), CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(conflict, 0);
    assert_int_equal(calsync_state_derive(NULL, NULL), CALSYNC_STATUS_SCHEDULED);
}

/* ---- each event kind ---------------------------------------------------------- */

static void test_created_event_books_a_new_row_with_its_details(void **state)
{
    (void)state;
    row r = {0};
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));
    v.envelope_created_at = T(101);
    support_state_embed_sched(&v, T(90), T(1000));
    calsync_outcome o = apply_ev(&r, &v, T(0));

    assert_true(str_is(r.f.invitee_uri, URI_A));
    assert_int_equal(r.f.booked, 1);
    assert_true(str_is(r.f.event_uri, EVENT_A));
    assert_int_equal(r.f.canceled, 0);
    assert_true(r.f.info_updated_at == T(100) && r.f.info_envelope_at == T(101));
    assert_true(str_is(r.f.email, "ana@example.org") && str_is(r.f.name, "Ana Ruiz"));
    assert_true(r.f.sched_updated_at == T(90) && r.f.start_at == T(1000));
    assert_true(str_is(r.f.host_email, "coach@example.org") && str_is(r.f.location_type, "zoom"));
    assert_null(r.f.rescheduled_from_uri.ptr);
    assert_int_equal(o.old_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(o.notes, 0);
    assert_true(o.changed & BIT(CALSYNC_F_BOOKED));
    assert_true(o.changed & BIT(CALSYNC_F_START_AT));
}

static void test_canceled_event_creates_a_canceled_row_that_is_not_booked(void **state)
{
    (void)state;
    row r = {0};
    calsync_event_view v;
    canceled(&v, URI_A, EVENT_A, T(150), "Sick");
    v.updated_at = T(151);
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_int_equal(r.f.booked, 0);
    assert_int_equal(r.f.canceled, 1);
    assert_true(r.f.cancel_at == T(150));
    assert_true(str_is(r.f.cancel_reason, "Sick") && str_is(r.f.canceler_type, "invitee"));
    assert_int_equal(r.f.reschedule_canceled, 0);
    assert_int_equal(o.new_status, CALSYNC_STATUS_CANCELED);
    assert_int_equal(o.notes, 0);
}

static void test_cancel_without_a_cancellation_time_uses_updated_at(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    support_state_view(&v, CALSYNC_EVENT_REST_INVITEE, URI_A, EVENT_A, T(170), T(0));
    v.status = CALSYNC_INVITEE_CANCELED;
    calsync_outcome o = apply_ev(&r, &v, T(500));
    assert_true(r.f.cancel_at == T(170));
    assert_null(r.f.cancel_reason.ptr);
    assert_int_equal(o.old_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_CANCELED);
}

static void test_no_show_created_marks_the_invitee_no_show(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(300), NO_SHOW_1);
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_int_equal(r.f.noshow, CALSYNC_NOSHOW_PRESENT);
    assert_true(r.f.noshow_at == T(300));
    assert_true(str_is(r.f.noshow_uri, NO_SHOW_1));
    assert_int_equal(o.old_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_NO_SHOW);
    assert_int_equal(o.notes, 0); /* the coach never marked: not an echo */
    assert_int_equal(calsync_state_current_mark(&r.f), CALSYNC_MARK_NO_SHOW);

    /* Without its own created_at, the no-show takes the envelope's time. */
    row r2 = booked_row();
    no_show_created(&v, URI_A, T(100), T(310), NO_SHOW_1);
    v.no_show_created_at = CALSYNC_TIME_NONE;
    apply_ev(&r2, &v, T(0));
    assert_true(r2.f.noshow_at == T(310));
}

static void test_no_show_then_deleted_gives_scheduled_and_drops_the_uri(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(300), NO_SHOW_1);
    apply_ev(&r, &v, T(0));
    no_show_deleted(&v, URI_A, T(100), T(400));
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_int_equal(r.f.noshow, CALSYNC_NOSHOW_DELETED);
    assert_true(r.f.noshow_at == T(400));
    assert_null(r.f.noshow_uri.ptr);
    assert_int_equal(o.old_status, CALSYNC_STATUS_NO_SHOW);
    assert_int_equal(o.new_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(o.notes, 0);
}

static void test_rest_invitee_without_no_show_clears_an_earlier_calendly_no_show(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(300), NO_SHOW_1);
    apply_ev(&r, &v, T(0));

    /* A REST answer observed before the no-show does not clear it. */
    support_state_view(&v, CALSYNC_EVENT_REST_INVITEE, URI_A, EVENT_A, T(100), T(0));
    calsync_outcome o = apply_ev(&r, &v, T(250));
    assert_int_equal(o.new_status, CALSYNC_STATUS_NO_SHOW);
    assert_true(r.f.noshow_absent_seen_at == T(250));

    o = apply_ev(&r, &v, T(500));
    assert_true(r.f.noshow_absent_seen_at == T(500));
    assert_true(o.changed == BIT(CALSYNC_F_NOSHOW_ABSENT_SEEN_AT));
    assert_int_equal(o.old_status, CALSYNC_STATUS_NO_SHOW);
    assert_int_equal(o.new_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(r.f.noshow, CALSYNC_NOSHOW_PRESENT); /* the fact stays; it is outdated */
}

static void test_rest_invitee_with_no_show_reports_it_present(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    support_state_view(&v, CALSYNC_EVENT_REST_INVITEE, URI_A, EVENT_A, T(100), T(0));
    v.has_no_show = 1;
    v.no_show_uri = support_state_str(NO_SHOW_2);
    v.no_show_created_at = T(320);
    calsync_outcome o = apply_ev(&r, &v, T(900));
    assert_int_equal(o.new_status, CALSYNC_STATUS_NO_SHOW);
    assert_true(str_is(r.f.noshow_uri, NO_SHOW_2));
    assert_true(r.f.noshow_absent_seen_at == CALSYNC_TIME_NONE);
}

/* ---- reschedules ------------------------------------------------------------ */

static void check_rescheduled_pair(const row *a, const row *b)
{
    assert_true(a->exists && b->exists);
    assert_int_equal(a->f.reschedule_canceled, 1);
    assert_true(str_is(a->f.rescheduled_to_uri, URI_B));
    assert_true(str_is(b->f.rescheduled_from_uri, URI_A));
    assert_null(b->f.rescheduled_to_uri.ptr);
    assert_int_equal(b->f.booked, 1);
    assert_int_equal(calsync_state_derive(&a->f, NULL), CALSYNC_STATUS_RESCHEDULED);
    assert_int_equal(calsync_state_derive(&b->f, NULL), CALSYNC_STATUS_SCHEDULED);
}

static void test_reschedule_cancel_first_links_both_rows(void **state)
{
    (void)state;
    row a = booked_row(), b = {0};
    calsync_event_view cancel_a, create_b;
    reschedule_pair(&cancel_a, &create_b);
    deliver(&a, &b, &cancel_a);
    /* B's row exists already, with only its URI and the link. */
    assert_true(b.exists && str_is(b.f.invitee_uri, URI_B) &&
                str_is(b.f.rescheduled_from_uri, URI_A));
    assert_int_equal(b.f.booked, 0);
    assert_int_equal(calsync_state_derive(&a.f, NULL), CALSYNC_STATUS_RESCHEDULED);
    deliver(&a, &b, &create_b);
    check_rescheduled_pair(&a, &b);
}

static void test_reschedule_created_first_links_both_rows_identically(void **state)
{
    (void)state;
    row a1 = booked_row(), b1 = {0}, a2 = booked_row(), b2 = {0};
    calsync_event_view cancel_a, create_b;
    reschedule_pair(&cancel_a, &create_b);
    deliver(&a1, &b1, &cancel_a);
    deliver(&a1, &b1, &create_b);

    deliver(&a2, &b2, &create_b);
    /* A is rescheduled as soon as B's creation names it. */
    assert_int_equal(calsync_state_derive(&a2.f, NULL), CALSYNC_STATUS_RESCHEDULED);
    assert_int_equal(a2.f.canceled, 0);
    deliver(&a2, &b2, &cancel_a);
    check_rescheduled_pair(&a2, &b2);
    assert_true(calsync_facts_equal(&a1.f, &a2.f));
    assert_true(calsync_facts_equal(&b1.f, &b2.f));
}

static void test_peer_uri_names_the_other_end_of_a_reschedule(void **state)
{
    (void)state;
    calsync_event_view cancel_a, create_b, v;
    reschedule_pair(&cancel_a, &create_b);
    assert_true(str_is(calsync_state_peer_uri(&cancel_a), URI_B));
    assert_true(str_is(calsync_state_peer_uri(&create_b), URI_A));
    created(&v, URI_A, EVENT_A, T(1));
    assert_null(calsync_state_peer_uri(&v).ptr);
    canceled(&v, URI_A, EVENT_A, T(1), "x");
    assert_null(calsync_state_peer_uri(&v).ptr);
    v.kind = CALSYNC_EVENT_OTHER;
    v.new_invitee = support_state_str(URI_B);
    assert_null(calsync_state_peer_uri(&v).ptr);
    assert_null(calsync_state_peer_uri(NULL).ptr);

    calsync_facts out;
    calsync_error err;
    created(&v, URI_A, EVENT_A, T(1));
    assert_int_equal(calsync_state_apply_peer(&out, NULL, NULL, &v, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(err.code, CALSYNC_ERR_ARGUMENT);
}

#define URI_C "https://api.calendly.com/scheduled_events/EC/invitees/IC"

/* A -> B -> C where every delivery of A -> B was lost: B's cancellation
 * names both ends, C (newer, first) and A (older); applied to A's row, it
 * says A was rescheduled to B. */
static void test_a_canceled_reschedule_names_both_of_its_ends(void **state)
{
    (void)state;
    calsync_event_view cancel_b;
    canceled(&cancel_b, URI_B, EVENT_B, T(300), NULL);
    cancel_b.rescheduled = 1;
    cancel_b.new_invitee = support_state_str(URI_C);
    cancel_b.old_invitee = support_state_str(URI_A);
    calsync_str peers[CALSYNC_PEERS_MAX];
    assert_int_equal(calsync_state_peer_uris(&cancel_b, peers), 2);
    assert_true(str_is(peers[0], URI_C) && str_is(peers[1], URI_A));
    assert_true(str_is(calsync_state_peer_uri(&cancel_b), URI_C));

    row a = booked_row(), c = {0};
    calsync_facts before;
    calsync_outcome o;
    before_of(&a, &before);
    assert_int_equal(
        calsync_state_apply_peer_uri(&a.f, &o, &a.f, &cancel_b, support_state_str(URI_A), NULL),
        CALSYNC_OK);
    assert_true(o.changed == support_state_diff_mask(&before, &a.f));
    assert_true(str_is(a.f.rescheduled_to_uri, URI_B) && a.f.reschedule_canceled);
    assert_int_equal(o.new_status, CALSYNC_STATUS_RESCHEDULED);

    assert_int_equal(
        calsync_state_apply_peer_uri(&c.f, &o, NULL, &cancel_b, support_state_str(URI_C), NULL),
        CALSYNC_OK);
    assert_true(str_is(c.f.invitee_uri, URI_C) && str_is(c.f.rescheduled_from_uri, URI_B));
    assert_false(c.f.reschedule_canceled);

    /* A URI the event does not name is refused, and nothing is written. */
    calsync_facts out;
    calsync_error err;
    assert_int_equal(
        calsync_state_apply_peer_uri(&out, NULL, NULL, &cancel_b, support_state_str(URI_B), &err),
        CALSYNC_ERR_ARGUMENT);
    /* A view naming the same invitee as both ends has one peer. */
    cancel_b.old_invitee = support_state_str(URI_C);
    assert_int_equal(calsync_state_peer_uris(&cancel_b, peers), 1);
    /* An invitee.created names only the one it was rescheduled from. */
    calsync_event_view create_b;
    created(&create_b, URI_B, EVENT_B, T(201));
    create_b.old_invitee = support_state_str(URI_A);
    create_b.new_invitee = support_state_str(URI_C);
    assert_int_equal(calsync_state_peer_uris(&create_b, peers), 1);
    assert_true(str_is(peers[0], URI_A));
}

static void test_late_created_after_cancel_does_not_revive(void **state)
{
    (void)state;
    row r = {0};
    calsync_event_view v;
    canceled(&v, URI_A, EVENT_A, T(200), "Sick");
    apply_ev(&r, &v, T(0));
    created(&v, URI_A, EVENT_A, T(100));
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_true(o.notes & CALSYNC_NOTE_NO_REVIVE);
    assert_int_equal(o.old_status, CALSYNC_STATUS_CANCELED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_CANCELED);
    assert_int_equal(r.f.canceled, 1);
    assert_int_equal(r.f.booked, 1);            /* kept as a fact: an active invitee was seen */
    assert_true(r.f.info_updated_at == T(200)); /* the older details did not win */
    assert_true(o.notes & CALSYNC_NOTE_STALE_INFO);
}

static void test_duplicate_deliveries_change_nothing(void **state)
{
    (void)state;
    row a = {0}, b = {0};
    calsync_event_view views[6];
    created(&views[0], URI_A, EVENT_A, T(100));
    support_state_embed_sched(&views[0], T(90), T(1000));
    no_show_created(&views[1], URI_A, T(100), T(300), NO_SHOW_1);
    no_show_deleted(&views[2], URI_A, T(100), T(400));
    support_state_view(&views[3], CALSYNC_EVENT_REST_INVITEE, URI_A, EVENT_A, T(450), T(0));
    /* Each view newer than the last, so that no note is due on first sight either. */
    reschedule_pair(&views[4], &views[5]);
    views[4].updated_at = views[4].canceled_at = views[4].envelope_created_at = T(500);
    views[5].updated_at = views[5].envelope_created_at = T(501);
    for (size_t i = 0; i < 6; i++) {
        row *own = str_is(views[i].uri, URI_A) ? &a : &b;
        apply_ev(own, &views[i], T(450));
        calsync_outcome o = apply_ev(own, &views[i], T(450));
        assert_true(o.changed == 0);
        assert_int_equal(o.notes, 0);
        assert_int_equal(o.old_status, o.new_status);
        if (calsync_state_peer_uri(&views[i]).ptr != NULL) {
            row *peer = own == &a ? &b : &a;
            apply_pr(peer, &views[i]);
            o = apply_pr(peer, &views[i]);
            assert_true(o.changed == 0);
        }
    }
    calsync_outcome o;
    apply_mk(&a, CALSYNC_MARK_ATTENDED, T(600), 7);
    o = apply_mk(&a, CALSYNC_MARK_ATTENDED, T(600), 7);
    assert_true(o.changed == 0);
    assert_int_equal(o.notes, 0);
}

/* ---- marks, echoes, conflicts ------------------------------------------------ */

static void test_coach_attended_then_calendly_cancel_keeps_attended_and_flags_conflict(void **state)
{
    (void)state;
    row r = booked_row();
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(500), 7);
    calsync_event_view v;
    canceled(&v, URI_A, EVENT_A, T(600), "Oops");
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_int_equal(o.old_status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(o.old_conflict, 0);
    assert_int_equal(o.new_conflict, 1);
    assert_true(o.notes & CALSYNC_NOTE_CONFLICT);
    assert_int_equal(r.f.canceled, 1);
    assert_true(o.changed & BIT(CALSYNC_F_CANCELED));

    /* A second conflicting fact is not a new conflict. */
    canceled(&v, URI_A, EVENT_A, T(700), "Oops again");
    o = apply_ev(&r, &v, T(0));
    assert_int_equal(o.old_conflict, 1);
    assert_false(o.notes & CALSYNC_NOTE_CONFLICT);
}

static void test_calendly_no_show_then_later_coach_attended_gives_attended(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(300), NO_SHOW_1);
    apply_ev(&r, &v, T(0));
    calsync_outcome o = apply_mk(&r, CALSYNC_MARK_ATTENDED, T(400), 7);
    assert_int_equal(o.old_status, CALSYNC_STATUS_NO_SHOW);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(o.notes, 0);
    assert_true(o.changed == (BIT(CALSYNC_F_COACH_MARK) | BIT(CALSYNC_F_COACH_MARK_AT) |
                              BIT(CALSYNC_F_COACH_MARK_BY)));
}

static void test_coach_no_show_then_calendly_echo_changes_only_noshow_fields(void **state)
{
    (void)state;
    row r = booked_row();
    apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(400), 7);
    calsync_event_view v;
    /* The two-way sync made this no-show after the coach's mark. */
    no_show_created(&v, URI_A, T(100), T(401), NO_SHOW_1);
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_int_equal(o.old_status, CALSYNC_STATUS_NO_SHOW);
    assert_int_equal(o.new_status, CALSYNC_STATUS_NO_SHOW);
    assert_int_equal(o.notes, CALSYNC_NOTE_ECHO);
    /* The no-show register, plus the version of the (unchanged) invitee
     * details: the delivery is newer, its content the same. */
    assert_true(o.changed == (BIT(CALSYNC_F_NOSHOW) | BIT(CALSYNC_F_NOSHOW_AT) |
                              BIT(CALSYNC_F_NOSHOW_URI) | BIT(CALSYNC_F_INFO_ENVELOPE_AT)));
    assert_true(str_is(r.f.noshow_uri, NO_SHOW_1));
    assert_int_equal(r.f.coach_mark, CALSYNC_MARK_NO_SHOW);
}

static void test_coach_attended_then_calendly_unmark_echo_keeps_attended(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(300), NO_SHOW_1);
    apply_ev(&r, &v, T(0));
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(400), 7);
    no_show_deleted(&v, URI_A, T(100), T(401));
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_int_equal(o.old_status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(o.notes, CALSYNC_NOTE_ECHO);
    assert_int_equal(r.f.noshow, CALSYNC_NOSHOW_DELETED);
    assert_false(o.changed & (BIT(CALSYNC_F_COACH_MARK) | BIT(CALSYNC_F_COACH_MARK_AT)));
}

static void test_stale_coach_mark_is_noted_and_changes_nothing(void **state)
{
    (void)state;
    row r = booked_row();
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(500), 7);
    calsync_outcome o = apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(450), 8);
    assert_int_equal(o.notes, CALSYNC_NOTE_STALE_MARK);
    assert_true(o.changed == 0);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
}

static void test_older_calendly_no_show_than_stored_one_is_stale(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    no_show_deleted(&v, URI_A, T(100), T(400));
    apply_ev(&r, &v, T(0));
    no_show_created(&v, URI_A, T(100), T(300), NO_SHOW_1);
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_true(o.notes & CALSYNC_NOTE_STALE_MARK);
    assert_int_equal(o.new_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(r.f.noshow, CALSYNC_NOSHOW_DELETED);
}

static void test_calendly_no_show_older_than_coach_mark_is_stale(void **state)
{
    (void)state;
    row r = booked_row();
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(500), 7);
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(300), NO_SHOW_1);
    calsync_outcome o = apply_ev(&r, &v, T(0));
    /* Kept as a fact (Calendly did say it), but the coach's later word stands. */
    assert_true(o.notes & CALSYNC_NOTE_STALE_MARK);
    assert_false(o.notes & CALSYNC_NOTE_ECHO);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(r.f.noshow, CALSYNC_NOSHOW_PRESENT);
}

static void test_coach_no_show_older_than_calendly_unmark_is_stale(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    no_show_deleted(&v, URI_A, T(100), T(400));
    apply_ev(&r, &v, T(0));
    calsync_outcome o = apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(300), 7);
    assert_int_equal(o.notes, CALSYNC_NOTE_STALE_MARK);
    assert_int_equal(o.new_status, CALSYNC_STATUS_SCHEDULED);
    /* An older "attended" still shows through an unmark: not stale. */
    o = apply_mk(&r, CALSYNC_MARK_ATTENDED, T(350), 7);
    assert_int_equal(o.notes, 0);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
}

static void test_coach_clear_returns_to_the_booking_status(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_event_view v;
    canceled(&v, URI_A, EVENT_A, T(200), "Sick");
    apply_ev(&r, &v, T(0));
    calsync_outcome o = apply_mk(&r, CALSYNC_MARK_ATTENDED, T(300), 7);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
    assert_true(o.notes & CALSYNC_NOTE_CONFLICT);
    o = apply_mk(&r, CALSYNC_MARK_NONE, T(400), 7);
    assert_int_equal(o.old_status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_CANCELED);
    assert_int_equal(o.new_conflict, 0);
}

static void test_equal_time_coach_marks_merge_the_same_in_either_order(void **state)
{
    (void)state;
    row r1 = booked_row(), r2 = booked_row();
    apply_mk(&r1, CALSYNC_MARK_ATTENDED, T(500), 7);
    apply_mk(&r1, CALSYNC_MARK_NO_SHOW, T(500), 8);
    apply_mk(&r2, CALSYNC_MARK_NO_SHOW, T(500), 8);
    apply_mk(&r2, CALSYNC_MARK_ATTENDED, T(500), 7);
    assert_true(calsync_facts_equal(&r1.f, &r2.f));
    assert_int_equal(r1.f.coach_mark, CALSYNC_MARK_NO_SHOW);
}

static void test_rescheduled_mark_agrees_with_a_reschedule_but_not_with_a_plain_cancel(void **state)
{
    (void)state;
    row a = booked_row(), b = {0};
    calsync_event_view cancel_a, create_b, v;
    reschedule_pair(&cancel_a, &create_b);
    deliver(&a, &b, &cancel_a);
    calsync_outcome o = apply_mk(&a, CALSYNC_MARK_RESCHEDULED, T(300), 7);
    assert_int_equal(o.new_status, CALSYNC_STATUS_RESCHEDULED);
    assert_int_equal(o.new_conflict, 0);
    o = apply_mk(&a, CALSYNC_MARK_ATTENDED, T(310), 7);
    assert_int_equal(o.new_conflict, 1);

    row c = booked_row();
    canceled(&v, URI_A, EVENT_A, T(200), "Sick");
    apply_ev(&c, &v, T(0));
    o = apply_mk(&c, CALSYNC_MARK_RESCHEDULED, T(300), 7);
    assert_int_equal(o.new_status, CALSYNC_STATUS_RESCHEDULED);
    assert_int_equal(o.new_conflict, 1);
    assert_true(o.notes & CALSYNC_NOTE_CONFLICT);
}

static void test_older_invitee_details_are_noted_and_not_applied(void **state)
{
    (void)state;
    row r = {0};
    calsync_event_view v;
    support_state_view(&v, CALSYNC_EVENT_REST_INVITEE, URI_A, EVENT_A, T(500), T(0));
    v.name = support_state_str("Ana R.");
    apply_ev(&r, &v, T(600));
    created(&v, URI_A, EVENT_A, T(100));
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_true(o.notes & CALSYNC_NOTE_STALE_INFO);
    assert_true(str_is(r.f.name, "Ana R."));
    assert_true(o.changed == 0); /* booked was already known from the REST answer */
}

/* ---- scheduled events ---------------------------------------------------------- */

static void rest_sched(calsync_scheduled_event *se, const char *uri, int64_t updated_at)
{
    calsync_event_view holder;
    support_state_view(&holder, CALSYNC_EVENT_REST_INVITEE, URI_A, uri, T(1), T(0));
    support_state_embed_sched(&holder, updated_at, T(2000));
    *se = holder.scheduled_event;
    se->join_url = support_state_str("https://zoom.us/j/1");
}

static void test_apply_sched_fills_event_details_and_notes_older_ones(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_scheduled_event se;
    rest_sched(&se, EVENT_A, T(50));
    calsync_outcome o = apply_sc(&r, &se);
    assert_true(r.f.start_at == T(2000) && str_is(r.f.join_url, "https://zoom.us/j/1"));
    assert_true(str_is(r.f.host_name, "Coach Lee") && str_is(r.f.event_name, "Coaching session"));
    assert_int_equal(o.notes, 0);
    assert_true(o.changed & BIT(CALSYNC_F_SCHED_UPDATED_AT));

    rest_sched(&se, EVENT_A, T(40));
    se.start_time = T(9999);
    o = apply_sc(&r, &se);
    assert_int_equal(o.notes, CALSYNC_NOTE_STALE_INFO);
    assert_true(o.changed == 0);
    assert_true(r.f.start_at == T(2000));
}

static void test_apply_sched_keeps_every_host_email_with_the_newer_event(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_scheduled_event se;
    rest_sched(&se, EVENT_A, T(50));
    se.nhosts = 2;
    se.hosts[1].email = support_state_str("ko@example.org");
    se.host_emails = support_state_str("coach@example.org\nko@example.org");
    calsync_outcome o = apply_sc(&r, &se);
    assert_true(str_is(r.f.host_emails, "coach@example.org\nko@example.org"));
    assert_true(str_is(r.f.host_email, "coach@example.org")); /* the first host, as before */
    assert_true(o.changed & BIT(CALSYNC_F_HOST_EMAILS));

    /* An older event with one host changes nothing. */
    rest_sched(&se, EVENT_A, T(40));
    o = apply_sc(&r, &se);
    assert_int_equal(o.notes, CALSYNC_NOTE_STALE_INFO);
    assert_false(o.changed & BIT(CALSYNC_F_HOST_EMAILS));
    assert_true(str_is(r.f.host_emails, "coach@example.org\nko@example.org"));

    /* A newer one where the co-host left: the list follows it. */
    rest_sched(&se, EVENT_A, T(60));
    o = apply_sc(&r, &se);
    assert_true(o.changed & BIT(CALSYNC_F_HOST_EMAILS));
    assert_true(str_is(r.f.host_emails, "coach@example.org"));

    /* At one updated_at the content decides, whichever arrives first. */
    row x = booked_row(), y = booked_row();
    calsync_scheduled_event one, two;
    rest_sched(&one, EVENT_A, T(70));
    rest_sched(&two, EVENT_A, T(70));
    two.host_emails = support_state_str("coach@example.org\nko@example.org");
    apply_sc(&x, &one);
    apply_sc(&x, &two);
    apply_sc(&y, &two);
    apply_sc(&y, &one);
    assert_true(calsync_facts_equal(&x.f, &y.f));
    assert_true(str_is(x.f.host_emails, "coach@example.org\nko@example.org"));
}

static void test_apply_sched_takes_the_event_uri_of_a_row_without_one(void **state)
{
    (void)state;
    row a = booked_row(), b = {0};
    calsync_event_view cancel_a, create_b;
    reschedule_pair(&cancel_a, &create_b);
    deliver(&a, &b, &cancel_a); /* b: only its URI and the link */
    assert_null(b.f.event_uri.ptr);
    calsync_scheduled_event se;
    rest_sched(&se, EVENT_B, T(50));
    calsync_outcome o = apply_sc(&b, &se);
    assert_true(str_is(b.f.event_uri, EVENT_B));
    assert_true(o.changed & BIT(CALSYNC_F_EVENT_URI));
}

/* ---- errors -------------------------------------------------------------------- */

static void test_mismatched_invitees_and_events_are_errors(void **state)
{
    (void)state;
    row a = booked_row();
    calsync_facts out, before = a.f;
    calsync_outcome o;
    calsync_error err;
    calsync_event_view v;
    created(&v, URI_B, EVENT_B, T(100));
    calsync_facts_init(&out);
    assert_int_equal(calsync_state_apply_event(&out, &o, &a.f, &v, T(0), &err),
                     CALSYNC_ERR_MISMATCH);
    assert_int_equal(err.code, CALSYNC_ERR_MISMATCH);
    assert_non_null(strstr(err.message, URI_B));
    assert_null(out.invitee_uri.ptr);

    /* In place: a refused event leaves the stored facts as they were. */
    assert_int_equal(calsync_state_apply_event(&a.f, &o, &a.f, &v, T(0), &err),
                     CALSYNC_ERR_MISMATCH);
    assert_true(calsync_facts_equal(&a.f, &before));

    row b = {0};
    apply_ev(&b, &v, T(0));
    assert_int_equal(calsync_state_merge(&out, &a.f, &b.f, &err), CALSYNC_ERR_MISMATCH);
    assert_int_equal(err.code, CALSYNC_ERR_MISMATCH);

    /* B's creation names A as its peer: applying it to B's row is a mismatch. */
    calsync_event_view cancel_a, create_b;
    reschedule_pair(&cancel_a, &create_b);
    assert_int_equal(calsync_state_apply_peer(&out, &o, &b.f, &create_b, &err),
                     CALSYNC_ERR_MISMATCH);

    calsync_scheduled_event se;
    rest_sched(&se, EVENT_B, T(50));
    assert_int_equal(calsync_state_apply_sched(&out, &o, &a.f, &se, &err), CALSYNC_ERR_MISMATCH);
    assert_int_equal(err.code, CALSYNC_ERR_MISMATCH);
    assert_non_null(strstr(err.message, "event_uri"));
}

static void test_invalid_arguments_are_refused(void **state)
{
    (void)state;
    row a = booked_row();
    calsync_facts out;
    calsync_outcome o;
    calsync_error err;
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));

    v.kind = CALSYNC_EVENT_OTHER;
    assert_int_equal(calsync_state_apply_event(&out, &o, NULL, &v, T(0), &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(err.code, CALSYNC_ERR_ARGUMENT);
    v.kind = CALSYNC_EVENT_INVITEE_CREATED;
    v.uri = support_state_str(NULL);
    assert_int_equal(calsync_state_apply_event(&out, &o, NULL, &v, T(0), &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_apply_event(&out, &o, NULL, NULL, T(0), &err),
                     CALSYNC_ERR_ARGUMENT);
    created(&v, URI_A, EVENT_A, T(100));
    assert_int_equal(calsync_state_apply_event(NULL, &o, NULL, &v, T(0), &err),
                     CALSYNC_ERR_ARGUMENT);

    calsync_mark m = {CALSYNC_MARK_ATTENDED, T(5), 1};
    assert_int_equal(calsync_state_apply_mark(&out, &o, NULL, &m, &err), CALSYNC_ERR_ARGUMENT);
    m.value = (calsync_mark_value)9;
    assert_int_equal(calsync_state_apply_mark(&out, &o, &a.f, &m, &err), CALSYNC_ERR_ARGUMENT);
    m.value = CALSYNC_MARK_ATTENDED;
    m.at = CALSYNC_TIME_NONE;
    assert_int_equal(calsync_state_apply_mark(&out, &o, &a.f, &m, &err), CALSYNC_ERR_ARGUMENT);

    calsync_scheduled_event se;
    rest_sched(&se, EVENT_A, T(50));
    se.present = 0;
    assert_int_equal(calsync_state_apply_sched(&out, &o, &a.f, &se, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_apply_sched(&out, &o, &a.f, NULL, &err), CALSYNC_ERR_ARGUMENT);

    assert_int_equal(calsync_state_merge(&out, NULL, &a.f, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_merge(NULL, &a.f, &a.f, NULL), CALSYNC_ERR_ARGUMENT);
}

static void test_null_stored_counts_as_empty_facts(void **state)
{
    (void)state;
    calsync_event_view v;
    canceled(&v, URI_A, EVENT_A, T(200), "Sick");
    support_state_embed_sched(&v, T(10), T(1000));
    calsync_facts empty, out1, out2;
    calsync_outcome o1, o2;
    calsync_facts_init(&empty);
    assert_int_equal(calsync_state_apply_event(&out1, &o1, NULL, &v, T(0), NULL), CALSYNC_OK);
    assert_int_equal(calsync_state_apply_event(&out2, &o2, &empty, &v, T(0), NULL), CALSYNC_OK);
    assert_true(calsync_facts_equal(&out1, &out2));
    assert_true(o1.changed == o2.changed && o1.notes == o2.notes);
    assert_int_equal(o1.old_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(o1.new_status, o2.new_status);
    /* The outcome is optional. */
    assert_int_equal(calsync_state_apply_event(&out2, NULL, NULL, &v, T(0), NULL), CALSYNC_OK);
    assert_true(calsync_facts_equal(&out1, &out2));
}

/* ---- the join ------------------------------------------------------------------ */

static void test_merge_follows_the_rule_of_each_field_group(void **state)
{
    (void)state;
    calsync_facts a, b, out;
    calsync_facts_init(&a);
    calsync_facts_init(&b);
    a.invitee_uri = support_state_str(URI_A);
    a.booked = 1;
    b.canceled = 1;
    a.cancel_at = b.cancel_at = T(5);
    a.cancel_reason = support_state_str("alpha");
    b.cancel_reason = support_state_str("beta");
    a.rescheduled_to_uri = support_state_str("https://x/2");
    b.rescheduled_to_uri = support_state_str("https://x/1");
    b.rescheduled_from_uri = support_state_str("https://x/0");
    a.noshow_absent_seen_at = T(9);
    b.noshow_absent_seen_at = T(3);
    a.info_updated_at = b.info_updated_at = T(7);
    a.name = support_state_str("Zed");
    b.name = support_state_str("Amy");
    b.sched_updated_at = T(1);
    b.start_at = T(100);
    assert_int_equal(calsync_state_merge(&out, &a, &b, NULL), CALSYNC_OK);
    assert_true(str_is(out.invitee_uri, URI_A));
    assert_true(out.booked && out.canceled);
    assert_true(str_is(out.cancel_reason, "beta"));             /* greatest details */
    assert_true(str_is(out.rescheduled_to_uri, "https://x/1")); /* least URI */
    assert_true(str_is(out.rescheduled_from_uri, "https://x/0"));
    assert_true(out.noshow_absent_seen_at == T(9)); /* max */
    assert_true(str_is(out.name, "Zed"));           /* equal versions: by content */
    assert_true(out.start_at == T(100));
    calsync_facts back;
    assert_int_equal(calsync_state_merge(&back, &b, &a, NULL), CALSYNC_OK);
    assert_true(calsync_facts_equal(&out, &back));
    assert_int_equal(calsync_state_merge(&back, &out, &out, NULL), CALSYNC_OK);
    assert_true(calsync_facts_equal(&out, &back));
    assert_false(calsync_facts_equal(&out, &a));
    assert_true(calsync_facts_equal(NULL, NULL));
    assert_false(calsync_facts_equal(&a, NULL));
}

static void test_every_field_reports_its_changed_bit(void **state)
{
    (void)state;
    row a = {0}, b = {0};
    uint64_t seen = 0;
    calsync_event_view v;

    created(&v, URI_A, EVENT_A, T(100));
    v.envelope_created_at = T(101);
    v.old_invitee = support_state_str("https://api.calendly.com/scheduled_events/E0/invitees/I0");
    support_state_embed_sched(&v, T(90), T(1000));
    v.scheduled_event.join_url = support_state_str("https://zoom.us/j/1");
    seen |= apply_ev(&a, &v, T(0)).changed;

    canceled(&v, URI_A, EVENT_A, T(200), "Moved");
    v.rescheduled = 1;
    v.new_invitee = support_state_str(URI_B);
    seen |= apply_ev(&a, &v, T(0)).changed;
    (void)apply_pr(&b, &v);

    seen |= apply_mk(&a, CALSYNC_MARK_RESCHEDULED, T(300), 7).changed;
    no_show_created(&v, URI_A, T(200), T(310), NO_SHOW_1);
    seen |= apply_ev(&a, &v, T(0)).changed;
    support_state_view(&v, CALSYNC_EVENT_REST_INVITEE, URI_A, EVENT_A, T(200), T(0));
    seen |= apply_ev(&a, &v, T(900)).changed;
    seen |= apply_er(&a, T(950)).changed;

    /* A hand entry, on a row of its own: the entry's two fields. */
    calsync_manual m = {T(1000), T(2000), T(960), 7};
    calsync_facts hand;
    calsync_outcome o;
    assert_int_equal(calsync_state_apply_manual(&hand, &o, NULL, &m, NULL), CALSYNC_OK);
    seen |= o.changed;

    for (int f = 0; f < CALSYNC_F_COUNT; f++)
        if (!(seen & BIT(f)))
            fail_msg("no apply reported a change of %s", calsync_field_name((calsync_field)f));
    assert_true(seen == ALL_FIELDS);
}

/* ---- privacy erasure ---------------------------------------------------------- */

/* Every personal fact of the invitee is absent (host_email / host_name are the coach's). */
static void assert_no_personal_facts(const calsync_facts *f)
{
    assert_null(f->email.ptr);
    assert_null(f->name.ptr);
    assert_null(f->timezone.ptr);
    assert_null(f->cancel_url.ptr);
    assert_null(f->reschedule_url.ptr);
    assert_null(f->cancel_reason.ptr);
    assert_null(f->canceled_by.ptr);
}

/* Only the personal fields and erased_at may differ. */
static void assert_same_but_personal(const calsync_facts *a, const calsync_facts *b)
{
    uint64_t d = support_state_diff_mask(a, b);
    if (d & ~(CALSYNC_PERSONAL_FIELDS | BIT(CALSYNC_F_ERASED_AT)))
        fail_msg("non-personal field %s differs",
                 calsync_field_name((calsync_field)support_state_first_diff(a, b)));
}

/* A row booked with an embedded event, then canceled by the invitee with a reason. */
static row canceled_row(void)
{
    row r = {0};
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));
    support_state_embed_sched(&v, T(90), T(1000));
    apply_ev(&r, &v, T(0));
    canceled(&v, URI_A, EVENT_A, T(200), "Sick");
    apply_ev(&r, &v, T(0));
    return r;
}

static void test_erasure_empties_the_personal_facts_and_reports_them(void **state)
{
    (void)state;
    row r = canceled_row();
    calsync_facts before = r.f;
    assert_non_null(r.f.canceled_by.ptr);
    calsync_outcome o = apply_er(&r, T(500));
    assert_true(r.f.erased_at == T(500));
    assert_no_personal_facts(&r.f);
    /* Exactly the personal facts it held, and the erasure itself. */
    assert_true(o.changed == (CALSYNC_PERSONAL_FIELDS | BIT(CALSYNC_F_ERASED_AT)));
    assert_same_but_personal(&before, &r.f);
    assert_true(str_is(r.f.host_email, "coach@example.org") && str_is(r.f.host_name, "Coach Lee"));
    assert_true(str_is(r.f.canceler_type, "invitee") && r.f.cancel_at == T(200));
    assert_int_equal(o.old_status, CALSYNC_STATUS_CANCELED);
    assert_int_equal(o.new_status, CALSYNC_STATUS_CANCELED);
    assert_int_equal(o.notes, 0);

    /* Erasing again changes nothing; an earlier erasure only moves the time. */
    o = apply_er(&r, T(600));
    assert_true(o.changed == 0 && r.f.erased_at == T(500));
    o = apply_er(&r, T(400));
    assert_true(o.changed == BIT(CALSYNC_F_ERASED_AT) && r.f.erased_at == T(400));
    o = apply_er(&r, T(-5)); /* any time but CALSYNC_TIME_NONE */
    assert_true(r.f.erased_at == T(-5));
}

static void test_late_events_for_an_erased_invitee_do_not_restore_personal_facts(void **state)
{
    (void)state;
    row r = booked_row();
    apply_er(&r, T(150));

    /* A late invitee.created with newer details: the details merge, not the person. */
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(300));
    support_state_embed_sched(&v, T(300), T(2000));
    calsync_outcome o = apply_ev(&r, &v, T(0));
    assert_no_personal_facts(&r.f);
    assert_true(r.f.info_updated_at == T(300) && r.f.start_at == T(2000));
    assert_false(o.changed & CALSYNC_PERSONAL_FIELDS);
    assert_int_equal(o.new_status, CALSYNC_STATUS_SCHEDULED);

    /* A host cancel: the cancel applies, its reason and author do not. */
    canceled(&v, URI_A, EVENT_A, T(400), "Coach is ill");
    v.canceled_by = support_state_str("Coach Lee");
    v.canceler_type = support_state_str("host");
    o = apply_ev(&r, &v, T(0));
    assert_no_personal_facts(&r.f);
    assert_true(r.f.canceled && r.f.cancel_at == T(400) && str_is(r.f.canceler_type, "host"));
    assert_false(o.changed & CALSYNC_PERSONAL_FIELDS);
    assert_int_equal(o.new_status, CALSYNC_STATUS_CANCELED);

    /* Calendly's no-show button and the coach's mark still count. */
    no_show_created(&v, URI_A, T(400), T(450), NO_SHOW_1);
    o = apply_ev(&r, &v, T(0));
    assert_no_personal_facts(&r.f);
    assert_true(str_is(r.f.noshow_uri, NO_SHOW_1));
    assert_int_equal(o.new_status, CALSYNC_STATUS_NO_SHOW);
    o = apply_mk(&r, CALSYNC_MARK_ATTENDED, T(460), 7);
    assert_no_personal_facts(&r.f);
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);

    /* A REST invitee (back-fill), newest of all, with every detail. */
    support_state_view(&v, CALSYNC_EVENT_REST_INVITEE, URI_A, EVENT_A, T(500), T(0));
    v.status = CALSYNC_INVITEE_CANCELED;
    v.has_cancellation = 1;
    v.canceled_at = T(400);
    v.cancel_reason = support_state_str("Coach is ill");
    v.canceled_by = support_state_str("Coach Lee");
    v.canceler_type = support_state_str("host");
    o = apply_ev(&r, &v, T(900));
    assert_no_personal_facts(&r.f);
    assert_false(o.changed & CALSYNC_PERSONAL_FIELDS);
    assert_true(r.f.info_updated_at == T(500) && r.f.noshow_absent_seen_at == T(900));
    assert_int_equal(o.new_status, CALSYNC_STATUS_ATTENDED);
    assert_true(r.f.erased_at == T(150));
}

static void test_peer_and_sched_on_an_erased_row_keep_it_erased(void **state)
{
    (void)state;
    row a = booked_row(), b = {0};
    apply_er(&a, T(150));
    calsync_event_view cancel_a, create_b;
    reschedule_pair(&cancel_a, &create_b);
    /* B's invitee.created names A as its old end: A's row gets the link only. */
    calsync_outcome o = apply_pr(&a, &create_b);
    assert_true(str_is(a.f.rescheduled_to_uri, URI_B) && a.f.reschedule_canceled);
    assert_no_personal_facts(&a.f);
    assert_int_equal(o.new_status, CALSYNC_STATUS_RESCHEDULED);
    /* A's cancel: its reason and canceled_by stay out. */
    apply_ev(&a, &cancel_a, T(0));
    assert_no_personal_facts(&a.f);
    /* B is another invitee: a booking after the erasure is new data. */
    apply_ev(&b, &create_b, T(0));
    assert_true(str_is(b.f.email, "ana@example.org") && b.f.erased_at == CALSYNC_TIME_NONE);

    calsync_scheduled_event se;
    rest_sched(&se, EVENT_A, T(300));
    o = apply_sc(&a, &se);
    assert_no_personal_facts(&a.f);
    assert_true(a.f.start_at == T(2000) && str_is(a.f.host_email, "coach@example.org"));
    assert_false(o.changed & CALSYNC_PERSONAL_FIELDS);
}

/* Facts that say "erased" but still hold personal values (a row the eraser
 * tombstoned without emptying, or a caller's hand-made facts): every entry
 * point answers without them and reports them as changed. */
static void test_every_entry_point_empties_a_tombstoned_row(void **state)
{
    (void)state;
    row base = canceled_row();
    base.f.erased_at = T(150);
    calsync_facts out;
    calsync_outcome o;
    calsync_error err;
    uint64_t held = support_state_diff_mask(&base.f, &(calsync_facts){0}) & CALSYNC_PERSONAL_FIELDS;
    assert_true(held == CALSYNC_PERSONAL_FIELDS);

    calsync_event_view v;
    no_show_created(&v, URI_A, T(200), T(450), NO_SHOW_1);
    assert_int_equal(calsync_state_apply_event(&out, &o, &base.f, &v, T(0), &err), CALSYNC_OK);
    assert_no_personal_facts(&out);
    assert_true((o.changed & CALSYNC_PERSONAL_FIELDS) == CALSYNC_PERSONAL_FIELDS);

    calsync_event_view cancel_a, create_b;
    reschedule_pair(&cancel_a, &create_b);
    assert_int_equal(calsync_state_apply_peer(&out, &o, &base.f, &create_b, &err), CALSYNC_OK);
    assert_no_personal_facts(&out);
    assert_true((o.changed & CALSYNC_PERSONAL_FIELDS) == CALSYNC_PERSONAL_FIELDS);

    calsync_scheduled_event se;
    rest_sched(&se, EVENT_A, T(50));
    assert_int_equal(calsync_state_apply_sched(&out, &o, &base.f, &se, &err), CALSYNC_OK);
    assert_no_personal_facts(&out);

    calsync_mark m = {CALSYNC_MARK_ATTENDED, T(460), 7};
    assert_int_equal(calsync_state_apply_mark(&out, &o, &base.f, &m, &err), CALSYNC_OK);
    assert_no_personal_facts(&out);
    assert_true((o.changed & CALSYNC_PERSONAL_FIELDS) == CALSYNC_PERSONAL_FIELDS);

    assert_int_equal(calsync_state_apply_erasure(&out, &o, &base.f, T(150), &err), CALSYNC_OK);
    assert_no_personal_facts(&out);
    assert_true(o.changed == CALSYNC_PERSONAL_FIELDS);

    calsync_facts empty;
    calsync_facts_init(&empty);
    assert_int_equal(calsync_state_merge(&out, &empty, &base.f, &err), CALSYNC_OK);
    assert_no_personal_facts(&out);
    assert_true(out.erased_at == T(150));
    assert_same_but_personal(&base.f, &out);
}

/* The content tie-breaks must not pick another winner for a non-personal
 * field because one side's personal fields were emptied. */
static void test_erasure_keeps_the_content_tie_breaks_a_semilattice(void **state)
{
    (void)state;
    calsync_facts x, y, z;
    calsync_facts_init(&x);
    x.info_updated_at = T(7);
    x.cancel_at = T(5);
    y = z = x;
    /* Same versions; x's personal values sort first, its others last. */
    x.email = support_state_str("a@example.org");
    x.cancel_reason = support_state_str("a");
    x.invitee_created_at = T(5);
    x.canceler_type = support_state_str("invitee");
    y.email = support_state_str("b@example.org");
    y.cancel_reason = support_state_str("b");
    y.invitee_created_at = T(1);
    y.canceler_type = support_state_str("host");
    z.erased_at = T(9); /* erased, between the two */
    z.invitee_created_at = T(3);
    z.canceler_type = support_state_str("calendly");

    calsync_facts xy, xy_z, yz, x_yz, xz, xz_y;
    assert_int_equal(calsync_state_merge(&xy, &x, &y, NULL), CALSYNC_OK);
    assert_int_equal(calsync_state_merge(&xy_z, &xy, &z, NULL), CALSYNC_OK);
    assert_int_equal(calsync_state_merge(&yz, &y, &z, NULL), CALSYNC_OK);
    assert_int_equal(calsync_state_merge(&x_yz, &x, &yz, NULL), CALSYNC_OK);
    assert_int_equal(calsync_state_merge(&xz, &x, &z, NULL), CALSYNC_OK);
    assert_int_equal(calsync_state_merge(&xz_y, &xz, &y, NULL), CALSYNC_OK);
    assert_true(calsync_facts_equal(&xy_z, &x_yz));
    assert_true(calsync_facts_equal(&xy_z, &xz_y));
    /* The greatest non-personal values win, erased or not. */
    assert_true(xy_z.invitee_created_at == T(5));
    assert_true(str_is(xy_z.canceler_type, "invitee"));
    assert_no_personal_facts(&xy_z);
    /* Without the erasure, the same non-personal winner. */
    assert_true(xy.invitee_created_at == T(5) && str_is(xy.canceler_type, "invitee"));
    assert_true(str_is(xy.email, "a@example.org"));
}

static void test_erasure_commutes_with_the_events(void **state)
{
    (void)state;
    calsync_event_view evs[3];
    created(&evs[0], URI_A, EVENT_A, T(100));
    canceled(&evs[1], URI_A, EVENT_A, T(200), "Sick");
    no_show_created(&evs[2], URI_A, T(200), T(250), NO_SHOW_1);
    /* Erase first, last, and in between: the same facts. */
    row want = {0};
    for (int k = 0; k < 3; k++)
        apply_ev(&want, &evs[k], T(0));
    apply_er(&want, T(300));
    assert_no_personal_facts(&want.f);
    for (int at = 0; at < 3; at++) {
        row r = {0};
        for (int k = 2; k >= 0; k--) {
            apply_ev(&r, &evs[k], T(0));
            if (k == at)
                apply_er(&r, T(300));
        }
        assert_true(calsync_facts_equal(&want.f, &r.f));
    }
}

static void test_erasure_refuses_bad_arguments(void **state)
{
    (void)state;
    row a = booked_row();
    calsync_facts out;
    calsync_outcome o;
    calsync_error err;
    assert_int_equal(calsync_state_apply_erasure(&out, &o, NULL, T(5), &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(err.code, CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_apply_erasure(NULL, &o, &a.f, T(5), &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_apply_erasure(&out, &o, &a.f, CALSYNC_TIME_NONE, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "time"));
    /* The outcome and the error are optional. */
    assert_int_equal(calsync_state_apply_erasure(&out, NULL, &a.f, T(5), NULL), CALSYNC_OK);
    assert_true(out.erased_at == T(5));
}

/* ---- names of marks, no-show states, notes and actions ---------------------- */

static void test_mark_noshow_note_and_action_names_round_trip(void **state)
{
    (void)state;
    static const char *const marks[] = {"none", "attended", "no_show", "rescheduled"};
    for (int m = CALSYNC_MARK_NONE; m <= CALSYNC_MARK_RESCHEDULED; m++) {
        assert_string_equal(calsync_mark_name((calsync_mark_value)m), marks[m]);
        calsync_mark_value back = CALSYNC_MARK_NONE;
        assert_int_equal(calsync_mark_from_name(&back, marks[m], strlen(marks[m])), CALSYNC_OK);
        assert_int_equal(back, m);
    }
    assert_null(calsync_mark_name((calsync_mark_value)4));
    static const char *const noshows[] = {"unknown", "deleted", "present"};
    for (int n = CALSYNC_NOSHOW_UNKNOWN; n <= CALSYNC_NOSHOW_PRESENT; n++) {
        assert_string_equal(calsync_noshow_name((calsync_noshow_state)n), noshows[n]);
        calsync_noshow_state back = CALSYNC_NOSHOW_UNKNOWN;
        assert_int_equal(calsync_noshow_from_name(&back, noshows[n], strlen(noshows[n])),
                         CALSYNC_OK);
        assert_int_equal(back, n);
    }
    assert_null(calsync_noshow_name((calsync_noshow_state)3));
    static const struct {
        unsigned bit;
        const char *name;
    } notes[] = {{CALSYNC_NOTE_STALE_MARK, "stale_mark"},
                 {CALSYNC_NOTE_ECHO, "echo"},
                 {CALSYNC_NOTE_CONFLICT, "conflict"},
                 {CALSYNC_NOTE_NO_REVIVE, "no_revive"},
                 {CALSYNC_NOTE_STALE_INFO, "stale_info"}};
    unsigned all = 0;
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        assert_string_equal(calsync_note_name(notes[i].bit), notes[i].name);
        assert_int_equal(calsync_note_from_name(notes[i].name, strlen(notes[i].name)),
                         notes[i].bit);
        all |= notes[i].bit;
    }
    /* Every bit up to the last one has a name; nothing else does. */
    assert_int_equal(all, (CALSYNC_NOTE_LAST << 1) - 1);
    assert_null(calsync_note_name(0));
    assert_null(calsync_note_name(CALSYNC_NOTE_ECHO | CALSYNC_NOTE_CONFLICT));
    assert_null(calsync_note_name(CALSYNC_NOTE_LAST << 1));
    assert_string_equal(calsync_outbound_name(CALSYNC_OUTBOUND_CREATE_NO_SHOW), "create_no_show");
    assert_string_equal(calsync_outbound_name(CALSYNC_OUTBOUND_DELETE_NO_SHOW), "delete_no_show");
    assert_null(calsync_outbound_name((calsync_outbound_action)0));
    assert_null(calsync_outbound_name((calsync_outbound_action)3));
}

static void test_exact_names_refuse_legacy_spellings_case_and_space(void **state)
{
    (void)state;
    calsync_mark_value m = CALSYNC_MARK_ATTENDED;
    calsync_noshow_state n = CALSYNC_NOSHOW_PRESENT;
    calsync_status s = CALSYNC_STATUS_ATTENDED;
    static const char *const bad[] = {"", "Attended", "attended ", "no show", "none\0", "cleared"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = strlen(bad[i]) + (i == 4);
        assert_int_equal(calsync_mark_from_name(&m, bad[i], len), CALSYNC_ERR_INPUT);
        assert_int_equal(calsync_noshow_from_name(&n, bad[i], len), CALSYNC_ERR_INPUT);
    }
    assert_int_equal(m, CALSYNC_MARK_ATTENDED); /* untouched on failure */
    assert_int_equal(calsync_status_from_exact_name(&s, "completed", 9), CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_status_from_exact_name(&s, "Scheduled", 9), CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_status_from_exact_name(&s, " attended", 9), CALSYNC_ERR_INPUT);
    assert_int_equal(s, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(calsync_status_from_exact_name(&s, "no_show", 7), CALSYNC_OK);
    assert_int_equal(s, CALSYNC_STATUS_NO_SHOW);
    /* The length rules, not a NUL: "no_show" read as "no_sh" is no name. */
    assert_int_equal(calsync_status_from_exact_name(&s, "no_show", 5), CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_mark_from_name(NULL, "none", 4), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_mark_from_name(&m, NULL, 0), CALSYNC_ERR_INPUT);
    assert_int_equal(calsync_note_from_name(NULL, 0), 0);
    assert_int_equal(calsync_note_from_name("echo ", 5), 0);
}

/* ---- the derived fields: attendance due, needs attendance, counts alone ------ */

static row booked_with_times(int64_t start)
{
    row r = {0};
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));
    support_state_embed_sched(&v, T(100), start);
    apply_ev(&r, &v, T(0));
    return r;
}

static void test_scheduled_session_is_due_at_its_end_and_needs_attendance_after_it(void **state)
{
    (void)state;
    row r = booked_with_times(T(1000));
    int64_t end = T(1000) + T(45 * 60);
    assert_true(r.f.end_at == end);
    calsync_assessment a;
    calsync_state_assess(&a, &r.f, end - 1);
    assert_int_equal(a.status, CALSYNC_STATUS_SCHEDULED);
    assert_true(a.attendance_due_at == end);
    assert_int_equal(a.needs_attendance, 0);
    assert_int_equal(a.counts_alone, 0);
    /* end_at < now, strictly: a session ending right now is not overdue yet. */
    calsync_state_assess(&a, &r.f, end);
    assert_int_equal(a.needs_attendance, 0);
    calsync_state_assess(&a, &r.f, end + 1);
    assert_int_equal(a.needs_attendance, 1);
    assert_true(a.attendance_due_at == end);
}

static void test_a_mark_or_a_cancel_ends_the_need_for_attendance(void **state)
{
    (void)state;
    int64_t end = T(1000) + T(45 * 60);
    int64_t later = end + T(3600);
    static const struct {
        calsync_mark_value mark;
        calsync_status status;
        int counts;
    } cases[] = {
        {CALSYNC_MARK_ATTENDED, CALSYNC_STATUS_ATTENDED, 1},
        {CALSYNC_MARK_NO_SHOW, CALSYNC_STATUS_NO_SHOW, 0},
        {CALSYNC_MARK_RESCHEDULED, CALSYNC_STATUS_RESCHEDULED, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        row r = booked_with_times(T(1000));
        apply_mk(&r, cases[i].mark, later, 7);
        calsync_assessment a;
        calsync_state_assess(&a, &r.f, later);
        assert_int_equal(a.status, cases[i].status);
        assert_int_equal(a.mark, cases[i].mark);
        assert_true(a.attendance_due_at == CALSYNC_TIME_NONE);
        assert_int_equal(a.needs_attendance, 0);
        assert_int_equal(a.counts_alone, cases[i].counts);
        /* Clearing the mark makes the session due again. */
        apply_mk(&r, CALSYNC_MARK_NONE, later + 1, 7);
        calsync_state_assess(&a, &r.f, later);
        assert_true(a.attendance_due_at == end);
        assert_int_equal(a.needs_attendance, 1);
        assert_int_equal(a.counts_alone, 0);
    }
    row c = booked_with_times(T(1000));
    calsync_event_view v;
    canceled(&v, URI_A, EVENT_A, T(200), "Sick");
    apply_ev(&c, &v, T(0));
    calsync_assessment a;
    calsync_state_assess(&a, &c.f, later);
    assert_int_equal(a.status, CALSYNC_STATUS_CANCELED);
    assert_true(a.attendance_due_at == CALSYNC_TIME_NONE);
    assert_int_equal(a.needs_attendance + a.counts_alone, 0);
}

static void test_attendance_due_follows_the_stored_columns_rule_exactly(void **state)
{
    (void)state;
    calsync_assessment a;
    /* No end known (a booking whose event was not looked up yet, or a
     * legacy row with only a start): never due. */
    row r = booked_row();
    calsync_state_assess(&a, &r.f, INT64_MAX);
    assert_int_equal(a.status, CALSYNC_STATUS_SCHEDULED);
    assert_true(a.attendance_due_at == CALSYNC_TIME_NONE);
    assert_int_equal(a.needs_attendance, 0);
    r.f.start_at = T(50);
    calsync_state_assess(&a, &r.f, INT64_MAX);
    assert_true(a.attendance_due_at == CALSYNC_TIME_NONE);
    /* The SQL reads status and end_at only; so does the core, even for a
     * row that holds an end without a start (which no event produces). */
    r.f.start_at = CALSYNC_TIME_NONE;
    r.f.end_at = T(60);
    calsync_state_assess(&a, &r.f, T(61));
    assert_true(a.attendance_due_at == T(60));
    assert_int_equal(a.needs_attendance, 1);
    /* NULL facts are empty facts; the assessment agrees with derive. */
    calsync_state_assess(&a, NULL, T(1));
    assert_int_equal(a.status, CALSYNC_STATUS_SCHEDULED);
    assert_true(a.attendance_due_at == CALSYNC_TIME_NONE);
    assert_int_equal(a.conflict + a.needs_attendance + a.counts_alone, 0);
    calsync_state_assess(NULL, &r.f, T(1)); /* does nothing, does not crash */
}

static void test_an_attended_row_with_a_late_cancel_still_counts_alone(void **state)
{
    (void)state;
    row r = booked_with_times(T(1000));
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(5000), 7);
    calsync_event_view v;
    canceled(&v, URI_A, EVENT_A, T(6000), NULL);
    apply_ev(&r, &v, T(0));
    calsync_assessment a;
    calsync_state_assess(&a, &r.f, T(7000));
    assert_int_equal(a.status, CALSYNC_STATUS_ATTENDED);
    assert_int_equal(a.conflict, 1);
    assert_int_equal(a.counts_alone, 1);
    assert_true(a.attendance_due_at == CALSYNC_TIME_NONE);
}

/* ---- then: two answers as one ---------------------------------------------- */

static void test_then_keeps_the_first_old_values_and_the_second_new_ones(void **state)
{
    (void)state;
    /* Two answers about one row: its creation, and (after a mark) a cancel. */
    row r = {0};
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));
    calsync_outcome first = apply_ev(&r, &v, T(0));
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(150), 7);
    calsync_event_view c;
    canceled(&c, URI_A, EVENT_A, T(200), NULL);
    calsync_outcome second = apply_ev(&r, &c, T(0));
    assert_int_equal(first.old_status, CALSYNC_STATUS_SCHEDULED);
    assert_int_equal(second.new_conflict, 1);

    calsync_outcome both;
    calsync_error err;
    assert_int_equal(calsync_outcome_then(&both, &first, &second, &err), CALSYNC_OK);
    assert_int_equal(err.code, CALSYNC_OK);
    assert_true(both.changed == (first.changed | second.changed));
    assert_int_equal(both.old_status, first.old_status);
    assert_int_equal(both.old_conflict, first.old_conflict);
    assert_int_equal(both.new_status, second.new_status);
    assert_int_equal(both.new_conflict, second.new_conflict);
    assert_int_equal(both.notes, first.notes | second.notes);
    assert_true((both.notes & CALSYNC_NOTE_CONFLICT) != 0);

    /* out may alias either input. */
    calsync_outcome x = first;
    assert_int_equal(calsync_outcome_then(&x, &x, &second, NULL), CALSYNC_OK);
    assert_memory_equal(&x, &both, sizeof x);
    x = second;
    assert_int_equal(calsync_outcome_then(&x, &first, &x, NULL), CALSYNC_OK);
    assert_memory_equal(&x, &both, sizeof x);
    assert_int_equal(calsync_outcome_then(NULL, &first, &second, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_outcome_then(&x, NULL, &second, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_outcome_then(&x, &first, NULL, &err), CALSYNC_ERR_ARGUMENT);
}

static void test_then_of_two_steps_is_the_single_step_over_both_contributions(void **state)
{
    (void)state;
    /* Applying e1 then e2 and combining must describe the same change as
     * going from the first stored facts to the last ones. */
    row r = booked_row();
    calsync_facts start = r.f;
    calsync_outcome o1 = apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(300), 7);
    calsync_outcome o2 = apply_mk(&r, CALSYNC_MARK_ATTENDED, T(301), 8);
    calsync_outcome both;
    assert_int_equal(calsync_outcome_then(&both, &o1, &o2, NULL), CALSYNC_OK);
    int old_conflict;
    assert_int_equal(both.old_status, calsync_state_derive(&start, &old_conflict));
    assert_int_equal(both.new_status, CALSYNC_STATUS_ATTENDED);
    /* Every field that differs end to end is in the combined mask. */
    uint64_t end_to_end = support_state_diff_mask(&start, &r.f);
    assert_true((both.changed & end_to_end) == end_to_end);
}

/* ---- reschedule chains ---------------------------------------------------- */

#define CHAIN_A "https://api.calendly.com/scheduled_events/E1/invitees/A"
#define CHAIN_B "https://api.calendly.com/scheduled_events/E2/invitees/B"
#define CHAIN_C "https://api.calendly.com/scheduled_events/E3/invitees/C"
#define CHAIN_D "https://api.calendly.com/scheduled_events/E4/invitees/D"

static calsync_chain_row chain_row(const char *uri, const char *to, calsync_status status,
                                   int64_t student)
{
    calsync_chain_row r;
    r.uri = support_state_str(uri);
    r.rescheduled_to_uri = support_state_str(to);
    r.status = status;
    r.has_student = student != 0;
    r.student_id = student;
    return r;
}

#define ATT CALSYNC_STATUS_ATTENDED
#define RES CALSYNC_STATUS_RESCHEDULED
#define SCH CALSYNC_STATUS_SCHEDULED
#define NOS CALSYNC_STATUS_NO_SHOW

static void expect_counts(const calsync_chain_row *rows, size_t n, const int *want)
{
    int got[16];
    calsync_error err;
    assert_true(n <= 16);
    memset(got, 0x55, sizeof got);
    assert_int_equal(calsync_state_chain_counts(got, rows, n, &err), CALSYNC_OK);
    assert_int_equal(err.code, CALSYNC_OK);
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i])
            fail_msg("row %zu (%.*s): counts %d, want %d", i, (int)rows[i].uri.len, rows[i].uri.ptr,
                     got[i], want[i]);
    }
}

static void test_chain_counts_only_the_last_attended_row_of_a_student(void **state)
{
    (void)state;
    /* A (attended, marked before the reschedule arrived) -> B (attended). */
    calsync_chain_row rows[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_B, NULL, ATT, 5),
    };
    expect_counts(rows, 2, (const int[]){0, 1});
    /* A -> B where B is only scheduled: A still counts. */
    rows[1].status = SCH;
    expect_counts(rows, 2, (const int[]){1, 0});
    /* Statuses other than attended never count alone. */
    calsync_chain_row lone[] = {
        chain_row(CHAIN_A, NULL, SCH, 5),
        chain_row(CHAIN_B, NULL, NOS, 5),
        chain_row(CHAIN_C, NULL, RES, 5),
        chain_row(CHAIN_D, NULL, CALSYNC_STATUS_CANCELED, 5),
    };
    expect_counts(lone, 4, (const int[]){0, 0, 0, 0});
}

static void test_chain_walks_through_other_rows_to_the_same_student(void **state)
{
    (void)state;
    /* A(att, 5) -> B(no_show, 5) -> C(att, 9) -> D(att, 5): A is superseded by
     * D; C (another student) counts; D counts. */
    calsync_chain_row rows[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_B, CHAIN_C, NOS, 5),
        chain_row(CHAIN_C, CHAIN_D, ATT, 9),
        chain_row(CHAIN_D, NULL, ATT, 5),
    };
    expect_counts(rows, 4, (const int[]){0, 0, 1, 1});
    /* Another student's attended row does not supersede. */
    rows[3].student_id = 6;
    expect_counts(rows, 4, (const int[]){1, 0, 1, 1});
}

static void test_chain_stops_at_a_missing_row(void **state)
{
    (void)state;
    /* A -> B, B not given; C (given) attended same student is not reachable. */
    calsync_chain_row rows[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_C, NULL, ATT, 5),
    };
    expect_counts(rows, 2, (const int[]){1, 1});
    /* An empty link is no link. */
    rows[0].rescheduled_to_uri = support_state_str("");
    expect_counts(rows, 2, (const int[]){1, 1});
}

static void test_chain_compares_uris_without_case(void **state)
{
    (void)state;
    calsync_chain_row rows[] = {
        chain_row("https://API.calendly.com/scheduled_events/E1/invitees/A",
                  "https://api.calendly.com/SCHEDULED_EVENTS/e2/INVITEES/b", ATT, 5),
        chain_row("https://api.calendly.com/scheduled_events/E2/invitees/B", NULL, ATT, 5),
    };
    expect_counts(rows, 2, (const int[]){0, 1});
    /* A different URI (not only in case) is another row. */
    rows[1].uri = support_state_str("https://api.calendly.com/scheduled_events/E2/invitees/BB");
    expect_counts(rows, 2, (const int[]){1, 1});
}

static void test_chain_stops_at_a_loop(void **state)
{
    (void)state;
    /* A -> A: a row never supersedes itself. */
    calsync_chain_row self[] = {chain_row(CHAIN_A, CHAIN_A, ATT, 5)};
    expect_counts(self, 1, (const int[]){1});
    /* A(att) -> B(sched) -> C(sched) -> B: the walk ends, A counts. */
    calsync_chain_row loop[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_B, CHAIN_C, SCH, 5),
        chain_row(CHAIN_C, CHAIN_B, SCH, 5),
    };
    expect_counts(loop, 3, (const int[]){1, 0, 0});
    /* A(att) -> B(sched) -> A: back at the start, A counts. */
    calsync_chain_row back[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_B, CHAIN_A, SCH, 5),
    };
    expect_counts(back, 2, (const int[]){1, 0});
    /* A(att) <-> B(att), same student: each finds the other first (today's
     * rule; Calendly never makes such a loop). */
    calsync_chain_row pair[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_B, CHAIN_A, ATT, 5),
    };
    expect_counts(pair, 2, (const int[]){0, 0});
}

static void test_chain_follows_at_most_twenty_rows(void **state)
{
    (void)state;
    enum { LONG = CALSYNC_CHAIN_STEPS + 2 };
    char uris[LONG][64];
    calsync_chain_row rows[LONG];
    for (int i = 0; i < LONG; i++)
        snprintf(uris[i], sizeof uris[i], "https://api.calendly.com/x/invitees/%02d", i);
    int got[LONG];
    /* Row 0 attended, rows 1..k-1 scheduled, row k attended: row 0 is
     * superseded while k <= CALSYNC_CHAIN_STEPS. */
    for (int k = 1; k < LONG; k++) {
        for (int i = 0; i <= k; i++)
            rows[i] =
                chain_row(uris[i], i < k ? uris[i + 1] : NULL, i == 0 || i == k ? ATT : SCH, 5);
        assert_int_equal(calsync_state_chain_counts(got, rows, (size_t)k + 1, NULL), CALSYNC_OK);
        assert_int_equal(got[k], 1);
        assert_int_equal(got[0], k > CALSYNC_CHAIN_STEPS ? 1 : 0);
    }
}

static void test_chain_rows_without_a_student_never_count_or_supersede(void **state)
{
    (void)state;
    calsync_chain_row rows[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 0),
        chain_row(CHAIN_B, CHAIN_C, ATT, 0),
        chain_row(CHAIN_C, NULL, ATT, 5),
    };
    /* Unmatched rows count for nobody; C's student has no earlier row. */
    expect_counts(rows, 3, (const int[]){0, 0, 1});
    /* A student row followed by an unmatched attended row still counts. */
    calsync_chain_row rows2[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_B, NULL, ATT, 0),
    };
    expect_counts(rows2, 2, (const int[]){1, 0});
    /* Student id 0 given with has_student is a student like any other. */
    rows2[0].has_student = 1;
    rows2[0].student_id = 0;
    rows2[1].has_student = 1;
    rows2[1].student_id = 0;
    expect_counts(rows2, 2, (const int[]){0, 1});
}

static void test_chain_same_row_twice_is_one_row_and_a_contradiction_is_refused(void **state)
{
    (void)state;
    calsync_chain_row rows[] = {
        chain_row(CHAIN_A, CHAIN_B, ATT, 5),
        chain_row(CHAIN_B, NULL, ATT, 5),
        chain_row("https://api.calendly.com/scheduled_events/e1/invitees/a",
                  "https://api.calendly.com/scheduled_events/e2/invitees/b", ATT, 5),
    };
    expect_counts(rows, 3, (const int[]){0, 1, 0});
    int got[3];
    calsync_error err;
    rows[2].student_id = 6;
    assert_int_equal(calsync_state_chain_counts(got, rows, 3, &err), CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "same uri"));
    rows[2].student_id = 5;
    rows[2].status = SCH;
    assert_int_equal(calsync_state_chain_counts(got, rows, 3, &err), CALSYNC_ERR_ARGUMENT);
    rows[2].status = ATT;
    rows[2].rescheduled_to_uri = support_state_str(NULL);
    assert_int_equal(calsync_state_chain_counts(got, rows, 3, &err), CALSYNC_ERR_ARGUMENT);
}

static void test_chain_refuses_bad_arguments_and_too_many_rows(void **state)
{
    (void)state;
    int got[2];
    calsync_error err;
    calsync_chain_row rows[] = {chain_row(CHAIN_A, NULL, ATT, 5), chain_row(NULL, NULL, ATT, 5)};
    assert_int_equal(calsync_state_chain_counts(got, rows, 2, &err), CALSYNC_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "row 1"));
    rows[1].uri = support_state_str("");
    assert_int_equal(calsync_state_chain_counts(got, rows, 2, &err), CALSYNC_ERR_ARGUMENT);
    rows[1] = chain_row(CHAIN_B, NULL, (calsync_status)7, 5);
    assert_int_equal(calsync_state_chain_counts(got, rows, 2, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_chain_counts(NULL, rows, 1, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_chain_counts(got, NULL, 1, &err), CALSYNC_ERR_ARGUMENT);
    /* Nothing to judge is fine, even with NULL pointers. */
    assert_int_equal(calsync_state_chain_counts(NULL, NULL, 0, &err), CALSYNC_OK);

    size_t n = CALSYNC_CHAIN_ROWS_MAX + 1;
    calsync_chain_row *many = calloc(n, sizeof *many);
    int *counts = calloc(n, sizeof *counts);
    char(*uris)[48] = calloc(n, sizeof *uris);
    assert_non_null(many);
    assert_non_null(counts);
    assert_non_null(uris);
    for (size_t i = 0; i < n; i++)
        snprintf(uris[i], sizeof uris[i], "https://x/invitees/%zu", i);
    for (size_t i = 0; i < n; i++) {
        many[i] = chain_row(uris[i], i + 1 < n ? uris[i + 1] : NULL, ATT, (int64_t)(i % 7) + 1);
    }
    assert_int_equal(calsync_state_chain_counts(counts, many, n, &err), CALSYNC_ERR_TOO_LARGE);
    assert_int_equal(err.code, CALSYNC_ERR_TOO_LARGE);
    /* The maximum itself is accepted: a chain of 1000 rows, 7 students in
     * turn; every row but the last seven is superseded within 7 steps. */
    assert_int_equal(calsync_state_chain_counts(counts, many, n - 1, &err), CALSYNC_OK);
    size_t counting = 0;
    for (size_t i = 0; i + 1 < n; i++)
        counting += (size_t)counts[i];
    assert_int_equal(counting, 7);
    for (size_t i = n - 8; i + 1 < n; i++)
        assert_int_equal(counts[i], 1);
    free(many);
    free(counts);
    free(uris);
}

/* ---- the two-way no-show ---------------------------------------------------- */

static void expect_no_action(const calsync_facts *before, const calsync_facts *after, int two_way)
{
    calsync_outbound out[CALSYNC_OUTBOUND_MAX];
    size_t n = 99;
    assert_int_equal(calsync_state_mark_outbound(out, &n, before, after, two_way, NULL),
                     CALSYNC_OK);
    assert_int_equal(n, 0);
}

static calsync_outbound one_action(const calsync_facts *before, const calsync_facts *after)
{
    calsync_outbound out[CALSYNC_OUTBOUND_MAX];
    size_t n = 0;
    calsync_error err;
    assert_int_equal(calsync_state_mark_outbound(out, &n, before, after, 1, &err), CALSYNC_OK);
    assert_int_equal(err.code, CALSYNC_OK);
    assert_int_equal(n, 1);
    return out[0];
}

static void test_coach_no_show_asks_calendly_to_create_one_only_in_two_way_mode(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_facts before = r.f;
    apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(300), 7);
    calsync_outbound a = one_action(&before, &r.f);
    assert_int_equal(a.action, CALSYNC_OUTBOUND_CREATE_NO_SHOW);
    assert_true(str_is(a.invitee_uri, URI_A));
    assert_null(a.no_show_uri.ptr);
    expect_no_action(&before, &r.f, 0);
    /* No invitee URI (a hand-entered session): nothing to tell Calendly. */
    calsync_facts no_uri = r.f, no_uri_before = before;
    no_uri.invitee_uri = support_state_str(NULL);
    no_uri_before.invitee_uri = support_state_str(NULL);
    expect_no_action(&no_uri_before, &no_uri, 1);
    no_uri.invitee_uri = support_state_str("");
    expect_no_action(&no_uri_before, &no_uri, 1);
    /* The same no-show again: no change of the mark, nothing to send. */
    calsync_facts again_before = r.f;
    apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(301), 8);
    expect_no_action(&again_before, &r.f, 1);
}

static void test_coach_no_show_after_calendly_reported_one_creates_nothing(void **state)
{
    (void)state;
    /* Calendly's no-show, deleted later (its URI goes), then the coach's
     * no-show: Calendly does not have one, so it is created. */
    row r = booked_row();
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(150), NO_SHOW_1);
    apply_ev(&r, &v, T(0));
    calsync_facts marked_in_calendly = r.f;
    /* The coach agrees later: the mark was already no_show: nothing. */
    apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(300), 7);
    expect_no_action(&marked_in_calendly, &r.f, 1);
    /* A coach no-show while a URI is known (the current mark was attended
     * over an older Calendly no-show): Calendly already has it. */
    row s = booked_row();
    apply_ev(&s, &v, T(0));
    apply_mk(&s, CALSYNC_MARK_ATTENDED, T(200), 7);
    calsync_facts before = s.f;
    apply_mk(&s, CALSYNC_MARK_NO_SHOW, T(300), 7);
    assert_int_equal(calsync_state_current_mark(&before), CALSYNC_MARK_ATTENDED);
    assert_int_equal(calsync_state_current_mark(&s.f), CALSYNC_MARK_NO_SHOW);
    expect_no_action(&before, &s.f, 1);
}

static void test_clearing_a_no_show_asks_calendly_to_delete_it(void **state)
{
    (void)state;
    /* Known URI: the coach's no-show was echoed by Calendly. */
    row r = booked_row();
    apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(300), 7);
    calsync_event_view v;
    no_show_created(&v, URI_A, T(100), T(301), NO_SHOW_1);
    apply_ev(&r, &v, T(0));
    calsync_facts before = r.f;
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(400), 7);
    calsync_outbound a = one_action(&before, &r.f);
    assert_int_equal(a.action, CALSYNC_OUTBOUND_DELETE_NO_SHOW);
    assert_true(str_is(a.invitee_uri, URI_A));
    assert_true(str_is(a.no_show_uri, NO_SHOW_1));
    expect_no_action(&before, &r.f, 0);

    /* Unknown URI (the echo has not arrived): delete, with no URI. */
    row s = booked_row();
    apply_mk(&s, CALSYNC_MARK_NO_SHOW, T(300), 7);
    before = s.f;
    apply_mk(&s, CALSYNC_MARK_NONE, T(400), 7);
    a = one_action(&before, &s.f);
    assert_int_equal(a.action, CALSYNC_OUTBOUND_DELETE_NO_SHOW);
    assert_null(a.no_show_uri.ptr);
    /* An empty stored URI is an unknown one. */
    s.f.noshow_uri = support_state_str("");
    a = one_action(&before, &s.f);
    assert_null(a.no_show_uri.ptr);

    /* A stale mark changes nothing, so it asks nothing. */
    row t = booked_row();
    apply_mk(&t, CALSYNC_MARK_NO_SHOW, T(300), 7);
    before = t.f;
    apply_mk(&t, CALSYNC_MARK_ATTENDED, T(299), 7);
    assert_int_equal(calsync_state_current_mark(&t.f), CALSYNC_MARK_NO_SHOW);
    expect_no_action(&before, &t.f, 1);
}

/* ---- Sessions entered by hand ------------------------------------------- */

#define HOUR ((int64_t)3600 * 1000000)

static void
test_hand_entry_creates_a_scheduled_session_that_needs_attendance_once_ended(void **state)
{
    (void)state;
    calsync_manual m = {T(1000), T(1000) + HOUR, T(500), 7};
    calsync_facts f;
    calsync_outcome o;
    calsync_error err;
    assert_int_equal(calsync_state_apply_manual(&f, &o, NULL, &m, &err), CALSYNC_OK);
    assert_int_equal(err.code, CALSYNC_OK);
    assert_true(calsync_facts_hand_entered(&f));
    assert_true(f.entered_at == T(500) && f.entered_by == 7);
    assert_true(f.start_at == T(1000) && f.end_at == T(1000) + HOUR);
    assert_null(f.invitee_uri.ptr);
    assert_false(f.booked);
    assert_int_equal(o.new_status, CALSYNC_STATUS_SCHEDULED);
    assert_true(o.changed & BIT(CALSYNC_F_ENTERED_AT));
    assert_true(o.changed & BIT(CALSYNC_F_ENTERED_BY));

    calsync_assessment a;
    calsync_state_assess(&a, &f, T(1000) + HOUR);
    assert_int_equal(a.status, CALSYNC_STATUS_SCHEDULED);
    assert_false(a.needs_attendance);
    calsync_state_assess(&a, &f, T(1000) + HOUR + 1);
    assert_true(a.needs_attendance);

    /* A coach's mark works as for any session, and then it counts. */
    row r = {1, f};
    apply_mk(&r, CALSYNC_MARK_ATTENDED, T(9000), 7);
    calsync_state_assess(&a, &r.f, T(9001));
    assert_int_equal(a.status, CALSYNC_STATUS_ATTENDED);
    assert_true(a.counts_alone);
    assert_false(a.needs_attendance);
    assert_true(calsync_facts_hand_entered(&r.f));

    /* No two-way no-show for it: it has no invitee in Calendly. */
    calsync_facts before = r.f;
    apply_mk(&r, CALSYNC_MARK_NO_SHOW, T(9100), 7);
    calsync_outbound acts[CALSYNC_OUTBOUND_MAX];
    size_t n = 9;
    assert_int_equal(calsync_state_mark_outbound(acts, &n, &before, &r.f, 1, NULL), CALSYNC_OK);
    assert_int_equal(n, 0);
}

static void test_hand_edit_moves_the_times_and_keeps_the_creator(void **state)
{
    (void)state;
    calsync_manual m = {T(1000), T(1000) + HOUR, T(500), 7};
    calsync_facts f, g, h;
    calsync_outcome o;
    assert_int_equal(calsync_state_apply_manual(&f, NULL, NULL, &m, NULL), CALSYNC_OK);
    calsync_manual edit = {T(2000), T(2000) + 2 * HOUR, T(600), 9};
    assert_int_equal(calsync_state_apply_manual(&g, &o, &f, &edit, NULL), CALSYNC_OK);
    assert_true(g.start_at == T(2000) && g.end_at == T(2000) + 2 * HOUR);
    assert_true(g.entered_at == T(500) && g.entered_by == 7);
    assert_true(o.changed == (BIT(CALSYNC_F_START_AT) | BIT(CALSYNC_F_END_AT) |
                              BIT(CALSYNC_F_SCHED_UPDATED_AT)));
    /* An older edit arriving late changes nothing and is noted. */
    calsync_manual old = {T(3000), T(3000) + HOUR, T(550), 9};
    assert_int_equal(calsync_state_apply_manual(&h, &o, &g, &old, NULL), CALSYNC_OK);
    assert_true(calsync_facts_equal(&g, &h));
    assert_true(o.changed == 0 && (o.notes & CALSYNC_NOTE_STALE_INFO));
    /* The same edit again changes nothing. */
    assert_int_equal(calsync_state_apply_manual(&h, &o, &g, &edit, NULL), CALSYNC_OK);
    assert_true(o.changed == 0);
}

static void test_hand_entry_refuses_bad_times_naming_the_field(void **state)
{
    (void)state;
    calsync_facts f;
    calsync_error err;
    static const struct {
        int64_t start, end;
        const char *path;
    } bad[] = {
        {T(1000), T(1000), "end"},
        {T(1000), T(999), "end"},
        {T(1000), T(1000) + 24 * HOUR + 1, "end"},
        {CALSYNC_TIME_NONE, T(1000), "start"},
        {T(1000), CALSYNC_TIME_NONE, "end"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        calsync_manual m = {bad[i].start, bad[i].end, T(1), 7};
        assert_int_equal(calsync_state_apply_manual(&f, NULL, NULL, &m, &err), CALSYNC_ERR_INPUT);
        assert_string_equal(err.path, bad[i].path);
        assert_non_null(strstr(err.message, bad[i].path));
    }
    calsync_manual day = {T(1000), T(1000) + 24 * HOUR, T(1), 7};
    assert_int_equal(calsync_state_apply_manual(&f, NULL, NULL, &day, &err), CALSYNC_OK);
    calsync_manual no_time = {T(1000), T(2000), CALSYNC_TIME_NONE, 7};
    assert_int_equal(calsync_state_apply_manual(&f, NULL, NULL, &no_time, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_apply_manual(NULL, NULL, NULL, &day, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_apply_manual(&f, NULL, NULL, NULL, &err), CALSYNC_ERR_ARGUMENT);
}

static void test_hand_entry_refuses_a_calendly_session(void **state)
{
    (void)state;
    row r = {0};
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));
    apply_ev(&r, &v, T(0));
    calsync_manual m = {T(1000), T(1000) + HOUR, T(500), 7};
    calsync_facts out;
    calsync_error err;
    assert_int_equal(calsync_state_apply_manual(&out, NULL, &r.f, &m, &err), CALSYNC_ERR_MISMATCH);
}

static void test_calendly_never_changes_a_hand_entered_session(void **state)
{
    (void)state;
    calsync_manual m = {T(1000), T(1000) + HOUR, T(500), 7};
    calsync_facts f, out;
    assert_int_equal(calsync_state_apply_manual(&f, NULL, NULL, &m, NULL), CALSYNC_OK);
    calsync_error err;
    calsync_event_view v;
    created(&v, URI_A, EVENT_A, T(100));
    assert_int_equal(calsync_state_apply_event(&out, NULL, &f, &v, T(0), &err),
                     CALSYNC_ERR_MISMATCH);
    canceled(&v, URI_A, EVENT_A, T(200), "no");
    assert_int_equal(calsync_state_apply_event(&out, NULL, &f, &v, T(0), &err),
                     CALSYNC_ERR_MISMATCH);
    calsync_event_view cancel_a, create_b;
    reschedule_pair(&cancel_a, &create_b);
    assert_int_equal(calsync_state_apply_peer(&out, NULL, &f, &create_b, &err),
                     CALSYNC_ERR_MISMATCH);
    calsync_scheduled_event se;
    memset(&se, 0, sizeof se);
    se.present = 1;
    se.uri = support_state_str(EVENT_A);
    se.start_time = T(5000);
    se.end_time = T(6000);
    se.updated_at = T(9999);
    assert_int_equal(calsync_state_apply_sched(&out, NULL, &f, &se, &err), CALSYNC_ERR_MISMATCH);
}

static void test_mark_outbound_refuses_null_pointers(void **state)
{
    (void)state;
    row r = booked_row();
    calsync_outbound out[CALSYNC_OUTBOUND_MAX];
    size_t n;
    calsync_error err;
    assert_int_equal(calsync_state_mark_outbound(NULL, &n, &r.f, &r.f, 1, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_mark_outbound(out, NULL, &r.f, &r.f, 1, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_mark_outbound(out, &n, NULL, &r.f, 1, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_state_mark_outbound(out, &n, &r.f, NULL, 1, &err),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(err.code, CALSYNC_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names_round_trip),
        cmocka_unit_test(test_status_from_name_maps_legacy_spellings),
        cmocka_unit_test(test_status_from_name_rejects_unknown_text),
        cmocka_unit_test(test_field_names_cover_every_field_in_order),
        cmocka_unit_test(test_facts_init_is_empty_and_scheduled),
        cmocka_unit_test(test_created_event_books_a_new_row_with_its_details),
        cmocka_unit_test(test_canceled_event_creates_a_canceled_row_that_is_not_booked),
        cmocka_unit_test(test_cancel_without_a_cancellation_time_uses_updated_at),
        cmocka_unit_test(test_no_show_created_marks_the_invitee_no_show),
        cmocka_unit_test(test_no_show_then_deleted_gives_scheduled_and_drops_the_uri),
        cmocka_unit_test(test_rest_invitee_without_no_show_clears_an_earlier_calendly_no_show),
        cmocka_unit_test(test_rest_invitee_with_no_show_reports_it_present),
        cmocka_unit_test(test_reschedule_cancel_first_links_both_rows),
        cmocka_unit_test(test_reschedule_created_first_links_both_rows_identically),
        cmocka_unit_test(test_peer_uri_names_the_other_end_of_a_reschedule),
        cmocka_unit_test(test_a_canceled_reschedule_names_both_of_its_ends),
        cmocka_unit_test(test_late_created_after_cancel_does_not_revive),
        cmocka_unit_test(test_duplicate_deliveries_change_nothing),
        cmocka_unit_test(
            test_coach_attended_then_calendly_cancel_keeps_attended_and_flags_conflict),
        cmocka_unit_test(test_calendly_no_show_then_later_coach_attended_gives_attended),
        cmocka_unit_test(test_coach_no_show_then_calendly_echo_changes_only_noshow_fields),
        cmocka_unit_test(test_coach_attended_then_calendly_unmark_echo_keeps_attended),
        cmocka_unit_test(test_stale_coach_mark_is_noted_and_changes_nothing),
        cmocka_unit_test(test_older_calendly_no_show_than_stored_one_is_stale),
        cmocka_unit_test(test_calendly_no_show_older_than_coach_mark_is_stale),
        cmocka_unit_test(test_coach_no_show_older_than_calendly_unmark_is_stale),
        cmocka_unit_test(test_coach_clear_returns_to_the_booking_status),
        cmocka_unit_test(test_equal_time_coach_marks_merge_the_same_in_either_order),
        cmocka_unit_test(
            test_rescheduled_mark_agrees_with_a_reschedule_but_not_with_a_plain_cancel),
        cmocka_unit_test(test_older_invitee_details_are_noted_and_not_applied),
        cmocka_unit_test(test_apply_sched_fills_event_details_and_notes_older_ones),
        cmocka_unit_test(test_apply_sched_keeps_every_host_email_with_the_newer_event),
        cmocka_unit_test(test_apply_sched_takes_the_event_uri_of_a_row_without_one),
        cmocka_unit_test(test_mismatched_invitees_and_events_are_errors),
        cmocka_unit_test(test_invalid_arguments_are_refused),
        cmocka_unit_test(test_null_stored_counts_as_empty_facts),
        cmocka_unit_test(test_merge_follows_the_rule_of_each_field_group),
        cmocka_unit_test(test_every_field_reports_its_changed_bit),
        cmocka_unit_test(test_erasure_empties_the_personal_facts_and_reports_them),
        cmocka_unit_test(test_late_events_for_an_erased_invitee_do_not_restore_personal_facts),
        cmocka_unit_test(test_peer_and_sched_on_an_erased_row_keep_it_erased),
        cmocka_unit_test(test_every_entry_point_empties_a_tombstoned_row),
        cmocka_unit_test(test_erasure_keeps_the_content_tie_breaks_a_semilattice),
        cmocka_unit_test(test_erasure_commutes_with_the_events),
        cmocka_unit_test(test_erasure_refuses_bad_arguments),
        cmocka_unit_test(test_mark_noshow_note_and_action_names_round_trip),
        cmocka_unit_test(test_exact_names_refuse_legacy_spellings_case_and_space),
        cmocka_unit_test(test_scheduled_session_is_due_at_its_end_and_needs_attendance_after_it),
        cmocka_unit_test(test_a_mark_or_a_cancel_ends_the_need_for_attendance),
        cmocka_unit_test(test_attendance_due_follows_the_stored_columns_rule_exactly),
        cmocka_unit_test(test_an_attended_row_with_a_late_cancel_still_counts_alone),
        cmocka_unit_test(test_then_keeps_the_first_old_values_and_the_second_new_ones),
        cmocka_unit_test(test_then_of_two_steps_is_the_single_step_over_both_contributions),
        cmocka_unit_test(test_chain_counts_only_the_last_attended_row_of_a_student),
        cmocka_unit_test(test_chain_walks_through_other_rows_to_the_same_student),
        cmocka_unit_test(test_chain_stops_at_a_missing_row),
        cmocka_unit_test(test_chain_compares_uris_without_case),
        cmocka_unit_test(test_chain_stops_at_a_loop),
        cmocka_unit_test(test_chain_follows_at_most_twenty_rows),
        cmocka_unit_test(test_chain_rows_without_a_student_never_count_or_supersede),
        cmocka_unit_test(test_chain_same_row_twice_is_one_row_and_a_contradiction_is_refused),
        cmocka_unit_test(test_chain_refuses_bad_arguments_and_too_many_rows),
        cmocka_unit_test(test_coach_no_show_asks_calendly_to_create_one_only_in_two_way_mode),
        cmocka_unit_test(test_coach_no_show_after_calendly_reported_one_creates_nothing),
        cmocka_unit_test(test_clearing_a_no_show_asks_calendly_to_delete_it),
        cmocka_unit_test(test_mark_outbound_refuses_null_pointers),
        cmocka_unit_test(
            test_hand_entry_creates_a_scheduled_session_that_needs_attendance_once_ended),
        cmocka_unit_test(test_hand_edit_moves_the_times_and_keeps_the_creator),
        cmocka_unit_test(test_hand_entry_refuses_bad_times_naming_the_field),
        cmocka_unit_test(test_hand_entry_refuses_a_calendly_session),
        cmocka_unit_test(test_calendly_never_changes_a_hand_entered_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
