/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot sequence. The boot CPU prints the banner, checks what it was handed,
 * starts every other CPU that hosts a vCPU, and runs its own vCPU. Each CPU
 * loads its own partition, so a small partition starts while a big image is
 * still being copied on another CPU.
 */
#include "arch.h"
#include "boot.h"
#include "config.h"
#include "console.h"
#include "ctl.h"
#include "fwcheck.h"
#include "health.h"
#include "lib.h"
#include "sched.h"
#include "spectre.h"
#include "trap.h"
#include "vcpu.h"
#include "vdev.h"

/*
 * Check what the firmware handed over against the board (fwcheck.c); a
 * readable DTB that differs stops the boot here, before any partition runs.
 */
static void boot_check_fw_dtb(uint64_t fw_dtb)
{
    uint32_t len = 0u;
    const uint8_t *copy = arch_fw_dtb_copy(&len);

    if (!fwcheck_dtb(fw_dtb, copy, len)) {
        arch_cpu_park();
    }
}

/* The CPU that takes console input: the first one hosting a vCPU. */
static uint32_t boot_console_cpu;
/* Set when the system stops (hypervisor error): idle CPUs, which cannot take the stop SGI, park. */
static volatile bool boot_stopping;

void boot_stop_requested(void)
{
    boot_stopping = true;
    arch_send_event();
}

/* A CPU whose exits call the firmware's Spectre-v2 workaround says so once (spectre_probe()). */
static void boot_report_spectre(uint32_t cpu, bool hardened)
{
    if (hardened) {
        console_hyp_printf("CPU %u: Spectre-v2: firmware branch-predictor invalidation on every exit",
                           (unsigned)cpu);
    }
}

void boot_primary(uint32_t cpu, uint64_t fw_dtb)
{
    /* The first boot line: the version and the configuration's fingerprint (gen/config.h). */
    static const char boot_banner[] = "Septum " SEPTUM_VERSION " (config " CFG_FINGERPRINT ")";
    uint32_t i;
    bool hardened;

    boot_stopping = false;
    hardened = spectre_probe(cpu);
    console_init();
    part_init_all();
    health_init();
    ctl_init();
    /* Lines whose every value the build knows are composed by it: formatting and scanning them cost
     * every boot about 1,000 instructions each (issue 11, reset -> first guest line). */
    console_hyp_line(boot_banner, sizeof(boot_banner) - 1u);
    console_hyp_line(CFG_BOOT_LINE_SYSTEM, sizeof(CFG_BOOT_LINE_SYSTEM) - 1u);
    boot_check_fw_dtb(fw_dtb);
    boot_report_spectre(cpu, hardened);
    /* Frame 0 of every schedule starts now: one epoch, so windows of a partition align across CPUs. */
    sched_set_epoch(arch_counter());
    if (CFG_NUM_SCHEDS > 0u) {
        console_hyp_printf("schedule epoch 0x%lx", (unsigned long)sched_epoch());
    }
    arch_gic_init();
    irq_init_routes();
    console_set_input(vdev_console_input);
    boot_console_cpu = CFG_NUM_CPUS;
    for (i = CFG_NUM_CPUS; i > 0u; i--) {
        if (cfg_cpus[i - 1u].vcpu != CFG_NO_VCPU) {
            boot_console_cpu = i - 1u;
        }
    }

    for (i = 0u; i < CFG_NUM_CPUS; i++) {
        int64_t rc;

        if ((i == cpu) || (cfg_cpus[i].vcpu == CFG_NO_VCPU)) {
            continue;
        }
        rc = arch_cpu_start(i);
        if (rc != 0) {
            console_hyp_printf("CPU %u (MPIDR 0x%lx) did not start: PSCI error %ld", (unsigned)i,
                               (unsigned long)cfg_cpus[i].mpidr, (long)rc);
        }
    }
    boot_cpu_run(cpu);
}

void boot_secondary(uint32_t cpu)
{
    boot_report_spectre(cpu, spectre_probe(cpu));
    boot_cpu_run(cpu);
}

/* A scheduled CPU loads every partition whose vCPU 0 it hosts; each then starts in its first window. */
static void boot_sched_load(uint32_t cpu)
{
    const struct cfg_sched *s = &cfg_scheds[sched_of_cpu(cpu)];
    uint32_t i;

    sched_cpu_init(cpu);
    for (i = 0u; i < s->num_windows; i++) {
        const struct cfg_window *w = &cfg_windows[s->first_window + i];
        const struct cfg_vcpu *cv = &cfg_vcpus[w->vcpu];

        if ((cv->index != 0u) || (part_state_get(w->partition) != PART_STATE_BOOTING)) {
            continue;
        }
        if (part_load(w->partition)) {
            console_hyp_printf("CPU %u: partition '%s' vCPU 0 starts at 0x%lx in its window", (unsigned)cpu,
                               cfg_partitions[w->partition].name, (unsigned long)vcpu_get(w->vcpu)->regs.pc);
        } else {
            part_halt(w->partition);
            console_hyp_printf("partition '%s' not started", cfg_partitions[w->partition].name);
        }
    }
}

/* A scheduled CPU outside any guest: run each window's vCPU when it can run, else wait. */
static void boot_sched_idle(uint32_t cpu)
{
    uint32_t cur = sched_current(cpu);

    if (cur != CFG_NO_VCPU) {
        vcpu_set_idle(vcpu_get(cur));
    }
    /* The one unbounded loop of a scheduled CPU: idle windows and windows of stopped vCPUs. */
    for (;;) {
        if (boot_stopping) {
            arch_cpu_park();
        }
        sched_step(cpu);
        if (console_irq_here()) {
            /* Interrupts are masked here: keep the console answering by polling it. */
            console_uart_irq();
        } else {
            console_poll();
        }
        arch_wait_event();
    }
}

void boot_cpu_run(uint32_t cpu)
{
    uint32_t id = cfg_cpus[cpu].vcpu;
    const struct cfg_vcpu *cv;
    struct vcpu *v;

    if (id == CFG_NO_VCPU) {
        arch_cpu_park();
    }
    arch_gic_cpu_init();
    if (cpu == boot_console_cpu) {
        /* Console input interrupts the first CPU that runs a vCPU (on its exits). */
        arch_console_rx_enable();
    }
    if (sched_of_cpu(cpu) != CFG_NO_SCHED) {
        boot_sched_load(cpu);
        boot_cpu_idle(cpu);
    }
    cv = &cfg_vcpus[id];
    v = vcpu_get(id);
    if (cv->index != 0u) {
        /* Secondary vCPUs wait for the guest's PSCI CPU_ON. */
        boot_cpu_idle(cpu);
    }
    if (!part_load(cv->partition)) {
        part_halt(cv->partition);
        console_hyp_printf("partition '%s' not started", cfg_partitions[cv->partition].name);
        boot_cpu_idle(cpu);
    }
    /* "CPU %u: partition '%s' vCPU 0 starts at 0x%lx" with cpu and v->regs.pc = entry_ipa (part_load). */
    console_hyp_line(cfg_start_lines[cv->partition].text, cfg_start_lines[cv->partition].len);
    (void)health_watchdog_tick(cv->partition);
    console_poll();
    arch_vcpu_enter(v);
}

void boot_cpu_idle(uint32_t cpu)
{
    struct vcpu *v;

    if (sched_of_cpu(cpu) != CFG_NO_SCHED) {
        boot_sched_idle(cpu);
    }
    v = vcpu_get(cfg_cpus[cpu].vcpu);

    /* The one unbounded loop: a CPU whose vCPU is off waits here for PSCI CPU_ON or a restart. */
    vcpu_set_idle(v);
    for (;;) {
        if (boot_stopping) {
            arch_cpu_park();
        }
        if (cfg_vcpus[v->id].index == 0u) {
            /*
             * vCPU 0's CPU owns its partition's watchdog. Here its EL2 timer cannot interrupt (IRQs
             * masked), so it looks itself: a partition cannot escape its watchdog by powering vCPU 0
             * off (PSCI CPU_OFF). The event stream (CNTHCTL_EL2.EVNTEN) ends each WFE below.
             */
            (void)health_watchdog_check(v->partition, arch_counter());
        }
        if (part_restart_step(v)) {
            (void)health_watchdog_tick(v->partition);
            arch_vcpu_enter(v);
        }
        if (vcpu_take_start(v)) {
            arch_vcpu_enter(v);
        }
        if (console_irq_here()) {
            /* Interrupts are masked here: keep the console answering by polling it. */
            console_uart_irq();
        } else {
            console_poll();
        }
        arch_wait_event();
    }
}

void kassert_fail(const char *file, int line, const char *expr)
{
    char text[CONSOLE_LINE_MAX];

    /* The kernel's own invariant broke: nothing it does can be trusted any more, on any CPU. */
    (void)fmt_snprintf(text, sizeof(text), "[septum] kernel assertion failed on CPU %u: %s:%d: %s; all partitions stopped",
                       (unsigned)arch_cpu_index(), file, line, expr);
    console_emergency(text);
    arch_stop_system();
}
