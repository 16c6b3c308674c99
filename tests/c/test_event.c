/* SPDX-License-Identifier: MIT */
/* Unit tests for webhook and REST object parsing, dedupe keys and redaction (src/event.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "calsync.h"
#include "support_fixtures.h"

#define API "https://api.calendly.com"
#define E1_UUID "d06edd78-d79d-4ab7-ac28-49e99b4d111a"
#define I1_UUID "bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2"
#define E1 API "/scheduled_events/" E1_UUID
#define I1 E1 "/invitees/" I1_UUID
#define E2 API "/scheduled_events/fc354907-a0dc-4073-9575-156199e3ca72"
#define I2 E2 "/invitees/8876348f-7173-4e50-9d9a-3bd87ab216b3"
#define E3 API "/scheduled_events/d0310a18-49b6-4cc3-8e08-619ceccc6f45"
#define I3 E3 "/invitees/b462a9df-658d-4ffc-9ce4-ae887294d81e"
#define E4 API "/scheduled_events/e9e78f1a-847f-4cc6-940f-50bf5229505a"
#define I4 E4 "/invitees/1f6e6134-5270-429c-89d3-bde9d4a4dd3d"
#define E5 API "/scheduled_events/67ed2f5c-5dcb-490f-af5b-64aec10adbcd"
#define NS1_UUID "52999e2b-cc12-4954-b330-c873c4044838"
#define T1 API "/event_types/e0d11a45-b02f-431d-9c7f-32715b5d9c45"
#define U0 API "/users/bb0234d5-1800-43d9-997c-bdbedae6648a"
#define U1 API "/users/203ff10f-63af-43cb-b391-65ce304e0aa2"
#define ZOOM_JOIN "https://us02web.zoom.us/j/81234567890?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ"
#define MEET_JOIN "https://meet.google.com/abc-defg-hij"

/* ---- helpers ------------------------------------------------------------ */

#define ASSERT_STR(field, want) check_str((field), (want), #field, __LINE__)
#define ASSERT_TIME(field, want) check_time((field), (want), #field, __LINE__)

static void check_str(calsync_str s, const char *want, const char *what, int line)
{
    if (want == NULL) {
        if (s.ptr != NULL)
            fail_msg("line %d: %s is \"%.*s\", want absent", line, what, (int)s.len, s.ptr);
        return;
    }
    if (s.ptr == NULL)
        fail_msg("line %d: %s is absent, want \"%s\"", line, what, want);
    if (s.len != strlen(want) || memcmp(s.ptr, want, s.len) != 0)
        fail_msg("line %d: %s is \"%.*s\", want \"%s\"", line, what, (int)s.len, s.ptr, want);
}

static void check_time(int64_t got, const char *want, const char *what, int line)
{
    int64_t us = CALSYNC_TIME_NONE;
    if (want != NULL && calsync_time_parse(&us, want, strlen(want), NULL) != CALSYNC_OK)
        fail_msg("line %d: bad expected time %s", line, want);
    if (got != us)
        fail_msg("line %d: %s is %lld, want %s", line, what, (long long)got,
                 want ? want : "CALSYNC_TIME_NONE");
}

static char *must_read(const char *name, size_t *len)
{
    char *buf = fixture_read(name, len);
    if (buf == NULL)
        fail_msg("cannot read fixture %s", name);
    return buf;
}

static calsync_event *parse_fixture(const char *name)
{
    size_t len;
    char *body = must_read(name, &len);
    calsync_event *ev = NULL;
    calsync_error err;
    int rc = calsync_event_parse(&ev, body, len, &err);
    free(body);
    if (rc != CALSYNC_OK)
        fail_msg("%s: %d %s", name, rc, err.message);
    assert_int_equal(err.code, CALSYNC_OK);
    return ev;
}

static json_t *load_json(const char *name)
{
    size_t len;
    char *body = must_read(name, &len);
    json_t *root = json_loadb(body, len, 0, NULL);
    free(body);
    assert_non_null(root);
    return root;
}

static char *dump(const json_t *root, size_t flags, size_t *len)
{
    char *s = json_dumps(root, flags);
    assert_non_null(s);
    *len = strlen(s);
    return s;
}

/* Walks a path such as "payload.scheduled_event.event_memberships[0].user"
 * and sets the last member to value (JSON text), or deletes it when value
 * is NULL.  Intermediate members must exist. */
static void mutate(json_t *root, const char *path, const char *value)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    char *save = NULL;
    char *tok = strtok_r(buf, ".", &save);
    while (tok != NULL) {
        char *next = strtok_r(NULL, ".", &save);
        char *br = strchr(tok, '[');
        long index = -1;
        if (br != NULL) {
            index = strtol(br + 1, NULL, 10);
            *br = '\0';
        }
        if (next == NULL && index < 0) {
            if (value == NULL) {
                json_object_del(cur, tok);
            } else {
                json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
                assert_non_null(v);
                assert_int_equal(json_object_set_new(cur, tok, v), 0);
            }
            return;
        }
        cur = json_object_get(cur, tok);
        if (index >= 0) {
            if (next == NULL) {
                json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
                assert_non_null(v);
                assert_int_equal(json_array_set_new(cur, (size_t)index, v), 0);
                return;
            }
            cur = json_array_get(cur, (size_t)index);
        }
        if (cur == NULL)
            fail_msg("mutate: %s has no member %s", path, tok);
        tok = next;
    }
}

enum parser { WEBHOOK, REST_INVITEE, REST_SCHED };

/* Parses `body` with the chosen parser; returns its code. */
static int run_parser(enum parser p, const char *body, size_t len, calsync_error *err)
{
    int rc;
    if (p == REST_SCHED) {
        calsync_sched *s = NULL;
        rc = calsync_sched_parse(&s, body, len, err);
        if (rc != CALSYNC_OK)
            assert_null(s);
        calsync_sched_free(s);
    } else {
        calsync_event *ev = NULL;
        rc = p == WEBHOOK ? calsync_event_parse(&ev, body, len, err)
                          : calsync_event_parse_rest_invitee(&ev, body, len, err);
        if (rc != CALSYNC_OK)
            assert_null(ev);
        calsync_event_free(ev);
    }
    return rc;
}

/* ---- fixtures, field by field ----------------------------------------- */

static void check_e1_sched(const calsync_scheduled_event *s, const char *status,
                           const char *updated_at)
{
    assert_int_equal(s->present, 1);
    ASSERT_STR(s->uri, E1);
    ASSERT_STR(s->uuid, E1_UUID);
    ASSERT_STR(s->name, "Coaching session");
    ASSERT_STR(s->status, status);
    ASSERT_TIME(s->start_time, "2026-03-09T16:00:00Z");
    ASSERT_TIME(s->end_time, "2026-03-09T16:45:00Z");
    ASSERT_STR(s->event_type, T1);
    ASSERT_STR(s->location_type, "zoom");
    ASSERT_STR(s->join_url, ZOOM_JOIN);
    assert_int_equal(s->nhosts, 1);
    ASSERT_STR(s->hosts[0].user_uri, U1);
    ASSERT_STR(s->hosts[0].email, "lee.coach@example.org");
    ASSERT_STR(s->hosts[0].name, "Jordan Lee");
    ASSERT_TIME(s->created_at, "2026-03-02T15:04:04.850000Z");
    ASSERT_TIME(s->updated_at, updated_at);
}

/* The invitee fields Ana's booking I1 has in every fixture. */
static void check_ana(const calsync_event_view *v)
{
    ASSERT_STR(v->uri, I1);
    ASSERT_STR(v->uuid, I1_UUID);
    ASSERT_STR(v->email, "ana.ruiz@example.org");
    ASSERT_STR(v->name, "Ana Ru\xc3\xadz");
    ASSERT_STR(v->first_name, "Ana");
    ASSERT_STR(v->last_name, "Ru\xc3\xadz");
    ASSERT_STR(v->timezone, "America/Chicago");
    ASSERT_STR(v->event_uri, E1);
    ASSERT_STR(v->event_uuid, E1_UUID);
    ASSERT_TIME(v->created_at, "2026-03-02T15:04:04.900000Z");
    assert_int_equal(v->rescheduled, 0);
    ASSERT_STR(v->old_invitee, NULL);
    ASSERT_STR(v->new_invitee, NULL);
    ASSERT_STR(v->cancel_url, "https://calendly.com/cancellations/" I1_UUID);
    ASSERT_STR(v->reschedule_url, "https://calendly.com/reschedulings/" I1_UUID);
}

static void test_invitee_created_gives_every_field(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("invitee_created.json");
    const calsync_event_view *v = calsync_event_get(ev);
    assert_int_equal(v->kind, CALSYNC_EVENT_INVITEE_CREATED);
    ASSERT_STR(v->event_name, "invitee.created");
    ASSERT_TIME(v->envelope_created_at, "2026-03-02T15:04:05.123456Z");
    ASSERT_STR(v->created_by, U0);
    check_ana(v);
    assert_int_equal(v->status, CALSYNC_INVITEE_ACTIVE);
    ASSERT_TIME(v->updated_at, "2026-03-02T15:04:05Z");
    assert_int_equal(v->has_cancellation, 0);
    ASSERT_STR(v->canceled_by, NULL);
    ASSERT_STR(v->cancel_reason, NULL);
    ASSERT_STR(v->canceler_type, NULL);
    ASSERT_TIME(v->canceled_at, NULL);
    assert_int_equal(v->has_no_show, 0);
    ASSERT_STR(v->no_show_uri, NULL);
    ASSERT_STR(v->no_show_uuid, NULL);
    ASSERT_TIME(v->no_show_created_at, NULL);
    check_e1_sched(&v->scheduled_event, "active", "2026-03-02T15:04:06.100000Z");
    calsync_event_free(ev);
}

static void test_invitee_canceled_gives_the_cancellation(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("invitee_canceled.json");
    const calsync_event_view *v = calsync_event_get(ev);
    assert_int_equal(v->kind, CALSYNC_EVENT_INVITEE_CANCELED);
    ASSERT_STR(v->event_name, "invitee.canceled");
    ASSERT_TIME(v->envelope_created_at, "2026-03-04T09:12:30.654321Z");
    ASSERT_STR(v->created_by, U0);
    check_ana(v);
    assert_int_equal(v->status, CALSYNC_INVITEE_CANCELED);
    ASSERT_TIME(v->updated_at, "2026-03-04T09:12:30.480000Z");
    assert_int_equal(v->has_cancellation, 1);
    ASSERT_STR(v->canceled_by, "Ana Ru\xc3\xadz");
    ASSERT_STR(v->cancel_reason, "Exam clash, sorry!");
    ASSERT_STR(v->canceler_type, "invitee");
    ASSERT_TIME(v->canceled_at, "2026-03-04T09:12:30Z");
    assert_int_equal(v->has_no_show, 0);
    ASSERT_STR(v->no_show_uri, NULL);
    check_e1_sched(&v->scheduled_event, "canceled", "2026-03-04T09:12:30.450000Z");
    calsync_event_free(ev);
}

static void check_ben_sched(const calsync_scheduled_event *s, const char *uri, const char *uuid,
                            const char *status, const char *start, const char *end)
{
    assert_int_equal(s->present, 1);
    ASSERT_STR(s->uri, uri);
    ASSERT_STR(s->uuid, uuid);
    ASSERT_STR(s->name, "Coaching session");
    ASSERT_STR(s->status, status);
    ASSERT_TIME(s->start_time, start);
    ASSERT_TIME(s->end_time, end);
    ASSERT_STR(s->event_type, T1);
    ASSERT_STR(s->location_type, "google_conference");
    ASSERT_STR(s->join_url, MEET_JOIN);
    assert_int_equal(s->nhosts, 1);
    ASSERT_STR(s->hosts[0].email, "lee.coach@example.org");
}

static void test_reschedule_pair_links_both_ways(void **state)
{
    (void)state;
    calsync_event *old_ev = parse_fixture("reschedule_old_canceled.json");
    calsync_event *new_ev = parse_fixture("reschedule_new_created.json");
    const calsync_event_view *o = calsync_event_get(old_ev);
    const calsync_event_view *n = calsync_event_get(new_ev);

    assert_int_equal(o->kind, CALSYNC_EVENT_INVITEE_CANCELED);
    ASSERT_TIME(o->envelope_created_at, "2026-03-05T11:02:44.512008Z");
    ASSERT_STR(o->uri, I2);
    ASSERT_STR(o->uuid, "8876348f-7173-4e50-9d9a-3bd87ab216b3");
    ASSERT_STR(o->email, "ben.okafor@example.org");
    ASSERT_STR(o->name, "Ben Okafor");
    ASSERT_STR(o->first_name, NULL);
    ASSERT_STR(o->last_name, NULL);
    ASSERT_STR(o->timezone, "Europe/London");
    assert_int_equal(o->status, CALSYNC_INVITEE_CANCELED);
    ASSERT_STR(o->event_uri, E2);
    ASSERT_STR(o->event_uuid, "fc354907-a0dc-4073-9575-156199e3ca72");
    ASSERT_TIME(o->created_at, "2026-02-20T18:30:11.250000Z");
    ASSERT_TIME(o->updated_at, "2026-03-05T11:02:44.310000Z");
    assert_int_equal(o->rescheduled, 1);
    ASSERT_STR(o->old_invitee, NULL);
    ASSERT_STR(o->new_invitee, I3);
    assert_int_equal(o->has_cancellation, 1);
    ASSERT_STR(o->canceled_by, "Ben Okafor");
    ASSERT_STR(o->cancel_reason, NULL);
    ASSERT_STR(o->canceler_type, "invitee");
    ASSERT_TIME(o->canceled_at, "2026-03-05T11:02:44Z");
    check_ben_sched(&o->scheduled_event, E2, "fc354907-a0dc-4073-9575-156199e3ca72", "canceled",
                    "2026-03-10T10:00:00Z", "2026-03-10T10:45:00Z");

    assert_int_equal(n->kind, CALSYNC_EVENT_INVITEE_CREATED);
    ASSERT_TIME(n->envelope_created_at, "2026-03-05T11:02:45.101772Z");
    ASSERT_STR(n->uri, I3);
    ASSERT_STR(n->uuid, "b462a9df-658d-4ffc-9ce4-ae887294d81e");
    ASSERT_STR(n->email, "ben.okafor@example.org");
    assert_int_equal(n->status, CALSYNC_INVITEE_ACTIVE);
    ASSERT_STR(n->event_uri, E3);
    ASSERT_STR(n->event_uuid, "d0310a18-49b6-4cc3-8e08-619ceccc6f45");
    ASSERT_TIME(n->created_at, "2026-03-05T11:02:43.870000Z");
    ASSERT_TIME(n->updated_at, "2026-03-05T11:02:43.990000Z");
    assert_int_equal(n->rescheduled, 0);
    ASSERT_STR(n->old_invitee, I2);
    ASSERT_STR(n->new_invitee, NULL);
    assert_int_equal(n->has_cancellation, 0);
    check_ben_sched(&n->scheduled_event, E3, "d0310a18-49b6-4cc3-8e08-619ceccc6f45", "active",
                    "2026-03-12T14:30:00Z", "2026-03-12T15:15:00Z");

    /* The links point at each other, and the new booking is a new event. */
    assert_int_equal(o->new_invitee.len, n->uri.len);
    assert_memory_equal(o->new_invitee.ptr, n->uri.ptr, n->uri.len);
    assert_int_equal(n->old_invitee.len, o->uri.len);
    assert_memory_equal(n->old_invitee.ptr, o->uri.ptr, o->uri.len);
    assert_false(o->event_uuid.len == n->event_uuid.len &&
                 memcmp(o->event_uuid.ptr, n->event_uuid.ptr, o->event_uuid.len) == 0);
    calsync_event_free(old_ev);
    calsync_event_free(new_ev);
}

static void test_no_show_created_gives_the_no_show(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("no_show_created.json");
    const calsync_event_view *v = calsync_event_get(ev);
    assert_int_equal(v->kind, CALSYNC_EVENT_NO_SHOW_CREATED);
    ASSERT_STR(v->event_name, "invitee_no_show.created");
    ASSERT_TIME(v->envelope_created_at, "2026-03-09T16:52:10.402917Z");
    check_ana(v);
    assert_int_equal(v->status, CALSYNC_INVITEE_ACTIVE);
    ASSERT_TIME(v->updated_at, "2026-03-09T16:52:10.330000Z");
    assert_int_equal(v->has_no_show, 1);
    ASSERT_STR(v->no_show_uri, API "/invitee_no_shows/" NS1_UUID);
    ASSERT_STR(v->no_show_uuid, NS1_UUID);
    ASSERT_TIME(v->no_show_created_at, "2026-03-09T16:52:10.300000Z");
    assert_int_equal(v->has_cancellation, 0);
    check_e1_sched(&v->scheduled_event, "active", "2026-03-02T15:04:06.100000Z");
    calsync_event_free(ev);
}

static void test_no_show_deleted_has_a_null_no_show(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("no_show_deleted.json");
    const calsync_event_view *v = calsync_event_get(ev);
    assert_int_equal(v->kind, CALSYNC_EVENT_NO_SHOW_DELETED);
    ASSERT_STR(v->event_name, "invitee_no_show.deleted");
    ASSERT_TIME(v->envelope_created_at, "2026-03-09T17:05:41.815530Z");
    check_ana(v);
    ASSERT_TIME(v->updated_at, "2026-03-09T17:05:41.700000Z");
    assert_int_equal(v->has_no_show, 0);
    ASSERT_STR(v->no_show_uri, NULL);
    ASSERT_STR(v->no_show_uuid, NULL);
    ASSERT_TIME(v->no_show_created_at, NULL);
    check_e1_sched(&v->scheduled_event, "active", "2026-03-02T15:04:06.100000Z");
    calsync_event_free(ev);
}

static void test_older_shape_without_scheduled_event_parses(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("invitee_created_no_scheduled_event.json");
    const calsync_event_view *v = calsync_event_get(ev);
    assert_int_equal(v->kind, CALSYNC_EVENT_INVITEE_CREATED);
    ASSERT_TIME(v->envelope_created_at, "2026-03-03T20:15:00.402111Z");
    ASSERT_STR(v->uri, I4);
    ASSERT_STR(v->uuid, "1f6e6134-5270-429c-89d3-bde9d4a4dd3d");
    ASSERT_STR(v->email, "dana.whitfield@example.org");
    ASSERT_STR(v->name, "Dana Whitfield");
    ASSERT_STR(v->first_name, NULL);
    ASSERT_STR(v->timezone, "America/New_York");
    ASSERT_STR(v->event_uri, E4);
    ASSERT_STR(v->event_uuid, "e9e78f1a-847f-4cc6-940f-50bf5229505a");
    ASSERT_TIME(v->created_at, "2026-03-03T20:15:00Z");
    ASSERT_TIME(v->updated_at, "2026-03-03T20:15:00Z");
    ASSERT_STR(v->cancel_url,
               "https://calendly.com/cancellations/1f6e6134-5270-429c-89d3-bde9d4a4dd3d");
    const calsync_scheduled_event *s = &v->scheduled_event;
    assert_int_equal(s->present, 0);
    ASSERT_STR(s->uri, NULL);
    ASSERT_TIME(s->start_time, NULL);
    ASSERT_TIME(s->end_time, NULL);
    assert_int_equal(s->nhosts, 0);
    calsync_event_free(ev);
}

static void test_scheduled_event_null_is_not_present(void **state)
{
    (void)state;
    json_t *root = load_json("invitee_created.json");
    mutate(root, "payload.scheduled_event", "null");
    size_t len;
    char *body = dump(root, JSON_COMPACT, &len);
    calsync_event *ev = NULL;
    assert_int_equal(calsync_event_parse(&ev, body, len, NULL), CALSYNC_OK);
    assert_int_equal(calsync_event_get(ev)->scheduled_event.present, 0);
    ASSERT_STR(calsync_event_get(ev)->uri, I1);
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

static void test_other_event_parses_only_the_envelope(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("other_event.json");
    const calsync_event_view *v = calsync_event_get(ev);
    assert_int_equal(v->kind, CALSYNC_EVENT_OTHER);
    ASSERT_STR(v->event_name, "routing_form_submission.created");
    ASSERT_TIME(v->envelope_created_at, "2026-03-06T08:00:01Z");
    ASSERT_STR(v->created_by, U0);
    ASSERT_STR(v->uri, NULL);
    ASSERT_STR(v->email, NULL);
    ASSERT_STR(v->event_uri, NULL);
    ASSERT_TIME(v->created_at, NULL);
    assert_int_equal(v->scheduled_event.present, 0);
    calsync_event_free(ev);
}

static void test_unknown_event_name_is_other_whatever_its_payload(void **state)
{
    (void)state;
    static const char *bodies[] = {
        ("{\"event\":\"invitee.rescheduled\",\"created_at\":\"2026-03-02T15:04:05Z\","
         "\"payload\":[1,2,3]}"),
        "{\"event\":\"meeting_recap.created\",\"created_at\":\"2026-03-02T15:04:05Z\"}",
        "{\"event\":\"Invitee.Created\",\"created_at\":\"2026-03-02T15:04:05Z\",\"payload\":{}}",
        "{\"event\":\"invitee.created \",\"created_at\":\"2026-03-02T15:04:05Z\",\"payload\":7}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        calsync_event *ev = NULL;
        calsync_error err;
        int rc = calsync_event_parse(&ev, bodies[i], strlen(bodies[i]), &err);
        if (rc != CALSYNC_OK)
            fail_msg("%s: %s", bodies[i], err.message);
        assert_int_equal(calsync_event_get(ev)->kind, CALSYNC_EVENT_OTHER);
        calsync_event_free(ev);
    }
}

static void check_rest_ana(const calsync_event_view *v)
{
    assert_int_equal(v->kind, CALSYNC_EVENT_REST_INVITEE);
    ASSERT_STR(v->event_name, NULL);
    ASSERT_TIME(v->envelope_created_at, NULL);
    ASSERT_STR(v->created_by, NULL);
    check_ana(v);
    assert_int_equal(v->status, CALSYNC_INVITEE_ACTIVE);
    ASSERT_TIME(v->updated_at, "2026-03-02T15:04:05Z");
    assert_int_equal(v->has_cancellation, 0);
    assert_int_equal(v->has_no_show, 0);
    assert_int_equal(v->scheduled_event.present, 0);
}

static void test_rest_invitee_parses_wrapped_and_bare(void **state)
{
    (void)state;
    size_t len;
    char *body = must_read("rest_invitee.json", &len);
    calsync_event *ev = NULL;
    calsync_error err;
    assert_int_equal(calsync_event_parse_rest_invitee(&ev, body, len, &err), CALSYNC_OK);
    check_rest_ana(calsync_event_get(ev));
    calsync_event_free(ev);
    free(body);

    json_t *root = load_json("rest_invitee.json");
    body = dump(json_object_get(root, "resource"), JSON_COMPACT, &len);
    ev = NULL;
    assert_int_equal(calsync_event_parse_rest_invitee(&ev, body, len, &err), CALSYNC_OK);
    check_rest_ana(calsync_event_get(ev));
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

static void test_rest_invitees_page_items_parse(void **state)
{
    (void)state;
    static const struct {
        const char *email, *name, *created;
    } want[] = {
        {"chen.wu@example.org", "Chen Wu", "2026-03-01T09:00:12Z"},
        {"farah.haddad@example.org", "Farah Haddad", "2026-03-01T11:41:05.5Z"},
    };
    json_t *root = load_json("rest_invitees_page.json");
    json_t *items = json_object_get(root, "collection");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(root, "pagination"), "next_page_token")),
        "Zm9vYmFyLTI");
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *body = dump(json_array_get(items, i), JSON_COMPACT, &len);
        calsync_event *ev = NULL;
        calsync_error err;
        if (calsync_event_parse_rest_invitee(&ev, body, len, &err) != CALSYNC_OK)
            fail_msg("item %zu: %s", i, err.message);
        const calsync_event_view *v = calsync_event_get(ev);
        assert_int_equal(v->kind, CALSYNC_EVENT_REST_INVITEE);
        ASSERT_STR(v->email, want[i].email);
        ASSERT_STR(v->name, want[i].name);
        ASSERT_STR(v->event_uri, E5);
        ASSERT_STR(v->event_uuid, "67ed2f5c-5dcb-490f-af5b-64aec10adbcd");
        ASSERT_TIME(v->created_at, want[i].created);
        ASSERT_TIME(v->updated_at, want[i].created);
        assert_int_equal(v->status, CALSYNC_INVITEE_ACTIVE);
        assert_int_equal(v->scheduled_event.present, 0);
        calsync_event_free(ev);
        free(body);
    }
    json_decref(root);
}

static void test_rest_scheduled_event_parses_wrapped_and_bare(void **state)
{
    (void)state;
    size_t len;
    char *body = must_read("rest_scheduled_event.json", &len);
    calsync_sched *s = NULL;
    calsync_error err;
    assert_int_equal(calsync_sched_parse(&s, body, len, &err), CALSYNC_OK);
    check_e1_sched(calsync_sched_get(s), "active", "2026-03-02T15:04:06.100000Z");
    calsync_sched_free(s);
    free(body);

    json_t *root = load_json("rest_scheduled_event.json");
    body = dump(json_object_get(root, "resource"), JSON_INDENT(3), &len);
    s = NULL;
    assert_int_equal(calsync_sched_parse(&s, body, len, &err), CALSYNC_OK);
    check_e1_sched(calsync_sched_get(s), "active", "2026-03-02T15:04:06.100000Z");
    calsync_sched_free(s);
    free(body);
    json_decref(root);
}

static void test_views_borrow_from_the_handle(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("invitee_created.json");
    const calsync_event_view *v = calsync_event_get(ev);
    /* A UUID is a view into its URI, not a copy. */
    assert_ptr_equal(v->uuid.ptr, v->uri.ptr + v->uri.len - v->uuid.len);
    assert_ptr_equal(v->event_uuid.ptr, v->event_uri.ptr + v->event_uri.len - v->event_uuid.len);
    assert_ptr_equal(calsync_event_get(ev), v);
    assert_null(calsync_event_get(NULL));
    assert_null(calsync_sched_get(NULL));
    calsync_event_free(ev);
    calsync_event_free(NULL);
    calsync_sched_free(NULL);
}

/* A body whose scheduled event has these memberships (a JSON array). */
static char *with_memberships(const char *fixture, const char *members_json, size_t *len)
{
    json_t *root = load_json(fixture);
    json_error_t jerr;
    json_t *members = json_loads(members_json, 0, &jerr);
    if (members == NULL)
        fail_msg("bad test JSON: %s", jerr.text);
    json_t *sched = json_object_get(json_object_get(root, "payload"), "scheduled_event");
    if (sched == NULL)
        sched = json_object_get(root, "resource");
    json_object_set_new(sched, "event_memberships", members);
    char *body = dump(root, JSON_COMPACT, len);
    json_decref(root);
    return body;
}

static void test_host_emails_keep_every_host_in_order(void **state)
{
    (void)state;
    size_t len;
    char *body =
        with_memberships("invitee_created.json",
                         "[{\"user\":\"" API "/users/A\",\"user_email\":\"Lee.Coach@example.org\"},"
                         "{\"user\":\"" API "/users/B\",\"user_email\":\"ko@example.org\"},"
                         "{\"user\":\"" API "/users/C\"},"
                         "{\"user\":\"" API "/users/D\",\"user_email\":\"\"},"
                         "{\"user\":\"" API "/users/E\",\"user_email\":\"x@y.org\\nz@y.org\"},"
                         "{\"user\":\"" API "/users/F\",\"user_email\":\"ra@example.org\"}]",
                         &len);
    calsync_event *ev = NULL;
    calsync_error err;
    if (calsync_event_parse(&ev, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    const calsync_scheduled_event *s = &calsync_event_get(ev)->scheduled_event;
    assert_int_equal(s->nhosts, 6);
    /* As sent (the plugin normalises when it matches); no e-mail, an empty one
     * and one that would span two lines are left out. */
    ASSERT_STR(s->host_emails, "Lee.Coach@example.org\nko@example.org\nra@example.org");
    calsync_event_free(ev);
    free(body);

    body = with_memberships("invitee_created.json", "[{\"user\":\"" API "/users/C\"}]", &len);
    if (calsync_event_parse(&ev, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    ASSERT_STR(calsync_event_get(ev)->scheduled_event.host_emails, NULL);
    calsync_event_free(ev);
    free(body);

    body = with_memberships("invitee_created.json", "[]", &len);
    if (calsync_event_parse(&ev, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    ASSERT_STR(calsync_event_get(ev)->scheduled_event.host_emails, NULL);
    calsync_event_free(ev);
    free(body);
}

static void test_host_emails_of_a_rest_scheduled_event_and_invitee(void **state)
{
    (void)state;
    size_t len;
    char *body =
        with_memberships("rest_scheduled_event.json",
                         "[{\"user\":\"" API "/users/A\",\"user_email\":\"a@example.org\"},"
                         "{\"user\":\"" API "/users/B\",\"user_email\":\"b@example.org\"}]",
                         &len);
    calsync_sched *s = NULL;
    calsync_error err;
    if (calsync_sched_parse(&s, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    ASSERT_STR(calsync_sched_get(s)->host_emails, "a@example.org\nb@example.org");
    calsync_sched_free(s);
    free(body);

    /* A single host: one line. */
    body = must_read("rest_scheduled_event.json", &len);
    if (calsync_sched_parse(&s, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    const calsync_scheduled_event *se = calsync_sched_get(s);
    assert_true(se->nhosts >= 1);
    ASSERT_STR(se->host_emails, "lee.coach@example.org");
    calsync_sched_free(s);
    free(body);

    /* An invitee without an embedded scheduled event has no hosts. */
    calsync_event *ev = parse_fixture("invitee_created_no_scheduled_event.json");
    ASSERT_STR(calsync_event_get(ev)->scheduled_event.host_emails, NULL);
    calsync_event_free(ev);
}

static void test_hosts_are_capped_at_hosts_max(void **state)
{
    (void)state;
    json_t *root = load_json("invitee_created.json");
    json_t *members = json_array();
    for (int i = 0; i < CALSYNC_HOSTS_MAX + 3; i++) {
        char email[64];
        snprintf(email, sizeof email, "coach%d@example.org", i);
        json_array_append_new(members, json_pack("{s:s,s:s,s:n}", "user", API "/users/x",
                                                 "user_email", email, "user_name"));
    }
    /* Entries past the cap are ignored, even malformed ones. */
    json_array_append_new(members, json_integer(5));
    json_object_set_new(json_object_get(json_object_get(root, "payload"), "scheduled_event"),
                        "event_memberships", members);
    size_t len;
    char *body = dump(root, JSON_COMPACT, &len);
    calsync_event *ev = NULL;
    calsync_error err;
    if (calsync_event_parse(&ev, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    const calsync_scheduled_event *s = &calsync_event_get(ev)->scheduled_event;
    assert_int_equal(s->nhosts, CALSYNC_HOSTS_MAX);
    ASSERT_STR(s->hosts[0].email, "coach0@example.org");
    ASSERT_STR(s->hosts[CALSYNC_HOSTS_MAX - 1].email, "coach7@example.org");
    ASSERT_STR(s->hosts[0].name, NULL);
    /* host_emails holds the hosts kept, no more. */
    ASSERT_STR(s->host_emails, "coach0@example.org\ncoach1@example.org\ncoach2@example.org\n"
                               "coach3@example.org\ncoach4@example.org\ncoach5@example.org\n"
                               "coach6@example.org\ncoach7@example.org");
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

/* ---- missing and mistyped fields --------------------------------------- */

static const struct {
    const char *fixture;
    enum parser parser;
    const char *mutate_path;
    const char *value; /* NULL: delete the member */
    const char *want_path;
    const char *want_detail; /* a substring of the message */
} schema_cases[] = {
    {"invitee_created.json", WEBHOOK, "event", NULL, "event", "missing"},
    {"invitee_created.json", WEBHOOK, "event", "42", "event", "expected string, got number"},
    {"invitee_created.json", WEBHOOK, "event", "null", "event", "expected string, got null"},
    {"invitee_created.json", WEBHOOK, "created_at", NULL, "created_at", "missing"},
    {"invitee_created.json", WEBHOOK, "created_at", "\"yesterday\"", "created_at",
     "expected RFC 3339 string"},
    {"invitee_created.json", WEBHOOK, "created_at", "1772463845", "created_at",
     "expected RFC 3339 string, got number"},
    {"invitee_created.json", WEBHOOK, "created_by", "[]", "created_by",
     "expected string or null, got array"},
    {"invitee_created.json", WEBHOOK, "payload", NULL, "payload", "missing"},
    {"invitee_created.json", WEBHOOK, "payload", "[]", "payload", "expected object, got array"},
    {"invitee_created.json", WEBHOOK, "payload", "null", "payload", "expected object, got null"},
    {"invitee_created.json", WEBHOOK, "payload.uri", NULL, "payload.uri", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.uri", "null", "payload.uri", "got null"},
    {"invitee_created.json", WEBHOOK, "payload.uri", "\"\"", "payload.uri", "non-empty"},
    {"invitee_created.json", WEBHOOK, "payload.email", NULL, "payload.email", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.email", "17", "payload.email", "got number"},
    {"invitee_created.json", WEBHOOK, "payload.status", NULL, "payload.status", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.status", "\"pending\"", "payload.status",
     "expected \"active\" or \"canceled\", got \"pending\""},
    {"invitee_created.json", WEBHOOK, "payload.status", "true", "payload.status", "got boolean"},
    {"invitee_created.json", WEBHOOK, "payload.event", NULL, "payload.event", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.event", "{}", "payload.event", "got object"},
    {"invitee_created.json", WEBHOOK, "payload.created_at", NULL, "payload.created_at", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.updated_at", "\"2026-02-30T00:00:00Z\"",
     "payload.updated_at", "expected RFC 3339 string (day 30 is out of range for 2026-02)"},
    {"invitee_created.json", WEBHOOK, "payload.updated_at", NULL, "payload.updated_at", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.name", "5", "payload.name",
     "expected string or null, got number"},
    {"invitee_created.json", WEBHOOK, "payload.timezone", "{}", "payload.timezone", "got object"},
    {"invitee_created.json", WEBHOOK, "payload.rescheduled", "\"yes\"", "payload.rescheduled",
     "expected true, false or null, got string"},
    {"invitee_created.json", WEBHOOK, "payload.old_invitee", "true", "payload.old_invitee",
     "got boolean"},
    {"invitee_created.json", WEBHOOK, "payload.cancel_url", "1.5", "payload.cancel_url",
     "got number"},
    {"invitee_created.json", WEBHOOK, "payload.cancellation", "\"x\"", "payload.cancellation",
     "expected object or null, got string"},
    {"invitee_canceled.json", WEBHOOK, "payload.cancellation.created_at", "\"never\"",
     "payload.cancellation.created_at", "expected RFC 3339 string"},
    {"invitee_canceled.json", WEBHOOK, "payload.cancellation.reason", "[]",
     "payload.cancellation.reason", "got array"},
    {"invitee_created.json", WEBHOOK, "payload.no_show", "[]", "payload.no_show", "got array"},
    {"no_show_created.json", WEBHOOK, "payload.no_show.uri", NULL, "payload.no_show.uri",
     "missing"},
    {"no_show_created.json", WEBHOOK, "payload.no_show.created_at", "0",
     "payload.no_show.created_at", "got number"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event", "\"x\"", "payload.scheduled_event",
     "expected object or null, got string"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.uri", NULL,
     "payload.scheduled_event.uri", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.start_time", NULL,
     "payload.scheduled_event.start_time", "missing"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.start_time", "null",
     "payload.scheduled_event.start_time", "expected RFC 3339 string, got null"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.end_time", "1741536000",
     "payload.scheduled_event.end_time", "expected RFC 3339 string, got number"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.end_time", "\"2026-03-09 16:45\"",
     "payload.scheduled_event.end_time", "expected RFC 3339 string ("},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.updated_at", "\"soon\"",
     "payload.scheduled_event.updated_at", "expected RFC 3339 string"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.location", "\"zoom\"",
     "payload.scheduled_event.location", "got string"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.location.join_url", "3",
     "payload.scheduled_event.location.join_url", "got number"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.location.type", "false",
     "payload.scheduled_event.location.type", "got boolean"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.event_memberships", "{}",
     "payload.scheduled_event.event_memberships", "expected array or null, got object"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.event_memberships[0]", "\"x\"",
     "payload.scheduled_event.event_memberships[0]", "expected object, got string"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.event_memberships[0].user_email",
     "1", "payload.scheduled_event.event_memberships[0].user_email", "got number"},
    {"invitee_created.json", WEBHOOK, "payload.scheduled_event.event_type", "[]",
     "payload.scheduled_event.event_type", "got array"},
    {"rest_invitee.json", REST_INVITEE, "resource.email", NULL, "resource.email", "missing"},
    {"rest_invitee.json", REST_INVITEE, "resource", "[]", "resource", "expected object"},
    {"rest_invitee.json", REST_INVITEE, "resource.created_at", "\"2026-03-02\"",
     "resource.created_at", "expected RFC 3339 string"},
    {"rest_scheduled_event.json", REST_SCHED, "resource.start_time", NULL, "resource.start_time",
     "missing"},
    {"rest_scheduled_event.json", REST_SCHED, "resource.uri", "7", "resource.uri", "got number"},
    {"rest_scheduled_event.json", REST_SCHED, "resource.event_memberships[0].user", "{}",
     "resource.event_memberships[0].user", "got object"},
};

static void test_missing_and_mistyped_fields_name_their_path(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof schema_cases / sizeof schema_cases[0]; i++) {
        json_t *root = load_json(schema_cases[i].fixture);
        mutate(root, schema_cases[i].mutate_path, schema_cases[i].value);
        size_t len;
        char *body = dump(root, JSON_COMPACT, &len);
        calsync_error err;
        int rc = run_parser(schema_cases[i].parser, body, len, &err);
        if (rc != CALSYNC_ERR_SCHEMA || err.code != CALSYNC_ERR_SCHEMA)
            fail_msg("case %zu (%s): rc %d, want CALSYNC_ERR_SCHEMA", i,
                     schema_cases[i].mutate_path, rc);
        if (strcmp(err.path, schema_cases[i].want_path) != 0)
            fail_msg("case %zu: path \"%s\", want \"%s\"", i, err.path, schema_cases[i].want_path);
        /* The message is the bare reason: it never repeats the path. */
        if (strstr(err.message, schema_cases[i].want_path) == err.message ||
            strstr(err.message, schema_cases[i].want_detail) == NULL)
            fail_msg("case %zu: message \"%s\" repeats \"%s\" or lacks \"%s\"", i, err.message,
                     schema_cases[i].want_path, schema_cases[i].want_detail);
        free(body);
        json_decref(root);
    }
}

static void test_bare_rest_objects_report_paths_without_a_prefix(void **state)
{
    (void)state;
    json_t *root = load_json("rest_invitee.json");
    json_t *inv = json_object_get(root, "resource");
    json_object_del(inv, "event");
    size_t len;
    char *body = dump(inv, JSON_COMPACT, &len);
    calsync_error err;
    assert_int_equal(run_parser(REST_INVITEE, body, len, &err), CALSYNC_ERR_SCHEMA);
    assert_string_equal(err.path, "event");
    assert_string_equal(err.message, "missing");
    free(body);
    json_decref(root);

    root = load_json("rest_scheduled_event.json");
    json_object_set_new(json_object_get(root, "resource"), "end_time", json_string("later"));
    body = dump(json_object_get(root, "resource"), JSON_COMPACT, &len);
    assert_int_equal(run_parser(REST_SCHED, body, len, &err), CALSYNC_ERR_SCHEMA);
    assert_string_equal(err.path, "end_time");
    free(body);
    json_decref(root);
}

static void test_top_level_array_is_a_schema_error(void **state)
{
    (void)state;
    static const char body[] = "[{\"event\":\"invitee.created\"}]";
    calsync_error err;
    for (enum parser p = WEBHOOK; p <= REST_SCHED; p++) {
        assert_int_equal(run_parser(p, body, sizeof body - 1, &err), CALSYNC_ERR_SCHEMA);
        assert_string_equal(err.path, "");
        assert_string_equal(err.message, "expected object, got array");
    }
}

static void test_null_optional_fields_are_absent(void **state)
{
    (void)state;
    static const char *nulls[] = {
        "payload.name",
        "payload.first_name",
        "payload.timezone",
        "payload.cancel_url",
        "payload.reschedule_url",
        "payload.rescheduled",
        "payload.cancellation",
        "payload.no_show",
        "payload.scheduled_event.name",
        "payload.scheduled_event.location",
        "payload.scheduled_event.event_memberships",
        "payload.scheduled_event.updated_at",
        "payload.scheduled_event.created_at",
        "payload.scheduled_event.event_type",
        "created_by",
    };
    json_t *root = load_json("invitee_canceled.json");
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        mutate(root, nulls[i], "null");
    size_t len;
    char *body = dump(root, JSON_COMPACT, &len);
    calsync_event *ev = NULL;
    calsync_error err;
    if (calsync_event_parse(&ev, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    const calsync_event_view *v = calsync_event_get(ev);
    ASSERT_STR(v->name, NULL);
    ASSERT_STR(v->first_name, NULL);
    ASSERT_STR(v->timezone, NULL);
    ASSERT_STR(v->cancel_url, NULL);
    ASSERT_STR(v->reschedule_url, NULL);
    ASSERT_STR(v->created_by, NULL);
    assert_int_equal(v->rescheduled, 0);
    assert_int_equal(v->has_cancellation, 0);
    ASSERT_STR(v->canceled_by, NULL);
    assert_int_equal(v->has_no_show, 0);
    assert_int_equal(v->status, CALSYNC_INVITEE_CANCELED);
    const calsync_scheduled_event *s = &v->scheduled_event;
    assert_int_equal(s->present, 1);
    ASSERT_STR(s->name, NULL);
    ASSERT_STR(s->location_type, NULL);
    ASSERT_STR(s->join_url, NULL);
    ASSERT_STR(s->event_type, NULL);
    assert_int_equal(s->nhosts, 0);
    ASSERT_TIME(s->updated_at, NULL);
    ASSERT_TIME(s->created_at, NULL);
    ASSERT_TIME(s->start_time, "2026-03-09T16:00:00Z");
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

static void test_unknown_fields_are_ignored(void **state)
{
    (void)state;
    json_t *root = load_json("invitee_created.json");
    mutate(root, "schema_version", "[1, {\"x\": null}]");
    mutate(root, "payload.future_flag", "true");
    mutate(root, "payload.tracking", "\"not an object any more\"");
    mutate(root, "payload.questions_and_answers", "42");
    mutate(root, "payload.scheduled_event.invitees_counter", "null");
    mutate(root, "payload.scheduled_event.location.data", "[[[]]]");
    mutate(root, "payload.scheduled_event.event_memberships[0].user_avatar", "{\"a\": 1e300}");
    size_t len;
    char *body = dump(root, JSON_COMPACT, &len);
    calsync_event *ev = NULL;
    calsync_error err;
    if (calsync_event_parse(&ev, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    ASSERT_STR(calsync_event_get(ev)->email, "ana.ruiz@example.org");
    ASSERT_STR(calsync_event_get(ev)->scheduled_event.hosts[0].name, "Jordan Lee");
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

/* ---- malformed input ----------------------------------------------------- */

static void expect_json_error(const char *body, size_t len, const char *what)
{
    for (enum parser p = WEBHOOK; p <= REST_SCHED; p++) {
        calsync_error err;
        int rc = run_parser(p, body, len, &err);
        if (rc != CALSYNC_ERR_JSON || err.code != CALSYNC_ERR_JSON)
            fail_msg("%s (parser %d): rc %d, want CALSYNC_ERR_JSON", what, (int)p, rc);
        if (strncmp(err.message, "invalid JSON at line ", 21) != 0)
            fail_msg("%s: message \"%s\"", what, err.message);
    }
}

static void test_invalid_json_is_a_json_error(void **state)
{
    (void)state;
    static const char *bodies[] = {
        "",
        "   ",
        "{",
        "{\"event\":}",
        "{\"event\":\"invitee.created\",}",
        "nul",
        "\"invitee.created\"",
        "42",
        "{\"a\":1} {\"b\":2}",
        "{'event':'x'}",
        "{\"a\":01}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        expect_json_error(bodies[i], strlen(bodies[i]), bodies[i]);
}

static void test_invalid_utf8_inside_a_string_is_a_json_error(void **state)
{
    (void)state;
    static const char body[] = "{\"event\":\"invitee.created\",\"created_at\":"
                               "\"2026-03-02T15:04:05Z\",\"payload\":{\"name\":\"Ana \xc3\x28\"}}";
    expect_json_error(body, sizeof body - 1, "0xC3 0x28");
    static const char overlong[] = "{\"name\":\"\xc0\xaf\"}";
    expect_json_error(overlong, sizeof overlong - 1, "overlong");
    static const char lone_surrogate[] = "{\"name\":\"\\ud800\"}";
    expect_json_error(lone_surrogate, sizeof lone_surrogate - 1, "lone surrogate");
}

static void test_nul_escape_and_raw_nul_are_json_errors(void **state)
{
    (void)state;
    static const char escaped[] = "{\"event\":\"invitee.created\\u0000x\",\"created_at\":"
                                  "\"2026-03-02T15:04:05Z\"}";
    expect_json_error(escaped, sizeof escaped - 1, "\\u0000");
    static const char raw[] = "{\"event\":\"invitee.created\0\",\"created_at\":"
                              "\"2026-03-02T15:04:05Z\"}";
    expect_json_error(raw, sizeof raw - 1, "raw NUL");
}

static void test_duplicate_keys_are_json_errors(void **state)
{
    (void)state;
    static const char top[] = "{\"event\":\"invitee.created\",\"event\":\"invitee.canceled\","
                              "\"created_at\":\"2026-03-02T15:04:05Z\"}";
    expect_json_error(top, sizeof top - 1, "top-level duplicate");
    /* A duplicate deep inside the real body, where a second "email" could
     * otherwise redirect the booking. */
    size_t len;
    char *body = must_read("invitee_created.json", &len);
    const char *at = strstr(body, "\"email\": \"ana.ruiz@example.org\",");
    assert_non_null(at);
    static const char dup[] = "\"email\": \"mallory@example.org\",";
    size_t head = (size_t)(at - body);
    char *twice = malloc(len + sizeof dup);
    assert_non_null(twice);
    memcpy(twice, body, head);
    memcpy(twice + head, dup, sizeof dup - 1);
    memcpy(twice + head + sizeof dup - 1, body + head, len - head);
    expect_json_error(twice, len + sizeof dup - 1, "nested duplicate");
    free(twice);
    free(body);
}

static void test_deep_nesting_is_an_error_not_a_crash(void **state)
{
    (void)state;
    const size_t depth = 10000;
    char *body = malloc(2 * depth);
    assert_non_null(body);
    memset(body, '[', depth);
    memset(body + depth, ']', depth);
    expect_json_error(body, 2 * depth, "10000 nested arrays");
    free(body);

    /* The same nesting inside an otherwise valid webhook. */
    static const char head[] = "{\"event\":\"invitee.created\",\"created_at\":"
                               "\"2026-03-02T15:04:05Z\",\"payload\":";
    size_t hl = sizeof head - 1, len = hl + 2 * depth + 1;
    body = malloc(len);
    assert_non_null(body);
    memcpy(body, head, hl);
    memset(body + hl, '[', depth);
    memset(body + hl + depth, ']', depth);
    body[len - 1] = '}';
    expect_json_error(body, len, "nested payload");
    free(body);
}

static void test_one_mib_body_parses(void **state)
{
    (void)state;
    json_t *root = load_json("invitee_created.json");
    size_t big = 1024 * 1024;
    char *answer = malloc(big + 1);
    assert_non_null(answer);
    for (size_t i = 0; i < big; i++)
        answer[i] = (char)('a' + i % 26);
    answer[big] = '\0';
    json_t *qa = json_array_get(
        json_object_get(json_object_get(root, "payload"), "questions_and_answers"), 0);
    json_object_set_new(qa, "answer", json_string(answer));
    free(answer);
    size_t len;
    char *body = dump(root, JSON_INDENT(2), &len);
    assert_true(len > big);
    calsync_event *ev = NULL;
    calsync_error err;
    if (calsync_event_parse(&ev, body, len, &err) != CALSYNC_OK)
        fail_msg("%s", err.message);
    check_ana(calsync_event_get(ev));
    check_e1_sched(&calsync_event_get(ev)->scheduled_event, "active",
                   "2026-03-02T15:04:06.100000Z");
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

static void test_over_the_limit_is_too_large_before_parsing(void **state)
{
    (void)state;
    size_t len = CALSYNC_BODY_MAX + 1;
    char *body = malloc(len);
    assert_non_null(body);
    memset(body, ' ', len);
    for (enum parser p = WEBHOOK; p <= REST_SCHED; p++) {
        calsync_error err;
        assert_int_equal(run_parser(p, body, len, &err), CALSYNC_ERR_TOO_LARGE);
        assert_int_equal(err.code, CALSYNC_ERR_TOO_LARGE);
        assert_non_null(strstr(err.message, "16777217 bytes"));
        /* At exactly the limit the body is parsed (and here refused as JSON). */
        assert_int_equal(run_parser(p, body, len - 1, &err), CALSYNC_ERR_JSON);
    }
    free(body);
}

static void test_length_is_honoured_without_a_terminating_nul(void **state)
{
    (void)state;
    size_t len;
    char *text = must_read("invitee_created.json", &len);
    char *exact = malloc(len);
    assert_non_null(exact);
    memcpy(exact, text, len);
    calsync_event *ev = NULL;
    assert_int_equal(calsync_event_parse(&ev, exact, len, NULL), CALSYNC_OK);
    ASSERT_STR(calsync_event_get(ev)->uri, I1);
    calsync_event_free(ev);
    /* One byte short: the closing brace is outside the length. */
    ev = NULL;
    assert_int_equal(calsync_event_parse(&ev, exact, len - 2, NULL), CALSYNC_ERR_JSON);
    assert_null(ev);
    free(exact);
    free(text);
}

static void test_bad_arguments_are_invalid(void **state)
{
    (void)state;
    calsync_event *ev = (calsync_event *)1;
    calsync_sched *s = NULL;
    calsync_error err;
    assert_int_equal(calsync_event_parse(NULL, "{}", 2, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_event_parse(&ev, NULL, 2, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_event_parse_rest_invitee(NULL, "{}", 2, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_sched_parse(&s, NULL, 5, &err), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(err.code, CALSYNC_ERR_ARGUMENT);
    char key[CALSYNC_DEDUPE_KEY_LEN + 1];
    assert_int_equal(calsync_event_dedupe_key(key, sizeof key, NULL), CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_dedupe_key_raw(key, sizeof key - 1, (const unsigned char *)"x", 1),
                     CALSYNC_ERR_ARGUMENT);
    assert_int_equal(calsync_dedupe_key_raw(key, sizeof key, NULL, 1), CALSYNC_ERR_ARGUMENT);
    char *out = NULL;
    assert_int_equal(calsync_event_redact(&out, NULL, NULL, &err), CALSYNC_ERR_ARGUMENT);
    assert_null(out);
}

/* ---- dedupe keys ----------------------------------------------------------- */

static void key_of(char *key, const char *body, size_t len, int rest)
{
    calsync_event *ev = NULL;
    calsync_error err;
    int rc = rest ? calsync_event_parse_rest_invitee(&ev, body, len, &err)
                  : calsync_event_parse(&ev, body, len, &err);
    if (rc != CALSYNC_OK)
        fail_msg("%s", err.message);
    assert_int_equal(calsync_event_dedupe_key(key, CALSYNC_DEDUPE_KEY_LEN + 1, ev), CALSYNC_OK);
    assert_int_equal(strlen(key), CALSYNC_DEDUPE_KEY_LEN);
    calsync_event_free(ev);
}

static void fixture_key(char *key, const char *name, int rest)
{
    size_t len;
    char *body = must_read(name, &len);
    key_of(key, body, len, rest);
    free(body);
}

static void test_dedupe_key_is_sha256_of_the_documented_bytes(void **state)
{
    (void)state;
    char key[CALSYNC_DEDUPE_KEY_LEN + 1];
    /* printf 'invitee.created\0<I1>\0<created_at us>' | sha256sum */
    fixture_key(key, "invitee_created.json", 0);
    assert_string_equal(key, "eecbe4ba6b09a369917e8e9733c4f46aae3c91d81af37cd4413995508f388f67");
    /* printf 'rest\0<I1>\0<updated_at us>' | sha256sum */
    fixture_key(key, "rest_invitee.json", 1);
    assert_string_equal(key, "8168266268b6b48cfb481e71849f91949c02c6976c7c86f7fe23eff73a07f671");
    /* sha256sum other_event.json */
    fixture_key(key, "other_event.json", 0);
    assert_string_equal(key, "7a4ec612f6a25dfbfd66eb143466bf9c6765b91f7dc3db1eb6b30b0d991d2ac1");
}

static void test_dedupe_key_is_stable_across_reserialisation(void **state)
{
    (void)state;
    static const char *names[] = {"invitee_created.json", "invitee_canceled.json",
                                  "no_show_created.json", "reschedule_new_created.json"};
    static const size_t flags[] = {JSON_COMPACT, JSON_INDENT(4) | JSON_SORT_KEYS,
                                   JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH | JSON_COMPACT};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        char pretty[CALSYNC_DEDUPE_KEY_LEN + 1], other[CALSYNC_DEDUPE_KEY_LEN + 1];
        fixture_key(pretty, names[n], 0);
        json_t *root = load_json(names[n]);
        for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
            size_t len;
            char *body = dump(root, flags[f], &len);
            key_of(other, body, len, 0);
            if (strcmp(pretty, other) != 0)
                fail_msg("%s: key changed with dump flags %zx", names[n], flags[f]);
            free(body);
        }
        json_decref(root);
    }
}

static void test_dedupe_keys_differ_between_deliveries(void **state)
{
    (void)state;
    static const char *names[] = {
        "invitee_created.json",
        "invitee_canceled.json",
        "no_show_created.json",
        "no_show_deleted.json",
        "reschedule_old_canceled.json",
        "reschedule_new_created.json",
        "invitee_created_no_scheduled_event.json",
        "other_event.json",
    };
    enum { N = sizeof names / sizeof names[0] };
    char keys[N + 2][CALSYNC_DEDUPE_KEY_LEN + 1];
    for (size_t i = 0; i < N; i++)
        fixture_key(keys[i], names[i], 0);
    fixture_key(keys[N], "rest_invitee.json", 1);
    /* Same invitee and name, envelope one microsecond later: a new delivery. */
    json_t *root = load_json("invitee_created.json");
    mutate(root, "created_at", "\"2026-03-02T15:04:05.123457Z\"");
    size_t len;
    char *body = dump(root, JSON_COMPACT, &len);
    key_of(keys[N + 1], body, len, 0);
    free(body);
    json_decref(root);
    for (size_t i = 0; i < N + 2; i++)
        for (size_t j = i + 1; j < N + 2; j++)
            if (strcmp(keys[i], keys[j]) == 0)
                fail_msg("keys %zu and %zu collide: %s", i, j, keys[i]);
}

static void test_other_events_key_is_the_raw_body_key(void **state)
{
    (void)state;
    size_t len;
    char *body = must_read("other_event.json", &len);
    char a[CALSYNC_DEDUPE_KEY_LEN + 1], b[CALSYNC_DEDUPE_KEY_LEN + 1];
    key_of(a, body, len, 0);
    assert_int_equal(calsync_dedupe_key_raw(b, sizeof b, (const unsigned char *)body, len),
                     CALSYNC_OK);
    assert_string_equal(a, b);
    /* One byte more of white space is another body, so another key. */
    char *longer = malloc(len + 1);
    assert_non_null(longer);
    memcpy(longer, body, len);
    longer[len] = '\n';
    key_of(b, longer, len + 1, 0);
    assert_string_not_equal(a, b);
    assert_int_equal(calsync_dedupe_key_raw(b, sizeof b, NULL, 0), CALSYNC_OK);
    assert_string_equal(b, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    free(longer);
    free(body);
}

/* ---- redaction --------------------------------------------------------------- */

static json_t *redacted(const calsync_event *ev)
{
    char *out = NULL;
    size_t len = 0;
    calsync_error err;
    if (calsync_event_redact(&out, &len, ev, &err) != CALSYNC_OK)
        fail_msg("redact: %s", err.message);
    assert_int_equal(strlen(out), len);
    assert_null(strchr(out, '\n')); /* compact */
    assert_null(strstr(out, "\": "));
    json_t *root = json_loadb(out, len, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(root);
    free(out);
    return root;
}

static void test_redact_removes_sensitive_parts_and_keeps_the_rest(void **state)
{
    (void)state;
    calsync_event *ev = parse_fixture("reschedule_old_canceled.json");
    json_t *orig = load_json("reschedule_old_canceled.json");
    json_t *r = redacted(ev);
    json_t *p = json_object_get(r, "payload");
    assert_non_null(json_object_get(json_object_get(orig, "payload"), "payment"));
    assert_null(json_object_get(p, "payment"));
    json_t *tracking = json_object_get(p, "tracking");
    assert_non_null(tracking);
    assert_null(json_object_get(tracking, "salesforce_uuid"));
    assert_true(json_object_get(tracking, "utm_medium") != NULL);
    /* Everything else survives unchanged. */
    json_object_del(json_object_get(orig, "payload"), "payment");
    json_object_del(json_object_get(orig, "payload"), "questions_and_answers");
    json_object_del(json_object_get(orig, "payload"), "text_reminder_number");
    json_object_del(json_object_get(json_object_get(orig, "payload"), "tracking"),
                    "salesforce_uuid");
    assert_true(json_equal(orig, r));
    json_decref(r);
    json_decref(orig);
    calsync_event_free(ev);

    ev = parse_fixture("invitee_created.json");
    r = redacted(ev);
    p = json_object_get(r, "payload");
    json_t *loc = json_object_get(json_object_get(p, "scheduled_event"), "location");
    assert_null(json_object_get(loc, "data"));
    assert_string_equal(json_string_value(json_object_get(loc, "join_url")), ZOOM_JOIN);
    assert_string_equal(json_string_value(json_object_get(loc, "type")), "zoom");
    assert_null(json_object_get(json_object_get(p, "tracking"), "salesforce_uuid"));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(p, "tracking"), "utm_source")), "portal");
    assert_null(json_object_get(p, "questions_and_answers"));
    assert_null(json_object_get(p, "text_reminder_number"));
    assert_string_equal(json_string_value(json_object_get(p, "email")), "ana.ruiz@example.org");
    assert_string_equal(json_string_value(json_object_get(r, "event")), "invitee.created");
    assert_string_equal(json_string_value(json_object_get(p, "invitee_booking_source")), "web");
    /* The handle itself is untouched: a second redaction is identical. */
    json_t *again = redacted(ev);
    assert_true(json_equal(r, again));
    ASSERT_STR(calsync_event_get(ev)->scheduled_event.join_url, ZOOM_JOIN);
    json_decref(again);
    json_decref(r);
    calsync_event_free(ev);
}

static void test_redact_removes_passwords_anywhere_under_location(void **state)
{
    (void)state;
    json_t *root = load_json("invitee_created.json");
    mutate(root, "payload.scheduled_event.location.password", "\"top\"");
    mutate(root, "payload.scheduled_event.location.extra",
           "{\"password\": \"nested\", \"dial\": [{\"password\": \"in array\", \"n\": 1}]}");
    mutate(root, "payload.questions_and_answers[0].answer", "\"my password is kept here\"");
    size_t len;
    char *body = dump(root, JSON_COMPACT, &len);
    calsync_event *ev = NULL;
    assert_int_equal(calsync_event_parse(&ev, body, len, NULL), CALSYNC_OK);
    char *out = NULL;
    assert_int_equal(calsync_event_redact(&out, NULL, ev, NULL), CALSYNC_OK);
    assert_null(strstr(out, "\"password\""));
    assert_null(strstr(out, "nested"));
    assert_null(strstr(out, "in array"));
    assert_null(strstr(out, "k7Qp2x"));
    assert_non_null(strstr(out, "\"dial\":[{\"n\":1}]"));
    assert_null(strstr(out, "my password is kept here")); /* answers are removed whole */
    free(out);
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

static void test_redact_of_a_rest_invitee_strips_the_resource(void **state)
{
    (void)state;
    json_t *root = load_json("rest_invitee.json");
    mutate(root, "resource.payment", "{\"external_id\": \"ch_1\", \"amount\": 40}");
    size_t len;
    char *body = dump(root, JSON_COMPACT, &len);
    calsync_event *ev = NULL;
    assert_int_equal(calsync_event_parse_rest_invitee(&ev, body, len, NULL), CALSYNC_OK);
    json_t *r = redacted(ev);
    json_t *res = json_object_get(r, "resource");
    assert_non_null(res);
    assert_null(json_object_get(res, "payment"));
    assert_null(json_object_get(json_object_get(res, "tracking"), "salesforce_uuid"));
    assert_string_equal(json_string_value(json_object_get(res, "uri")), I1);
    json_decref(r);
    calsync_event_free(ev);
    free(body);
    json_decref(root);
}

/* The kind names come from one table in the core (the extension uses it
 * too); only Calendly's four names select a kind when parsing. */
static void test_kind_names_come_from_one_table(void **state)
{
    (void)state;
    static const struct {
        calsync_event_kind kind;
        const char *name;
        const char *fixture;
    } kinds[] = {
        {CALSYNC_EVENT_INVITEE_CREATED, "invitee.created", "invitee_created.json"},
        {CALSYNC_EVENT_INVITEE_CANCELED, "invitee.canceled", "invitee_canceled.json"},
        {CALSYNC_EVENT_NO_SHOW_CREATED, "invitee_no_show.created", "no_show_created.json"},
        {CALSYNC_EVENT_NO_SHOW_DELETED, "invitee_no_show.deleted", "no_show_deleted.json"},
        {CALSYNC_EVENT_REST_INVITEE, "rest_invitee", NULL},
        {CALSYNC_EVENT_OTHER, "other", "other_event.json"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        assert_string_equal(calsync_event_kind_name(kinds[i].kind), kinds[i].name);
        if (kinds[i].fixture == NULL)
            continue;
        size_t len;
        char *body = fixture_read(kinds[i].fixture, &len);
        assert_non_null(body);
        calsync_event *ev = NULL;
        calsync_error err;
        assert_int_equal(calsync_event_parse(&ev, body, len, &err), CALSYNC_OK);
        assert_int_equal(calsync_event_get(ev)->kind, kinds[i].kind);
        calsync_event_free(ev);
        free(body);
    }
    assert_null(calsync_event_kind_name((calsync_event_kind)(CALSYNC_EVENT_REST_INVITEE + 1)));
    assert_null(calsync_event_kind_name((calsync_event_kind)-1));
    /* Our own names are no webhook names. */
    static const char *const ours[] = {"rest_invitee", "other"};
    for (size_t i = 0; i < 2; i++) {
        json_t *root = load_json("other_event.json");
        json_object_set_new(root, "event", json_string(ours[i]));
        size_t len;
        char *body = dump(root, JSON_COMPACT, &len);
        calsync_event *ev = NULL;
        calsync_error err;
        assert_int_equal(calsync_event_parse(&ev, body, len, &err), CALSYNC_OK);
        assert_int_equal(calsync_event_get(ev)->kind, CALSYNC_EVENT_OTHER);
        calsync_event_free(ev);
        free(body);
        json_decref(root);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invitee_created_gives_every_field),
        cmocka_unit_test(test_invitee_canceled_gives_the_cancellation),
        cmocka_unit_test(test_reschedule_pair_links_both_ways),
        cmocka_unit_test(test_no_show_created_gives_the_no_show),
        cmocka_unit_test(test_no_show_deleted_has_a_null_no_show),
        cmocka_unit_test(test_older_shape_without_scheduled_event_parses),
        cmocka_unit_test(test_scheduled_event_null_is_not_present),
        cmocka_unit_test(test_other_event_parses_only_the_envelope),
        cmocka_unit_test(test_unknown_event_name_is_other_whatever_its_payload),
        cmocka_unit_test(test_rest_invitee_parses_wrapped_and_bare),
        cmocka_unit_test(test_rest_invitees_page_items_parse),
        cmocka_unit_test(test_rest_scheduled_event_parses_wrapped_and_bare),
        cmocka_unit_test(test_views_borrow_from_the_handle),
        cmocka_unit_test(test_hosts_are_capped_at_hosts_max),
        cmocka_unit_test(test_host_emails_keep_every_host_in_order),
        cmocka_unit_test(test_host_emails_of_a_rest_scheduled_event_and_invitee),
        cmocka_unit_test(test_missing_and_mistyped_fields_name_their_path),
        cmocka_unit_test(test_bare_rest_objects_report_paths_without_a_prefix),
        cmocka_unit_test(test_top_level_array_is_a_schema_error),
        cmocka_unit_test(test_null_optional_fields_are_absent),
        cmocka_unit_test(test_unknown_fields_are_ignored),
        cmocka_unit_test(test_invalid_json_is_a_json_error),
        cmocka_unit_test(test_invalid_utf8_inside_a_string_is_a_json_error),
        cmocka_unit_test(test_nul_escape_and_raw_nul_are_json_errors),
        cmocka_unit_test(test_duplicate_keys_are_json_errors),
        cmocka_unit_test(test_deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(test_one_mib_body_parses),
        cmocka_unit_test(test_over_the_limit_is_too_large_before_parsing),
        cmocka_unit_test(test_length_is_honoured_without_a_terminating_nul),
        cmocka_unit_test(test_bad_arguments_are_invalid),
        cmocka_unit_test(test_dedupe_key_is_sha256_of_the_documented_bytes),
        cmocka_unit_test(test_dedupe_key_is_stable_across_reserialisation),
        cmocka_unit_test(test_dedupe_keys_differ_between_deliveries),
        cmocka_unit_test(test_other_events_key_is_the_raw_body_key),
        cmocka_unit_test(test_redact_removes_sensitive_parts_and_keeps_the_rest),
        cmocka_unit_test(test_redact_removes_passwords_anywhere_under_location),
        cmocka_unit_test(test_redact_of_a_rest_invitee_strips_the_resource),
        cmocka_unit_test(test_kind_names_come_from_one_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
