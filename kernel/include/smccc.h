/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMC Calling Convention constants (Arm DEN0028, SMCCC v1.1 and later): the
 * function ID layout and the Arm Architecture Calls (owning entity 0) the
 * hypervisor answers. Return codes shared with partitions live in
 * septum/hvc_abi.h (SMCCC_SUCCESS, SMCCC_NOT_SUPPORTED, ...).
 */
#pragma once

/** Function ID fields (DEN0028 2.5): fast call [31], SMC64 [30], owning entity [29:24]. */
#define SMCCC_FAST_CALL ((uint32_t)1u << 31)
#define SMCCC_64 ((uint32_t)1u << 30)
#define SMCCC_OWNER(fid) (((fid) >> 24) & 0x3fu)
#define SMCCC_OWNER_ARCH 0u
#define SMCCC_OWNER_STANDARD 4u
#define SMCCC_OWNER_VENDOR_HYP 6u

/** Arm Architecture Calls (DEN0028 7). */
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_SOC_ID 0x80000002u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu

/** SMCCC_VERSION result: major [30:16], minor [15:0]; Septum implements v1.1 (DEN0028 7.2). */
#define SMCCC_VERSION_1_1 0x00010001u
