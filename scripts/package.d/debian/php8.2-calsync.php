# SPDX-License-Identifier: MIT
# dh_php: the module and its ini (enabled for every SAPI by the postinst).
mod modules/calsync.so
mod debian/calsync.ini
