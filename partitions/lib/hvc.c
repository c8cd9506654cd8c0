/* SPDX-License-Identifier: Apache-2.0 */
/* SMCCC hypercalls from a partition. */
#include "septum.h"

struct sp_hvc_result sp_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fid;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    struct sp_hvc_result r;

    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory", "x4", "x5", "x6", "x7",
                     "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17");
    r.x0 = (int64_t)x0;
    r.x1 = x1;
    r.x2 = x2;
    r.x3 = x3;
    return r;
}

int64_t sp_console_write(const void *buf, size_t len)
{
    return sp_hvc(SEPTUM_HVC_CONSOLE_WRITE, (uint64_t)(uintptr_t)buf, len, 0u).x0;
}
