dnl SPDX-License-Identifier: MIT
dnl phpize build of the calsync extension: the Zend glue in ext/ and libcalsync in src/, one .so.

PHP_ARG_ENABLE([calsync],
  [whether to enable the calsync extension],
  [AS_HELP_STRING([--enable-calsync], [Enable the calsync extension (libcalsync for PHP)])],
  [yes])

dnl Warnings as errors only where asked: scripts/build-ext (developers, CI)
dnl passes --enable-calsync-werror; a package build (phpize && ./configure)
dnl must not fail on a warning that a newer compiler or PHP header adds.
PHP_ARG_ENABLE([calsync-werror],
  [whether to treat compiler warnings as errors in calsync],
  [AS_HELP_STRING([--enable-calsync-werror], [Build calsync with -Werror (development and CI builds)])],
  [no],
  [no])

if test "$PHP_CALSYNC" != "no"; then
  dnl PHP 8.2 or later: the arginfo marks secrets #[\SensitiveParameter]
  dnl (ZEND_STR_SENSITIVEPARAMETER, new in 8.2).  phpize's configure knows
  dnl php-config; the version is that of the headers we build against.
  AC_MSG_CHECKING([for PHP 8.2 or later])
  calsync_php_vernum=`$PHP_CONFIG --vernum 2>/dev/null`
  calsync_php_version=`$PHP_CONFIG --version 2>/dev/null`
  if test -z "$calsync_php_vernum" || test "$calsync_php_vernum" -lt 80200; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([calsync needs the headers of PHP 8.2 or later; these are PHP $calsync_php_version ($PHP_CONFIG). Install the development headers of a newer PHP (on Debian 12: apt-get install php8.2-dev) and run its phpize.])
  fi
  AC_MSG_RESULT([yes, $calsync_php_version])

  PKG_PROG_PKG_CONFIG
  if test -z "$PKG_CONFIG"; then
    AC_MSG_ERROR([pkg-config not found: calsync finds jansson, libcurl and OpenSSL through it. On Debian: apt-get install pkg-config])
  fi

  PKG_CHECK_MODULES([JANSSON], [jansson >= 2.10], [],
    [AC_MSG_ERROR([jansson >= 2.10 not found by pkg-config: calsync parses webhook bodies with it. On Debian: apt-get install libjansson-dev])])
  PKG_CHECK_MODULES([CURL], [libcurl >= 7.68], [],
    [AC_MSG_ERROR([libcurl >= 7.68 not found by pkg-config: calsync's REST client uses it. On Debian: apt-get install libcurl4-openssl-dev])])
  PKG_CHECK_MODULES([OPENSSL], [libcrypto >= 3.0], [],
    [AC_MSG_ERROR([OpenSSL (libcrypto) >= 3.0 not found by pkg-config: calsync signs, verifies and seals with it. On Debian: apt-get install libssl-dev])])

  PHP_EVAL_INCLINE([$JANSSON_CFLAGS $CURL_CFLAGS $OPENSSL_CFLAGS])
  PHP_EVAL_LIBLINE([$JANSSON_LIBS $CURL_LIBS $OPENSSL_LIBS -lm], [CALSYNC_SHARED_LIBADD])
  PHP_SUBST([CALSYNC_SHARED_LIBADD])

  dnl Sources are globbed when configure runs, so a new core module needs no
  dnl edit here; they must sit below this folder (phpize derives object names
  dnl from the relative path).
  calsync_sources=`cd "$abs_srcdir" && echo ext/*.c src/*.c`
  case "$calsync_sources" in
    *'*'*) AC_MSG_ERROR([no ext/*.c or src/*.c below $abs_srcdir: run phpize and configure in the folder of config.m4]) ;;
  esac

  PHP_ADD_INCLUDE([$abs_srcdir/src])
  PHP_ADD_BUILD_DIR([$ext_builddir/ext], 1)
  PHP_ADD_BUILD_DIR([$ext_builddir/src], 1)

  dnl Our own code is warning-free; in our builds -Werror keeps it so.  C11
  dnl with the POSIX and BSD interfaces the core and the Zend headers use
  dnl (explicit_bzero).
  calsync_werror=""
  if test "$PHP_CALSYNC_WERROR" = "yes"; then
    calsync_werror="-Werror"
  fi
  PHP_NEW_EXTENSION([calsync], [$calsync_sources], [$ext_shared], ,
    [-std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra $calsync_werror -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1])
fi
