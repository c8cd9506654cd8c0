/* SPDX-License-Identifier: Apache-2.0 */
/* Basic freestanding types and helpers shared by all kernel code. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Number of elements of an array object. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** The function does not return. */
#define NORETURN __attribute__((noreturn))

/** Kernel-internal invariant; a violation is a kernel bug, never a guest error. */
void kassert_fail(const char *file, int line, const char *expr) NORETURN;
#define KASSERT(e) \
    do { \
        if (!(e)) { \
            kassert_fail(__FILE__, __LINE__, #e); \
        } \
    } while (0)
