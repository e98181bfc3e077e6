/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vswap_internal.h: the only place mm/vswap.c takes kernel headers from.
 *
 * The userspace model (vswap-model/) provides its own vswap_internal.h with
 * the same include guard and includes it before mm/vswap.c, so this file is
 * skipped there and the core compiles against the model's shim instead.  A
 * change that makes the core use a new kernel interface adds the header here
 * and the shim in vswap-model/include/vswap_internal.h in the same commit.
 */
#ifndef _MM_VSWAP_INTERNAL_H
#define _MM_VSWAP_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mmdebug.h>
#include <linux/mutex.h>
#include <linux/page_ref.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/vswap.h>
#include <linux/xarray.h>

#endif /* _MM_VSWAP_INTERNAL_H */
