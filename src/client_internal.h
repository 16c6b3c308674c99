/* SPDX-License-Identifier: MIT */
/* Private to the REST client: its answer parsers, exposed for the fuzz target. */
#ifndef CALSYNC_CLIENT_INTERNAL_H
#define CALSYNC_CLIENT_INTERNAL_H

#include "calsync.h"

/*
 * Fills err from an error answer: code CALSYNC_ERR_HTTP, http_status,
 * Calendly's title, and the message "title: message (parameter: message;
 * ...)", or "HTTP <status>" when the body says nothing usable (not JSON,
 * no title nor message).  An OAuth error answer {error, error_description}
 * reads the same way: the error code as title.  Any bytes are accepted.  Returns
 * CALSYNC_ERR_HTTP; err may be NULL.
 */
int calsync_client_parse_error(calsync_error *err, int status, const char *body, size_t len);

/*
 * Splits a {collection: [...], pagination: {next_page_token}} answer into
 * a page.  *out: owned, free with calsync_page_free.  CALSYNC_ERR_JSON for
 * a body that is not JSON, CALSYNC_ERR_SCHEMA (with path) for a missing
 * collection or a mistyped field, CALSYNC_ERR_TOO_LARGE over
 * CALSYNC_BODY_MAX.
 */
int calsync_client_parse_page(calsync_page **out, const char *body, size_t len, calsync_error *err);

#endif /* CALSYNC_CLIENT_INTERNAL_H */
