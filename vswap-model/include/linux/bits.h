/* SPDX-License-Identifier: GPL-2.0 */
/* The part of the kernel's linux/bits.h that include/linux/vswap.h uses. */
#ifndef _MODEL_LINUX_BITS_H
#define _MODEL_LINUX_BITS_H
#ifndef BIT_ULL
#define BIT_ULL(nr)	(1ULL << (nr))
#endif
#endif
