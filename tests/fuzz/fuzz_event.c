/* SPDX-License-Identifier: MIT */
/* libFuzzer target: one body through the webhook, REST invitee and REST
 * scheduled event parsers; what parses is keyed and redacted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calsync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every byte of a view, so ASan sees a view that outlives or
 * overruns its storage. */
static unsigned sum_str(calsync_str s)
{
    unsigned h = 0;
    if (s.ptr == NULL) {
        if (s.len != 0)
            abort();
        return 0;
    }
    for (size_t i = 0; i < s.len; i++)
        h = h * 31 + (unsigned char)s.ptr[i];
    return h;
}

static unsigned sum_sched(const calsync_scheduled_event *s)
{
    unsigned h = sum_str(s->uri) + sum_str(s->uuid) + sum_str(s->name) + sum_str(s->status) +
                 sum_str(s->event_type) + sum_str(s->location_type) + sum_str(s->join_url);
    if (s->nhosts > CALSYNC_HOSTS_MAX)
        abort();
    if (s->present && (s->uri.ptr == NULL || s->start_time == CALSYNC_TIME_NONE ||
                       s->end_time == CALSYNC_TIME_NONE))
        abort();
    for (size_t i = 0; i < s->nhosts; i++)
        h += sum_str(s->hosts[i].user_uri) + sum_str(s->hosts[i].email) + sum_str(s->hosts[i].name);
    return h;
}

static void check_error(int rc, const calsync_error *err)
{
    if (rc != CALSYNC_ERR_JSON && rc != CALSYNC_ERR_SCHEMA && rc != CALSYNC_ERR_TOO_LARGE)
        abort();
    if (err->code != rc || err->message[0] == '\0' ||
        memchr(err->path, 0, sizeof err->path) == NULL)
        abort();
}

static void exercise(calsync_event *ev)
{
    const calsync_event_view *v = calsync_event_get(ev);
    volatile unsigned h = sum_str(v->event_name) + sum_str(v->created_by);
    if (v->kind != CALSYNC_EVENT_OTHER) {
        if (v->uri.ptr == NULL || v->email.ptr == NULL || v->event_uri.ptr == NULL)
            abort();
        h += sum_str(v->uri) + sum_str(v->uuid) + sum_str(v->email) + sum_str(v->name) +
             sum_str(v->first_name) + sum_str(v->last_name) + sum_str(v->timezone) +
             sum_str(v->event_uri) + sum_str(v->event_uuid) + sum_str(v->old_invitee) +
             sum_str(v->new_invitee) + sum_str(v->cancel_url) + sum_str(v->reschedule_url) +
             sum_str(v->canceled_by) + sum_str(v->cancel_reason) + sum_str(v->canceler_type) +
             sum_str(v->no_show_uri) + sum_str(v->no_show_uuid) + sum_sched(&v->scheduled_event);
    }
    (void)h;

    char key[CALSYNC_DEDUPE_KEY_LEN + 1], again[CALSYNC_DEDUPE_KEY_LEN + 1];
    if (calsync_event_dedupe_key(key, sizeof key, ev) != CALSYNC_OK || strlen(key) != 64 ||
        calsync_event_dedupe_key(again, sizeof again, ev) != CALSYNC_OK || strcmp(key, again) != 0)
        abort();

    char *out = NULL;
    size_t out_len = 0;
    if (calsync_event_redact(&out, &out_len, ev, NULL) != CALSYNC_OK || strlen(out) != out_len)
        abort();
    /* A redacted webhook is still a webhook of the same kind and identity. */
    if (v->kind != CALSYNC_EVENT_REST_INVITEE) {
        calsync_event *re = NULL;
        if (calsync_event_parse(&re, out, out_len, NULL) != CALSYNC_OK)
            abort();
        const calsync_event_view *rv = calsync_event_get(re);
        if (rv->kind != v->kind || rv->envelope_created_at != v->envelope_created_at ||
            rv->updated_at != v->updated_at || sum_str(rv->uri) != sum_str(v->uri))
            abort();
        calsync_event_free(re);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    calsync_error err;
    calsync_event *ev = NULL;
    int rc = calsync_event_parse(&ev, body, size, &err);
    if (rc == CALSYNC_OK)
        exercise(ev);
    else if (ev != NULL)
        abort();
    else
        check_error(rc, &err);
    calsync_event_free(ev);

    ev = NULL;
    rc = calsync_event_parse_rest_invitee(&ev, body, size, &err);
    if (rc == CALSYNC_OK)
        exercise(ev);
    else
        check_error(rc, &err);
    calsync_event_free(ev);

    calsync_sched *s = NULL;
    rc = calsync_sched_parse(&s, body, size, &err);
    if (rc == CALSYNC_OK) {
        volatile unsigned h = sum_sched(calsync_sched_get(s));
        (void)h;
        if (!calsync_sched_get(s)->present)
            abort();
    } else {
        check_error(rc, &err);
    }
    calsync_sched_free(s);
    return 0;
}
