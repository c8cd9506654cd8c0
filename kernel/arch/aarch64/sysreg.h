/* SPDX-License-Identifier: Apache-2.0 */
/* System register access for the aarch64 port. */
#pragma once

#include "types.h"

#define SYSREG_READ(name) \
    ({ \
        uint64_t r_; \
        __asm__ volatile("mrs %0, " #name : "=r"(r_)); \
        r_; \
    })

#define SYSREG_WRITE(name, val) \
    do { \
        uint64_t w_ = (uint64_t)(val); \
        __asm__ volatile("msr " #name ", %0" : : "r"(w_)); \
    } while (0)

static inline void isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

static inline void dsb_ish(void)
{
    __asm__ volatile("dsb ish" : : : "memory");
}
