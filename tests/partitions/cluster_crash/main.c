/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The instrument cluster, built with its test hook: a '!' on the cluster's
 * console makes it read an address it does not own (a partition fault), so
 * that tests/integration/test_ivi_channel.py can force a cluster restart and
 * watch the IVI notice it through the nav channel's peer-state doorbell.
 */
#define CLUSTER_CRASH_KEY '!'
/* Address 0: the virt board's flash, never given to a partition here. */
#define CLUSTER_CRASH_IPA 0x0u
#include "../../../partitions/cluster/main.c"
