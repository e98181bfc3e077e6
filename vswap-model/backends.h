/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model backends: an LZ4 zswap-like pool, disks that are real files with
 * their own slot allocators, and a "far memory" tier registered through
 * struct vswap_backend_ops.  Their storage is counted apart from the
 * kernel allocator (it is page data, not vswap metadata), but they share
 * its failure injection.
 */
#ifndef _MODEL_BACKENDS_H
#define _MODEL_BACKENDS_H

#include "vswap_internal.h"

#define MODEL_MAX_DISKS	4

struct mdisk {
	int type;		/* swap type; index in model_disks[] */
	int fd;
	unsigned long nr_slots;
	spinlock_t lock;	/* protects map, cursor, used */
	unsigned long *map;	/* used slots (vswap's allocator) */
	unsigned long cursor;
	long used;
	bool writeok;		/* new stores allowed */
	unsigned int fail_write_ppm;
	long fail_write_nth;	/* -1: off */
	long reads, writes;
};

extern struct mdisk *model_disks[MODEL_MAX_DISKS];

struct mdisk *mdisk_create(int type, unsigned long nr_slots);
void mdisk_destroy(struct mdisk *d);
int mdisk_read(struct mdisk *d, unsigned long off, void *buf);
int mdisk_write(struct mdisk *d, unsigned long off, const void *buf);
long mdisk_used(struct mdisk *d);
void mdisk_set_writeok(struct mdisk *d, bool ok);

/* zswap-like pool */
struct mzswap_stats {
	long objs, bytes, stores, rejects, loads;
};
void mzswap_reset(long max_bytes);
void mzswap_stats(struct mzswap_stats *s);
void *mzswap_store(const void *page, unsigned short memcg_id);
int mzswap_load(void *obj, void *page);
void mzswap_free(void *obj);

/* The far-memory tier, registered as the external backend */
extern const struct vswap_backend_ops mfar_ops;
long mfar_objs(void);

long model_backend_objs(void);

/*
 * What the core told vswap_account(): slots per memcg id (below
 * MODEL_MEMCGS) and backing, VSWAP_NONE not counted, and the calls.
 */
#define MODEL_MEMCGS	64
extern long model_memcg_slots[MODEL_MEMCGS][VSWAP_NR_TYPES];
extern long model_account_calls;
void model_account_reset(void);

#endif /* _MODEL_BACKENDS_H */
