/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model's replacement for kernel/mm/vswap_internal.h.  Same include
 * guard: including this first makes the kernel's one a no-op when
 * kernel/mm/vswap.c is compiled here.
 */
#ifndef _MM_VSWAP_INTERNAL_H
#define _MM_VSWAP_INTERNAL_H

#include "model_kernel.h"
#include <linux/vswap.h>

#endif /* _MM_VSWAP_INTERNAL_H */
