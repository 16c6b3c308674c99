/* The calsync extension's module entry, as PHP's build and static linking expect it. */
#ifndef PHP_CALSYNC_H
#define PHP_CALSYNC_H

extern zend_module_entry calsync_module_entry;
#define phpext_calsync_ptr &calsync_module_entry

#define PHP_CALSYNC_VERSION "0.1.0"

#if defined(ZTS) && defined(COMPILE_DL_CALSYNC)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif /* PHP_CALSYNC_H */
