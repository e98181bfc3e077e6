// SPDX-License-Identifier: GPL-2.0
/*
 * vswap_glue.c: what the kernel adds around the vswap core.
 *
 * mm/vswap.c is shared with the userspace model (vswap-model/); everything
 * that exists only in the kernel lives here: starting the core and the
 * virtual swap type at boot, the bound on the virtual space (the
 * vswap.max_pages knob), statistics for /proc/vmstat and memory.stat, and
 * what happens when a slot dies (memcg uncharge, swap cache shadow).
 *
 * The per-cgroup choice of backends is in mm/vswap_cgroup.c.
 *
 * The swap paths call the core directly: mm/swap_slots.c allocates virtual
 * slots, mm/swapfile.c counts references and pins through the core and
 * empties devices through its reverse map, mm/page_io.c decides per page
 * between a zero page, zswap and a device slot and records it in the
 * descriptor.  A slot's zswap backing is zswap's entry itself: zswap keeps
 * no tree for virtual slots.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/cpuhotplug.h>
#include <linux/init.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu_counter.h>
#include <linux/seq_file.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/vmstat.h>
#include <linux/vswap.h>
#include <linux/zswap.h>
#include "swap.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "vswap."

/* Set once the virtual swap type exists; no slot is handed out before. */
static bool vswap_ready __read_mostly;
/* Virtual slot numbers stay below this; fixed at boot. */
static unsigned long vswap_hard_max __read_mostly;
/* The max_pages knob: bound on live virtual slots, 0 for automatic. */
static unsigned long vswap_max_pages __read_mostly;
/*
 * Live virtual slots.  Every swap-out and every final free changes it, from
 * whichever CPU the task runs on: a per-CPU counter keeps that off a shared
 * cache line, and only the bound check near the bound sums it exactly.
 */
static struct percpu_counter vswap_live;

static int vswap_max_pages_set(const char *val, const struct kernel_param *kp)
{
	unsigned long v;

	/* Before boot-time setup the bound is not known yet. */
	if (kstrtoul(val, 0, &v) || (vswap_hard_max && v > vswap_hard_max))
		return -EINVAL;
	WRITE_ONCE(vswap_max_pages, v);
	return 0;
}

static const struct kernel_param_ops vswap_max_pages_ops = {
	.set = vswap_max_pages_set,
	.get = param_get_ulong,
};
module_param_cb(max_pages, &vswap_max_pages_ops, &vswap_max_pages, 0644);
MODULE_PARM_DESC(max_pages,
		 "Bound on live virtual swap slots (0: RAM plus swap devices)");

/* The bound in force: the knob, or RAM plus the swap devices' size. */
static unsigned long vswap_limit(void)
{
	unsigned long max = READ_ONCE(vswap_max_pages);

	if (!max)
		max = totalram_pages() + READ_ONCE(total_swap_pages);
	return min(max, vswap_hard_max);
}

/**
 * vswap_alloc_slot - a virtual slot for a folio being swapped out
 * @folio: the folio, a small one
 * @entry: the slot, on success; untouched on failure
 *
 * The folio's memcg is charged first and the slot allocated with it as its
 * owner, so that no swap_cgroup record has to follow (under cgroup v1 it
 * still does, in mem_cgroup_swapout()).
 *
 * Context: process context, may sleep.
 * Return: 0; -ENOMEM when memory.swap.max refuses the charge (the memcg's
 * events are counted); -ENOSPC when vswap is not set up yet or the virtual
 * space is at its bound or out of memory.
 */
int vswap_alloc_slot(struct folio *folio, swp_entry_t *entry)
{
	int id;

	/* The charge is for the whole folio, the slot and its undo for one. */
	VM_WARN_ON_ONCE_FOLIO(folio_test_large(folio), folio);
	if (!READ_ONCE(vswap_ready))
		return -ENOSPC;
	/* Slots in the core's free batches still count: finish them first. */
	if (percpu_counter_compare(&vswap_live, vswap_limit()) >= 0 &&
	    (!vswap_drain_frees() ||
	     percpu_counter_compare(&vswap_live, vswap_limit()) >= 0))
		return -ENOSPC;
	id = mem_cgroup_charge_swap_id(folio);
	if (id < 0)
		return id;
	if (vswap_alloc(id, 0, entry)) {
		mem_cgroup_uncharge_swap_id(id, 1);
		return -ENOSPC;
	}
	percpu_counter_inc(&vswap_live);
	return 0;
}

/**
 * vswap_half_full - whether half of the virtual space is in use
 *
 * The virtual space's part of "swap is 50% full" (vm_swap_full() counts
 * device slots).  A folio that a read fault left in the swap cache keeps
 * its virtual slot; once half of the space is in use, the swap-in and
 * reclaim paths drop the swap cache of the folios they handle and free
 * their slots, as they do for device slots when half of swap is used.
 *
 * Context: any context.
 */
bool vswap_half_full(void)
{
	if (!READ_ONCE(vswap_ready))
		return false;
	/* An estimate, as vm_swap_full() is with the swap slots cache. */
	return percpu_counter_read_positive(&vswap_live) * 2 >= vswap_limit();
}

/**
 * vswap_nr_swappable - how many more pages reclaim may swap out
 *
 * With virtual swap a swapped-out page needs a virtual slot and, unless it
 * is a zero page or zswap takes it, a device slot.  While zswap is enabled
 * the bound is the virtual space; otherwise also the free device slots.
 * This is what get_nr_swap_pages() reports to reclaim and memcg, while
 * nr_swap_pages, SwapFree and /proc/swaps keep counting device slots only.
 *
 * Context: any context.
 */
long vswap_nr_swappable(void)
{
	long room;

	if (!READ_ONCE(vswap_ready))
		return 0;
	/* An estimate, as nr_swap_pages is with the swap slots cache. */
	room = (long)vswap_limit() - percpu_counter_read_positive(&vswap_live);
	if (room <= 0)
		return 0;
	if (zswap_is_enabled())
		return room;
	return min(room, atomic_long_read(&nr_swap_pages));
}

/*
 * The memory.stat item of each backing, or -1 for none.  Every slot passes
 * through VSWAP_NONE at allocation, on a swap-in into the swap cache and
 * usually at its free: counting it per memcg would double the updates of a
 * swap-out and swap-in.  A slot in zswap is one zswap entry, which zswap
 * counts itself (MEMCG_ZSWAPPED, shown as vswap_zswap too).
 */
static const int vswap_memcg_item[VSWAP_NR_TYPES + 1] = {
	[VSWAP_NONE] = -1,
	[VSWAP_ZERO] = MEMCG_VSWAP_ZERO,
	[VSWAP_ZSWAP] = -1,
	[VSWAP_PHYS] = MEMCG_VSWAP_PHYS,
	[VSWAP_FOLIO] = MEMCG_VSWAP_FOLIO,
	[VSWAP_EXT] = MEMCG_VSWAP_EXT,
	[VSWAP_NR_TYPES] = -1,
};

void vswap_account(unsigned short memcg_id, enum vswap_type from,
		   enum vswap_type to, long nr)
{
	int from_item = vswap_memcg_item[from], to_item = vswap_memcg_item[to];
	struct mem_cgroup *memcg;
	unsigned long flags;

	if (from < VSWAP_NR_TYPES && to < VSWAP_NR_TYPES)
		count_vm_events(VSWAP_TO_NONE + to, nr);
	if ((from_item < 0 && to_item < 0) || !memcg_id ||
	    mem_cgroup_disabled())
		return;
	rcu_read_lock();
	memcg = mem_cgroup_from_id(memcg_id);
	if (memcg) {
		local_irq_save(flags);
		if (from_item >= 0)
			__mod_memcg_state(memcg, from_item, -nr);
		if (to_item >= 0)
			__mod_memcg_state(memcg, to_item, nr);
		local_irq_restore(flags);
	}
	rcu_read_unlock();
}

/* What a device slot's free does in swap_range_free(), in two parts. */
void vswap_slots_uncharge(unsigned short memcg_id, unsigned int nr)
{
	mem_cgroup_uncharge_swap_id(memcg_id, nr);
	percpu_counter_sub(&vswap_live, nr);
}

void vswap_slots_freed(swp_entry_t entry, unsigned int nr)
{
	pgoff_t offset = swp_offset(entry);

	clear_shadow_from_swap_cache(VSWAP_SWP_TYPE, offset, offset + nr - 1);
}

void vswap_vmstat_show(struct seq_file *m)
{
	static const char * const names[VSWAP_NR_TYPES] = {
		[VSWAP_NONE] = "vswap_none",
		[VSWAP_ZERO] = "vswap_zero",
		[VSWAP_ZSWAP] = "vswap_zswap",
		[VSWAP_PHYS] = "vswap_phys",
		[VSWAP_FOLIO] = "vswap_folio",
		[VSWAP_EXT] = "vswap_ext",
	};
	int i;

	/* So that the partitions counted are those still in use. */
	vswap_drain_frees();
	for (i = 0; i < VSWAP_NR_TYPES; i++)
		seq_printf(m, "%s %lu\n", names[i], vswap_nr_entries(i));
	seq_printf(m, "vswap_desc_bytes %lu\n", vswap_metadata_bytes());
}

/*
 * The core's store and load hooks serve vswap_move() and vswap_swapoff(),
 * which the kernel does not use yet: the swap paths do their own I/O
 * (mm/page_io.c) and swapoff reads through the swap cache
 * (swap_vswap_unuse()).  They decline, so the core never stores anything
 * behind the swap paths' back.
 */
void *vswap_zswap_store(struct folio *folio, unsigned short memcg_id)
{
	return NULL;
}

int vswap_zswap_load(void *obj, struct folio *folio)
{
	WARN_ON_ONCE(1);	/* nothing was ever stored */
	return -EIO;
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

#ifndef CONFIG_ZSWAP
/* mm/zswap.c provides this; without zswap no slot is ever backed by it. */
void vswap_zswap_release(swp_entry_t entry, void *obj)
{
	WARN_ON_ONCE(1);
}
#endif

/* The frees a CPU left waiting in its batch when it went offline. */
static int vswap_cpu_dead(unsigned int cpu)
{
	vswap_drain_frees();
	return 0;
}

static int __init vswap_glue_init(void)
{
	unsigned long max;
	int err;

	/*
	 * The swap cache of the virtual type is sized by the highest slot
	 * number: four times RAM, at least 4 GiB of pages, or more if
	 * vswap.max_pages asks for it at boot.
	 */
	max = max(4 * totalram_pages(), 1UL << (32 - PAGE_SHIFT));
	max = max(max, READ_ONCE(vswap_max_pages));
	max = round_up(max, SWAP_ADDRESS_SPACE_PAGES);

	err = percpu_counter_init(&vswap_live, 0, GFP_KERNEL);
	if (err)
		goto fail;
	err = vswap_init();
	if (err)
		goto fail_counter;
	vswap_max_slot(max);
	err = swap_vswap_init(max);
	if (err) {
		vswap_exit();
		goto fail_counter;
	}
	vswap_hard_max = max;
	/* Teardown of a prepare state runs once the CPU is dead. */
	if (cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mm/vswap:dead",
				      NULL, vswap_cpu_dead) < 0)
		pr_warn("no CPU hotplug callback: an offline CPU's frees wait for the next drain\n");
	WRITE_ONCE(vswap_ready, true);
	pr_info("virtual swap space of up to %lu pages\n", max);
	return 0;
fail_counter:
	percpu_counter_destroy(&vswap_live);
fail:
	pr_err("cannot start: %d; swapping is disabled\n", err);
	return err;
}
subsys_initcall(vswap_glue_init);
