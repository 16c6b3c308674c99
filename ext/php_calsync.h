/* SPDX-License-Identifier: MIT */
/* The calsync extension's module entry, as PHP's build and static linking expect it. */
#ifndef PHP_CALSYNC_H
#define PHP_CALSYNC_H

extern zend_module_entry calsync_module_entry;
#define phpext_calsync_ptr &calsync_module_entry

#if PHP_VERSION_ID < 80200
#error "calsync needs PHP 8.2 or later: its arginfo uses the SensitiveParameter attribute"
#endif

#define PHP_CALSYNC_VERSION "0.2.0" /* = VERSION (scripts/lint versions) */

#if defined(ZTS) && defined(COMPILE_DL_CALSYNC)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif /* PHP_CALSYNC_H */
