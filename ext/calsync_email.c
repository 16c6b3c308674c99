/* SPDX-License-Identifier: MIT */
/* Calsync\Email: normalisation and matching of an invitee's address against WordPress users. */
#include "calsync_glue.h"

ZEND_METHOD(Calsync_Email, normalize)
{
    zend_string *email;
    ZEND_PARSE_PARAMETERS_START(1, 1)
    Z_PARAM_STR(email)
    ZEND_PARSE_PARAMETERS_END();

    /* The result is never longer than the input: one allocation, no copy. */
    zend_string *out = zend_string_alloc(ZSTR_LEN(email), 0);
    size_t len = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_email_normalize(ZSTR_VAL(out), ZSTR_LEN(email) + 1, &len, ZSTR_VAL(email),
                                ZSTR_LEN(email), &err) != CALSYNC_OK) {
        zend_string_efree(out);
        /* Not an address is a fact about the data (a Calendly invitee can
         * type anything): CALSYNC_ERR_INPUT, an InputException. */
        calsync_throw(&err);
        RETURN_THROWS();
    }
    ZSTR_LEN(out) = len;
    ZSTR_VAL(out)[len] = '\0';
    RETURN_NEW_STR(out);
}

/* Reads one candidate row; FAILURE with a TypeError or ValueError thrown. */
static zend_result candidate_from_zval(calsync_candidate *c, zval *row, uint32_t pos)
{
    ZVAL_DEREF(row);
    if (Z_TYPE_P(row) != IS_ARRAY) {
        zend_argument_type_error(3, "must contain only arrays, %s given at index %u",
                                 zend_zval_type_name(row), pos);
        return FAILURE;
    }
    memset(c, 0, sizeof *c);
    int have_id = 0, have_email = 0;
    zend_string *key;
    zval *v;
    ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(row), key, v)
    {
        ZVAL_DEREF(v);
        if (key != NULL && zend_string_equals_literal(key, "user_id")) {
            if (Z_TYPE_P(v) != IS_LONG)
                goto type_error;
            c->user_id = (int64_t)Z_LVAL_P(v);
            have_id = 1;
        } else if (key != NULL && zend_string_equals_literal(key, "email")) {
            if (Z_TYPE_P(v) != IS_STRING)
                goto type_error;
            c->email = calsync_str_from_zstr(Z_STR_P(v));
            have_email = 1;
        } else if (key != NULL && zend_string_equals_literal(key, "name")) {
            if (Z_TYPE_P(v) == IS_STRING)
                c->name = calsync_str_from_zstr(Z_STR_P(v));
            else if (Z_TYPE_P(v) != IS_NULL)
                goto type_error;
        } else if (key != NULL && zend_string_equals_literal(key, "alias")) {
            if (Z_TYPE_P(v) != IS_TRUE && Z_TYPE_P(v) != IS_FALSE)
                goto type_error;
            c->is_alias = Z_TYPE_P(v) == IS_TRUE;
        } else {
            zend_argument_value_error(3,
                                      "contains an unknown key%s%s%s at index %u "
                                      "(expected \"user_id\", \"email\", \"name\", \"alias\")",
                                      key ? " \"" : "", key ? ZSTR_VAL(key) : "", key ? "\"" : "",
                                      pos);
            return FAILURE;
        }
        continue;
    type_error:
        zend_argument_type_error(3, "key \"%s\" at index %u has the wrong type, %s given",
                                 ZSTR_VAL(key), pos, zend_zval_type_name(v));
        return FAILURE;
    }
    ZEND_HASH_FOREACH_END();

    if (!have_id || !have_email) {
        zend_argument_value_error(3, "must give \"user_id\" and \"email\" at index %u", pos);
        return FAILURE;
    }
    return SUCCESS;
}

ZEND_METHOD(Calsync_Email, match)
{
    zend_string *email, *name = NULL;
    HashTable *cands_ht;
    ZEND_PARSE_PARAMETERS_START(3, 3)
    Z_PARAM_STR(email)
    Z_PARAM_STR_OR_NULL(name)
    Z_PARAM_ARRAY_HT(cands_ht)
    ZEND_PARSE_PARAMETERS_END();

    uint32_t n = zend_hash_num_elements(cands_ht);
    /* One match per candidate at most; allocate for at least one so that
     * an empty list still gives the core a valid buffer. */
    calsync_candidate *cands = safe_emalloc(n ? n : 1, sizeof(calsync_candidate), 0);
    calsync_match *matches = safe_emalloc(n ? n : 1, sizeof(calsync_match), 0);

    uint32_t i = 0;
    zval *row;
    ZEND_HASH_FOREACH_VAL(cands_ht, row)
    {
        if (candidate_from_zval(&cands[i], row, i) == FAILURE)
            goto out;
        i++;
    }
    ZEND_HASH_FOREACH_END();

    size_t count = 0;
    int64_t link = 0;
    calsync_error err;
    calsync_error_reset(&err);
    if (calsync_email_match(matches, n ? n : 1, &count, &link, ZSTR_VAL(email), ZSTR_LEN(email),
                            name ? ZSTR_VAL(name) : NULL, name ? ZSTR_LEN(name) : 0, cands, n,
                            &err) != CALSYNC_OK) {
        /* An invitee e-mail that is no address: InputException; the core
         * refusing a candidate (a user id <= 0): ValueError for $candidates. */
        calsync_throw_arg(&err, 3, "was refused by the matcher");
        goto out;
    }

    zval z, list;
    array_init_size(return_value, 2);
    if (link != 0)
        ZVAL_LONG(&z, (zend_long)link);
    else
        ZVAL_NULL(&z);
    CALSYNC_ADD(Z_ARRVAL_P(return_value), "link", &z);
    array_init_size(&list, (uint32_t)count);
    for (size_t k = 0; k < count; k++) {
        zval m, v;
        array_init_size(&m, 4);
        ZVAL_LONG(&v, (zend_long)matches[k].user_id);
        CALSYNC_ADD(Z_ARRVAL(m), "user_id", &v);
        ZVAL_STRING(&v, calsync_match_reason_name(matches[k].reason));
        CALSYNC_ADD(Z_ARRVAL(m), "reason", &v);
        ZVAL_LONG(&v, matches[k].distance);
        CALSYNC_ADD(Z_ARRVAL(m), "distance", &v);
        ZVAL_LONG(&v, (zend_long)matches[k].index);
        CALSYNC_ADD(Z_ARRVAL(m), "index", &v);
        zend_hash_next_index_insert_new(Z_ARRVAL(list), &m);
    }
    CALSYNC_ADD(Z_ARRVAL_P(return_value), "matches", &list);
out:
    efree(cands);
    efree(matches);
}
