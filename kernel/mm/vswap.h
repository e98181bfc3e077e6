/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private types of the virtual swap core (mm/vswap.c).
 *
 * Only mm/vswap.c and the userspace model's tests include this file.  The
 * layout is explained in Documentation/mm/vswap.rst, "Descriptor layout".
 */
#ifndef _MM_VSWAP_H
#define _MM_VSWAP_H

/*
 * A partition is 512 virtual slots: one PMD worth of 4 KiB pages, so a THP
 * can take a naturally aligned run of slots inside one partition.
 */
#define VSWAP_PARTITION_SHIFT	9
#define VSWAP_PARTITION_SLOTS	BIT(VSWAP_PARTITION_SHIFT)
#define VSWAP_PARTITION_MASK	(VSWAP_PARTITION_SLOTS - 1)

/*
 * The allocator's summary of a partition: one bit per group of 16 slots,
 * set while a slot of the group may be free, so that a scan for a free
 * slot skips the groups that have none (see __vswap_partition_take()).
 */
#define VSWAP_GROUP_SHIFT	4
#define VSWAP_GROUP_SLOTS	BIT(VSWAP_GROUP_SHIFT)
#define VSWAP_GROUP_MASK	(VSWAP_GROUP_SLOTS - 1)
#define VSWAP_NR_GROUPS		(VSWAP_PARTITION_SLOTS >> VSWAP_GROUP_SHIFT)

/*
 * Each CPU takes new partitions from a region of the partition ids of its
 * own (the ids below vswap_partition_limit split evenly over the possible
 * CPUs), so that the slots of different CPUs stay apart in what the kernel
 * keeps per range of slots: the swap cache has one address space, with one
 * lock, per 2^14 slots, i.e. 32 partitions.  Smaller regions would not
 * separate anything, so below this size all CPUs share the whole space.
 */
#define VSWAP_REGION_MIN	32

/*
 * Virtual slot numbers fit in 32 bits, so the reverse map can store them in
 * a u32.  Partition 0 is never allocated: slot 0 means "no slot".
 */
#define VSWAP_MAX_PARTITIONS	(1UL << (32 - VSWAP_PARTITION_SHIFT))

/*
 * The per-slot descriptor is split over three arrays of the partition, so
 * that no slot pays for padding: 8 + 4 + 2 = 14 bytes per slot.
 */
#define VSWAP_DESC_BYTES	(sizeof(unsigned long) + sizeof(atomic_t) + \
				 sizeof(unsigned short))

/*
 * The reference field: bit 31 is the swap-cache pin, bits 0-30 the swap
 * count.  Zero means the slot is free or being freed.
 */
#define VSWAP_REF_PIN		0x80000000U
#define VSWAP_REF_COUNT		0x7fffffffU

/*
 * The backend word.  Bits 0-2 are the tag (enum vswap_type + 1, so that 0
 * means "free slot"); the rest is the payload:
 *
 *   NONE, ZERO    no payload
 *   ZSWAP, FOLIO  the pointer itself (8-byte aligned, low bits clear)
 *   PHYS          bits 3-7 swap type, bits 8-63 device offset
 *   EXT           the handle shifted left by 3
 */
#define VSWAP_TAG_BITS		3
#define VSWAP_TAG_MASK		((1UL << VSWAP_TAG_BITS) - 1)
#define VSWAP_PHYS_TYPE_SHIFT	VSWAP_TAG_BITS
#define VSWAP_PHYS_OFF_SHIFT	8
#define VSWAP_WORD_FREE		0UL
#define VSWAP_WORD_NONE		((unsigned long)VSWAP_NONE + 1)
/*
 * Tag 7: the slot's last reference is gone and its old backing is being
 * released.  Reads as free, but is not handed out again until the release
 * is done, so that releasing by slot (zswap) cannot hit a new owner's data.
 */
#define VSWAP_WORD_DYING	VSWAP_TAG_MASK

/* Partition states; protected by vswap_partition.lock. */
enum vswap_partition_state {
	VSWAP_P_NEW,		/* being set up, not yet handed out */
	VSWAP_P_CPU,		/* a CPU's current partition */
	VSWAP_P_PARTIAL,	/* on a vswap_partial list, has free slots */
	VSWAP_P_FULL,		/* on no list */
	VSWAP_P_DEAD,		/* erased from the tree, freed after RCU */
};

/**
 * struct vswap_partition - 512 virtual slots and their descriptors
 * @lock: protects @state, @cpu, @nr_used, @next, @free_groups, and the
 *	transitions of backend words from and to %VSWAP_WORD_FREE
 * @state: enum vswap_partition_state
 * @nr_used: slots not free
 * @next: where the next allocation scan starts
 * @dead: set with @state becoming %VSWAP_P_DEAD, read without the lock by
 *	vswap_partition_find()
 * @cpu: the CPU whose current partition this is, when %VSWAP_P_CPU
 * @id: index in vswap_partitions; first slot is @id << VSWAP_PARTITION_SHIFT
 * @free_groups: bit g set if slots g * %VSWAP_GROUP_SLOTS on may have a free
 *	one; always set while one of them is free, cleared only by a scan that
 *	found the whole group in use
 * @list: on its home CPU's vswap_partial list when %VSWAP_P_PARTIAL
 * @backend: backend word per slot
 * @ref: swap count and swap-cache pin per slot
 * @memcg: owning memcg id per slot
 * @rcu: frees the partition after readers are done with it
 */
struct vswap_partition {
	spinlock_t lock;	/* see the kernel-doc above */
	unsigned short state;
	unsigned short nr_used;
	unsigned short next;
	bool dead;
	int cpu;
	u32 id;
	u32 free_groups;
	struct list_head list;
	unsigned long *backend;
	atomic_t *ref;
	unsigned short *memcg;
	struct rcu_head rcu;
};

/*
 * The reverse map: per swap type, an xarray of clusters indexed by device
 * offset >> VSWAP_RMAP_SHIFT; each cluster maps device offsets to virtual
 * slots (0 = unused).  A cluster is allocated when its range gets its first
 * device slot and stays, even empty, until vswap_rmap_release().
 */
#define VSWAP_RMAP_SHIFT	9
#define VSWAP_RMAP_SLOTS	BIT(VSWAP_RMAP_SHIFT)
#define VSWAP_RMAP_MASK		(VSWAP_RMAP_SLOTS - 1)

/**
 * struct vswap_rmap_cluster - device offsets to virtual slots
 * @rcu: frees the cluster after walkers are done with it
 * @nr: one for the tree, plus the entries set or being set; goes to zero
 *	only under the xa_lock of the owning xarray, when an empty cluster
 *	is released (see "Reverse map" in mm/vswap.c)
 * @type: the swap type whose xarray holds it
 * @idx: its index there (device offset >> %VSWAP_RMAP_SHIFT)
 * @vslot: virtual slot per device offset, 0 if none
 */
struct vswap_rmap_cluster {
	struct rcu_head rcu;
	atomic_t nr;
	int type;
	unsigned long idx;
	u32 vslot[VSWAP_RMAP_SLOTS];
};

#endif /* _MM_VSWAP_H */
