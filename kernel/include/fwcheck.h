/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The firmware's device tree against the board the image was built for
 * (DESIGN.md section 5): Septum's configuration comes from gen/, and the
 * firmware DTB is only read to catch a machine that is not that board.
 */
#pragma once

#include "fdt.h"
#include "types.h"

/** Largest firmware DTB prefix the boot CPU copies before its MMU is on. */
#define FWCHECK_DTB_MAX 0x10000u

/**
 * Report the firmware DTB handed over at fw_dtb (x0), of which copy[0..len)
 * is the bounded boot-time copy (len 0: nothing copied). Returns false when
 * it is readable and differs from the board: one line per difference has then
 * been printed and no partition may start. An unreadable or absent DTB is
 * reported and the board description trusted (true).
 */
bool fwcheck_dtb(uint64_t fw_dtb, const uint8_t *copy, uint32_t len);

/** Compare the facts of a readable DTB with the board; prints each difference. */
bool fwcheck_board(const struct fdt_facts *f);

/**
 * The firmware DTB line ("firmware DTB at 0x%lx: %u memory range(s), %u CPUs, PSCI %s") into
 * line[FWCHECK_LINE_MAX], composed as fmt would format it; returns its length (no NUL).
 */
#define FWCHECK_LINE_MAX 96u
size_t fwcheck_line(char *line, uint64_t fw_dtb, const struct fdt_facts *f);
