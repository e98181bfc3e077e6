/* SPDX-License-Identifier: GPL-2.0 */
/* System headers include this too: pass through to the real one. */
#include_next <linux/types.h>
