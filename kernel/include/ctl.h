/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run-time control of partitions (ctl.c): query, start, stop and restart,
 * from a controller partition (SEPTUM_HVC_PARTITION_CONTROL) or from the
 * person at the console (Ctrl-T l, Ctrl-T s/x/r <digit>). Every action is a
 * [septum] line.
 */
#pragma once

#include "types.h"

/**
 * Apply SEPTUM_CTL_* op to partition p on behalf of who (a partition name or
 * "console"): 0, SMCCC_NOT_REQUIRED if p is already in that state, or
 * SMCCC_INVALID_PARAMETER for a bad p or op. The caller checks permission.
 */
int64_t ctl_apply(uint32_t p, uint32_t op, const char *who);

/** May partition caller control partition p (p's cfg_health.controllers)? */
bool ctl_allowed(uint32_t caller, uint32_t p);

/** A console command byte after Ctrl-T: true if it is a control command (l, s, x, r). */
bool ctl_console_command(char c);

/** The byte after Ctrl-T s/x/r: true if it was consumed as that command's partition number. */
bool ctl_console_arg(char c);

/** Reset the console command state (boot, unit tests). */
void ctl_init(void);
