/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PSCI 1.1 for partitions (Arm DEN0022): vCPU power control emulated inside
 * the partition, never reaching the firmware.
 */
#pragma once

#include "types.h"

struct vcpu;

/** PSCI function IDs (DEN0022 5.1). *_64 are the SMC64 variants. */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_SUSPEND_64 0xc4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au

/** PSCI return codes (DEN0022 5.2.2). */
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_INVALID_ADDRESS (-9)

/** AFFINITY_INFO results. */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

/** CPU_SUSPEND power_state, original format (DEN0022 5.4.2.1): StateID [15:0], StateType [16]
 * (1 = powerdown), PowerLevel [25:24]; the other bits are reserved, zero. */
#define PSCI_POWER_STATE_RESERVED 0xfcfe0000u
#define PSCI_POWER_STATE_POWERDOWN ((uint32_t)1u << 16)

/** The version reported: 1.1. */
/** PSCI 1.0: the first with PSCI_FEATURES (DEN0022 5.1.14). */
#define PSCI_VERSION_1_0 0x00010000u
#define PSCI_VERSION_1_1 0x00010001u

/** True if fid is in the PSCI range (standard secure service, functions 0x00-0x1f). */
bool psci_is_psci(uint32_t fid);

/** PSCI_FEATURES of fid: PSCI_SUCCESS if implemented (SMCCC_VERSION too: SMCCC v1.1), else PSCI_NOT_SUPPORTED. */
int64_t psci_features(uint32_t fid);

/** Handle PSCI call fid from v (arguments in x1..x3, result in x0). */
void psci_handle(struct vcpu *v, uint32_t fid);
