// SPDX-License-Identifier: GPL-2.0
/*
 * vswap_glue.c: what the kernel adds around the vswap core.
 *
 * mm/vswap.c is shared with the userspace model (vswap-model/); everything
 * that exists only in the kernel lives here: starting the core at boot, and
 * the hooks of the built-in data backends.  The core decides where the
 * data of a virtual slot lives and keeps the descriptor; it moves the data
 * through the hooks below, which belong to the backends themselves: zswap
 * compresses into its pool, the swap device code allocates a physical slot
 * and does the I/O (the model supplies backends of its own).
 *
 * Until the swap paths are routed through vswap, no backend accepts data:
 * zswap declines every page and no device slot is handed out, so the core
 * is built and initialised but never stores anything.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/init.h>
#include <linux/swap.h>
#include <linux/vswap.h>

static int __init vswap_glue_init(void)
{
	int err = vswap_init();

	if (err)
		pr_err("cannot start the core: %d\n", err);
	return err;
}
subsys_initcall(vswap_glue_init);

void *vswap_zswap_store(struct folio *folio, unsigned short memcg_id)
{
	return NULL;
}

int vswap_zswap_load(void *obj, struct folio *folio)
{
	WARN_ON_ONCE(1);	/* nothing was ever stored */
	return -EIO;
}

void vswap_zswap_release(void *obj)
{
	WARN_ON_ONCE(1);
}

int vswap_phys_store(struct folio *folio, unsigned short memcg_id,
		     int exclude_type, swp_entry_t *phys)
{
	return -ENOSPC;
}

int vswap_phys_load(swp_entry_t phys, struct folio *folio)
{
	WARN_ON_ONCE(1);
	return -EIO;
}

void vswap_phys_release(swp_entry_t phys)
{
	WARN_ON_ONCE(1);
}

long vswap_phys_used(int type)
{
	return 0;	/* no device slot is ever handed out */
}
