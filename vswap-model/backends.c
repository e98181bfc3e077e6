// SPDX-License-Identifier: GPL-2.0
/*
 * Model backends, and the backend hooks the vswap core calls
 * (vswap_zswap_*, vswap_phys_*).  See backends.h.
 */
#include "backends.h"
#include <fcntl.h>
#include <lz4.h>

struct mdisk *model_disks[MODEL_MAX_DISKS];

/* Disks */

struct mdisk *mdisk_create(int type, unsigned long nr_slots)
{
	char path[] = "/tmp/vswap-model-disk-XXXXXX";
	struct mdisk *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->fd = mkstemp(path);
	if (d->fd < 0) {
		free(d);
		return NULL;
	}
	unlink(path);
	d->type = type;
	d->nr_slots = nr_slots;
	d->map = calloc((nr_slots + 63) / 64, sizeof(unsigned long));
	spin_lock_init(&d->lock);
	d->map[0] = 1;		/* slot 0 is the header, as on a real device */
	d->cursor = 1;
	d->writeok = true;
	d->fail_write_nth = -1;
	if (type >= 0 && type < MODEL_MAX_DISKS)
		model_disks[type] = d;
	return d;
}

void mdisk_destroy(struct mdisk *d)
{
	if (!d)
		return;
	if (d->type >= 0 && d->type < MODEL_MAX_DISKS &&
	    model_disks[d->type] == d)
		model_disks[d->type] = NULL;
	close(d->fd);
	free(d->map);
	free(d);
}

int mdisk_read(struct mdisk *d, unsigned long off, void *buf)
{
	__atomic_add_fetch(&d->reads, 1, __ATOMIC_RELAXED);
	if (pread(d->fd, buf, PAGE_SIZE, off * PAGE_SIZE) != PAGE_SIZE)
		return -EIO;
	return 0;
}

int mdisk_write(struct mdisk *d, unsigned long off, const void *buf)
{
	long nth = __atomic_load_n(&d->fail_write_nth, __ATOMIC_RELAXED);

	while (nth >= 0 &&
	       !__atomic_compare_exchange_n(&d->fail_write_nth, &nth, nth - 1,
					    false, __ATOMIC_SEQ_CST,
					    __ATOMIC_RELAXED))
		;
	if (nth == 0)
		return -EIO;
	if (d->fail_write_ppm &&
	    (unsigned int)rand_r(&model_self.seed) % 1000000 <
	    d->fail_write_ppm)
		return -EIO;
	__atomic_add_fetch(&d->writes, 1, __ATOMIC_RELAXED);
	if (pwrite(d->fd, buf, PAGE_SIZE, off * PAGE_SIZE) != PAGE_SIZE)
		return -EIO;
	return 0;
}

void mdisk_set_writeok(struct mdisk *d, bool ok)
{
	spin_lock(&d->lock);
	d->writeok = ok;
	spin_unlock(&d->lock);
}

long mdisk_used(struct mdisk *d)
{
	return __atomic_load_n(&d->used, __ATOMIC_SEQ_CST);
}

static long mdisk_alloc_slot(struct mdisk *d)
{
	unsigned long i, n;
	long off = -ENOSPC;

	spin_lock(&d->lock);
	if (!d->writeok)
		goto out;
	for (n = 0; n < d->nr_slots; n++) {
		i = (d->cursor + n) % d->nr_slots;
		if (d->map[i / 64] & BIT(i % 64))
			continue;
		d->map[i / 64] |= BIT(i % 64);
		d->cursor = i + 1;
		__atomic_add_fetch(&d->used, 1, __ATOMIC_SEQ_CST);
		off = i;
		break;
	}
out:
	spin_unlock(&d->lock);
	return off;
}

static void mdisk_free_slot(struct mdisk *d, unsigned long off)
{
	spin_lock(&d->lock);
	WARN_ON(!(d->map[off / 64] & BIT(off % 64)));
	d->map[off / 64] &= ~BIT(off % 64);
	__atomic_sub_fetch(&d->used, 1, __ATOMIC_SEQ_CST);
	spin_unlock(&d->lock);
}

int vswap_phys_store(struct folio *folio, unsigned short memcg_id,
		     int exclude_type, swp_entry_t *phys)
{
	int type, err = -ENOSPC;
	long off;

	might_sleep();
	for (type = 0; type < MODEL_MAX_DISKS; type++) {
		struct mdisk *d = model_disks[type];

		if (!d || type == exclude_type)
			continue;
		off = mdisk_alloc_slot(d);
		if (off < 0)
			continue;
		err = mdisk_write(d, off, folio->data);
		if (err) {
			mdisk_free_slot(d, off);
			return err;
		}
		*phys = swp_entry(type, off);
		return 0;
	}
	return err;
}

int vswap_phys_load(swp_entry_t phys, struct folio *folio)
{
	struct mdisk *d = model_disks[swp_type(phys)];

	if (WARN_ON(!d))
		return -EIO;
	return mdisk_read(d, swp_offset(phys), folio->data);
}

void vswap_phys_release(swp_entry_t phys)
{
	struct mdisk *d = model_disks[swp_type(phys)];

	if (!WARN_ON(!d))
		mdisk_free_slot(d, swp_offset(phys));
}

void vswap_phys_release_many(swp_entry_t *phys, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		vswap_phys_release(phys[i]);
}

long vswap_phys_used(int type)
{
	struct mdisk *d = model_disks[type];

	return d ? mdisk_used(d) : 0;
}

/* zswap-like pool: LZ4, rejects what does not compress below 3/4 page. */

struct mzswap_obj {
	unsigned short len;
	unsigned short memcg_id;
	char data[];
};

static long mz_objs, mz_bytes, mz_stores, mz_rejects, mz_loads;
static long mz_max_bytes;

void mzswap_reset(long max_bytes)
{
	mz_max_bytes = max_bytes;
	mz_stores = mz_rejects = mz_loads = 0;
}

void mzswap_stats(struct mzswap_stats *s)
{
	s->objs = __atomic_load_n(&mz_objs, __ATOMIC_SEQ_CST);
	s->bytes = __atomic_load_n(&mz_bytes, __ATOMIC_SEQ_CST);
	s->stores = __atomic_load_n(&mz_stores, __ATOMIC_SEQ_CST);
	s->rejects = __atomic_load_n(&mz_rejects, __ATOMIC_SEQ_CST);
	s->loads = __atomic_load_n(&mz_loads, __ATOMIC_SEQ_CST);
}

void *mzswap_store(const void *page, unsigned short memcg_id)
{
	char buf[LZ4_COMPRESSBOUND(PAGE_SIZE)];
	struct mzswap_obj *o;
	int len;

	len = LZ4_compress_default(page, buf, PAGE_SIZE, sizeof(buf));
	if (len <= 0 || len > (int)(PAGE_SIZE * 3 / 4) ||
	    (mz_max_bytes &&
	     __atomic_load_n(&mz_bytes, __ATOMIC_RELAXED) + len > mz_max_bytes) ||
	    model_should_fail()) {
		__atomic_add_fetch(&mz_rejects, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	o = malloc(sizeof(*o) + len);
	if (!o)
		return NULL;
	o->len = len;
	o->memcg_id = memcg_id;
	memcpy(o->data, buf, len);
	__atomic_add_fetch(&mz_objs, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&mz_bytes, len, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&mz_stores, 1, __ATOMIC_RELAXED);
	return o;
}

int mzswap_load(void *obj, void *page)
{
	struct mzswap_obj *o = obj;

	__atomic_add_fetch(&mz_loads, 1, __ATOMIC_RELAXED);
	if (LZ4_decompress_safe(o->data, page, o->len, PAGE_SIZE) != PAGE_SIZE)
		return -EIO;
	return 0;
}

void mzswap_free(void *obj)
{
	struct mzswap_obj *o = obj;

	__atomic_sub_fetch(&mz_objs, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&mz_bytes, o->len, __ATOMIC_SEQ_CST);
	free(o);
}

void *vswap_zswap_store(struct folio *folio, unsigned short memcg_id)
{
	return mzswap_store(folio->data, memcg_id);
}

int vswap_zswap_load(void *obj, struct folio *folio)
{
	return mzswap_load(obj, folio->data);
}

void vswap_zswap_release(swp_entry_t entry, void *obj)
{
	mzswap_free(obj);
}

long model_memcg_slots[MODEL_MEMCGS][VSWAP_NR_TYPES];
long model_account_calls;

void model_account_reset(void)
{
	memset(model_memcg_slots, 0, sizeof(model_memcg_slots));
	__atomic_store_n(&model_account_calls, 0, __ATOMIC_SEQ_CST);
}

static void model_memcg_add(unsigned short memcg_id, enum vswap_type type,
			    long nr)
{
	/* As the kernel's glue: slots backed by nothing are not counted. */
	if (memcg_id < MODEL_MEMCGS && type < VSWAP_NR_TYPES &&
	    type != VSWAP_NONE)
		__atomic_add_fetch(&model_memcg_slots[memcg_id][type], nr,
				   __ATOMIC_RELAXED);
}

/*
 * Per-memcg slot counts by backing, kept as the kernel's memory.stat
 * items are, so that tests can check what the core reports.  The model
 * has no swap cache or memcg charge to drop when a slot is freed.
 */
void vswap_account(unsigned short memcg_id, enum vswap_type from,
		   enum vswap_type to, long nr)
{
	__atomic_add_fetch(&model_account_calls, 1, __ATOMIC_RELAXED);
	model_memcg_add(memcg_id, from, -nr);
	model_memcg_add(memcg_id, to, nr);
}

void vswap_slots_uncharge(unsigned short memcg_id, unsigned int nr)
{
}

void vswap_slots_freed(swp_entry_t entry, unsigned int nr)
{
}

/* Far memory: a second tier holding plain page copies. */

static long mfar_nr;

long mfar_objs(void)
{
	return __atomic_load_n(&mfar_nr, __ATOMIC_SEQ_CST);
}

static int mfar_store(struct folio *folio, unsigned short memcg_id,
		      unsigned long *handle)
{
	void *p;

	if (model_should_fail())
		return -ENOMEM;
	if (posix_memalign(&p, 8, PAGE_SIZE))
		return -ENOMEM;
	memcpy(p, folio->data, PAGE_SIZE);
	__atomic_add_fetch(&mfar_nr, 1, __ATOMIC_SEQ_CST);
	*handle = (unsigned long)p >> 3;
	return 0;
}

static int mfar_load(unsigned long handle, struct folio *folio)
{
	memcpy(folio->data, (void *)(handle << 3), PAGE_SIZE);
	return 0;
}

static void mfar_release(unsigned long handle)
{
	__atomic_sub_fetch(&mfar_nr, 1, __ATOMIC_SEQ_CST);
	free((void *)(handle << 3));
}

const struct vswap_backend_ops mfar_ops = {
	.name = "far",
	.store = mfar_store,
	.load = mfar_load,
	.release = mfar_release,
};

long model_backend_objs(void)
{
	long n = mz_objs + mfar_objs();
	int i;

	for (i = 0; i < MODEL_MAX_DISKS; i++)
		if (model_disks[i])
			n += mdisk_used(model_disks[i]);
	return n;
}
