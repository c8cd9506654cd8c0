/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run-time control of partitions, as QNX's VMM serves its clients: a
 * partition named as a controller of another (system.yaml `control:`) and
 * the person at the console can query, start, stop and restart it. A start or
 * restart is carried out by the target's own vCPU 0 CPU (the reset sequence
 * in part.c); the caller only changes its state and kicks it.
 */
#include "config.h"
#include "console.h"
#include "ctl.h"
#include "health.h"
#include "septum/hvc_abi.h"
#include "vcpu.h"

/* A console command waiting for its partition number: 0 none, else 's', 'x' or 'r'. */
static char ctl_pending;

void ctl_init(void)
{
    ctl_pending = '\0';
}

bool ctl_allowed(uint32_t caller, uint32_t p)
{
    if ((caller >= CFG_NUM_PARTITIONS) || (p >= CFG_NUM_PARTITIONS)) {
        return false;
    }
    return ((cfg_health[p].controllers >> caller) & 1u) != 0u;
}

static const char *ctl_state_name(enum part_state s)
{
    switch (s) {
    case PART_STATE_STARTING:
        return "starting";
    case PART_STATE_RUNNING:
        return "running";
    case PART_STATE_RESTARTING:
        return "restarting";
    case PART_STATE_HALTED:
        return "halted";
    default:
        return "booting";
    }
}

int64_t ctl_apply(uint32_t p, uint32_t op, const char *who)
{
    const char *name;
    enum part_state s;

    if ((p >= CFG_NUM_PARTITIONS) || (op < SEPTUM_CTL_START) || (op > SEPTUM_CTL_RESTART)) {
        return SMCCC_INVALID_PARAMETER;
    }
    name = cfg_partitions[p].name;
    s = part_state_get(p);
    if (op == SEPTUM_CTL_START) {
        if (!part_start(p)) {
            return SMCCC_NOT_REQUIRED;
        }
        console_hyp_printf("ctl: %s starts partition '%s'", who, name);
        health_notify(p);
        return SMCCC_SUCCESS;
    }
    if ((s != PART_STATE_RUNNING) && (s != PART_STATE_STARTING)) {
        /* Halted: nothing to stop or restart (start it). Booting or restarting: already on its way. */
        return SMCCC_NOT_REQUIRED;
    }
    if (op == SEPTUM_CTL_STOP) {
        console_hyp_printf("ctl: %s stops partition '%s'", who, name);
        part_halt(p);
    } else {
        console_hyp_printf("ctl: %s restarts partition '%s' (restart %u, not a fault)", who, name,
                           (unsigned)health_count_restart(p));
        part_restart(p);
    }
    health_notify(p);
    return SMCCC_SUCCESS;
}

static void ctl_console_list(void)
{
    uint32_t p;

    for (p = 0u; p < CFG_NUM_PARTITIONS; p++) {
        uint32_t restarts;

        (void)health_state(p, &restarts);
        console_hyp_printf("ctl: %u '%s' %s, %u restarts, %u faults", (unsigned)p, cfg_partitions[p].name,
                           ctl_state_name(part_state_get(p)), (unsigned)restarts, (unsigned)part_get(p)->faults);
    }
}

bool ctl_console_command(char c)
{
    if (c == 'l') {
        ctl_console_list();
        return true;
    }
    if ((c == 's') || (c == 'x') || (c == 'r')) {
        ctl_pending = c;
        return true;
    }
    return false;
}

bool ctl_console_arg(char c)
{
    char op = ctl_pending;
    uint32_t digit = (uint32_t)(uint8_t)c;
    int64_t rc;
    uint32_t p;

    if (op == '\0') {
        return false;
    }
    ctl_pending = '\0';
    p = digit - (uint32_t)(uint8_t)'0';
    if ((c < '0') || (c > '9') || (p >= CFG_NUM_PARTITIONS)) {
        console_hyp_printf("ctl: Ctrl-T %c needs a partition number (Ctrl-T l lists them)", op);
        return true;
    }
    rc = ctl_apply(p, (op == 's') ? SEPTUM_CTL_START : ((op == 'x') ? SEPTUM_CTL_STOP : SEPTUM_CTL_RESTART),
                   "console");
    if (rc != SMCCC_SUCCESS) {
        console_hyp_printf("ctl: partition '%s' is %s: nothing to do", cfg_partitions[p].name,
                           ctl_state_name(part_state_get(p)));
    }
    return true;
}
