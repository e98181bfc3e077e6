// SPDX-License-Identifier: GPL-2.0
/*
 * The vswap core, compiled in userspace: the shim first (same include guard
 * as kernel/mm/vswap_internal.h), then the kernel's own file.
 */
#include "vswap_internal.h"
#include "../kernel/mm/vswap.c"
