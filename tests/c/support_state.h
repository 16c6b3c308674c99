/* SPDX-License-Identifier: MIT */
/* Helpers for the session-state tests: event views built as plain structs, and field-level diffs of
 * facts. */
#ifndef SUPPORT_STATE_H
#define SUPPORT_STATE_H

#include "calsync.h"

#include <stdint.h>
#include <stdio.h>

/* A view of a NUL-terminated string; NULL gives an absent string. */
calsync_str support_state_str(const char *s);

/* Fills *v as Calendly would send `kind` for invitee `uri` of scheduled
 * event `event_uri`: e-mail, name, time zone, self-service links; status
 * canceled for CALSYNC_EVENT_INVITEE_CANCELED, else active; no
 * cancellation, no no-show, no embedded scheduled event, every other time
 * CALSYNC_TIME_NONE.  REST invitees get no envelope.  Strings are static
 * or borrowed from the arguments. */
void support_state_view(calsync_event_view *v, calsync_event_kind kind, const char *uri,
                        const char *event_uri, int64_t updated_at, int64_t envelope_at);

/* Adds an embedded scheduled event (one host) to *v. */
void support_state_embed_sched(calsync_event_view *v, int64_t updated_at, int64_t start_at);

/* 1 when field f of a and b is equal (strings by content), written
 * independently of the library so that it can check the library. */
int support_state_field_equal(const calsync_facts *a, const calsync_facts *b, calsync_field f);

/* Bit (1 << f) for every field that differs. */
uint64_t support_state_diff_mask(const calsync_facts *a, const calsync_facts *b);

/* The first differing field, or -1 when equal. */
int support_state_first_diff(const calsync_facts *a, const calsync_facts *b);

/* The invitee's personal facts, listed here independently of the library:
 * email, name, timezone, cancel_url, reschedule_url, cancel_reason,
 * canceled_by.  forget empties them; mask has their bits; the first
 * personal field that is present, or -1. */
void support_state_forget_personal(calsync_facts *f);
uint64_t support_state_personal_mask(void);
int support_state_first_personal(const calsync_facts *f);

/* Writes field f of facts as text ("absent", a number, or the string). */
void support_state_print_field(FILE *out, const calsync_facts *f, calsync_field field);

/* Writes every non-empty field, one per line, under a label. */
void support_state_print_facts(FILE *out, const char *label, const calsync_facts *f);

#endif /* SUPPORT_STATE_H */
