/* SPDX-License-Identifier: GPL-2.0 */
/* Model stand-in: everything comes from the shim. */
#include "../model_kernel.h"
