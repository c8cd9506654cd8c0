/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/core/irq.c: physical interrupts taken at EL2. Routes of
 * tests/unit/system.yaml, sorted by physical INTID: 34 -> beta 34 (RTC),
 * 48 -> alpha 40, 100 -> beta 70. The console's interrupt is SPI 33.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "health.h"
#include "trap.h"
#include "vcpu.h"
#include "vgic_priv.h"

#define T_GICD_IROUTER(n) (0x6000u + (8u * (n)))

static struct vcpu *alpha;
static struct vcpu *beta0;
static struct vcpu *beta1;
/* irq_unowned_count() is a boot-long counter: tests look at its growth. */
static uint32_t unowned0;

static uint32_t unowned(void)
{
    return irq_unowned_count() - unowned0;
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    console_init();
    part_init_all();
    health_init();
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    alpha = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    beta0 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    beta1 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u);
    unowned0 = irq_unowned_count();
    /* Fresh vGICs: loading beta notified alpha, its subscriber. */
    vgic_init(PART_ALPHA);
    vgic_init(PART_BETA);
    fake_num_sgis = 0u;
    return 0;
}

static struct vgic_irq *priv(uint32_t p, uint32_t vcpu, uint32_t intid)
{
    return &vgic_get(p)->vcpu[vcpu].priv[intid];
}

static struct vgic_irq *spi(uint32_t p, uint32_t intid)
{
    return &vgic_get(p)->spi[intid - 32u];
}

/* @req SRS-IRQ-002 */
static void test_spurious_intids_are_ignored(void **state)
{
    (void)state;
    trap_irq(alpha, 1023u);
    trap_irq(alpha, 1020u);
    assert_int_equal(fake_num_eois, 0u);
    assert_int_equal(fake_num_dirs, 0u);
    assert_int_equal(unowned(), 0u);
}

/* @req SRS-IRQ-004 */
static void test_timer_ppis_go_to_the_interrupted_vcpu_only(void **state)
{
    (void)state;
    fake_cpu = 3u;
    trap_irq(beta1, 27u);
    assert_true(priv(PART_BETA, 1u, 27u)->pending);
    assert_false(priv(PART_BETA, 0u, 27u)->pending);
    assert_false(priv(PART_ALPHA, 0u, 27u)->pending);
    fake_cpu = 0u;
    trap_irq(alpha, 30u);
    assert_true(priv(PART_ALPHA, 0u, 30u)->pending);
    assert_false(priv(PART_BETA, 1u, 30u)->pending);
    /* Priority drop only: the guest's EOI deactivates them through the HW bit. */
    assert_int_equal(fake_num_eois, 2u);
    assert_int_equal(fake_eoi[0], 27u);
    assert_int_equal(fake_eoi[1], 30u);
    assert_int_equal(fake_num_dirs, 0u);
    assert_int_equal(fake_num_sgis, 0u);
}

/* @req SRS-IRQ-004 */
static void test_routed_spis_reach_their_owner_whoever_was_running(void **state)
{
    struct mmio_access a = { T_GICD_IROUTER(70u), 8u, true, 1u };

    (void)state;
    /* Taken while alpha runs: 34 is beta's, and alpha's own INTID 34 is another interrupt. */
    trap_irq(alpha, 34u);
    assert_true(spi(PART_BETA, 34u)->pending);
    assert_false(spi(PART_ALPHA, 34u)->pending);
    /* Disabled in beta: nothing new for its vCPU, no kick. */
    assert_int_equal(fake_num_sgis, 0u);
    trap_irq(beta0, 48u);
    assert_true(spi(PART_ALPHA, 40u)->pending);
    assert_false(spi(PART_BETA, 48u)->pending);
    /* Routed by the guest's IROUTER to vCPU 1: that vCPU's CPU is kicked. */
    assert_true(vgic_dist_mmio(PART_BETA, &a));
    a.offset = 0x108u; /* GICD_ISENABLER2: 70 */
    a.size = 4u;
    a.value = 1u << 6;
    assert_true(vgic_dist_mmio(PART_BETA, &a));
    fake_cpu = 2u;
    fake_num_sgis = 0u;
    trap_irq(beta0, 100u);
    assert_true(spi(PART_BETA, 70u)->pending);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    assert_int_equal(fake_num_eois, 3u);
    assert_int_equal(fake_num_dirs, 0u);
    assert_int_equal(unowned(), 0u);
}

/*
 * One injection function (vgic_inject): a routed SPI taken on the exit of the vCPU it is routed
 * to goes straight into a free list register (HW = 1 with its physical INTID), as the timer
 * PPIs do; nothing is left for the exit's flush and no CPU is kicked.
 */
/* @req SRS-IRQ-010 */
static void test_routed_spi_taken_on_its_targets_own_exit_goes_straight_into_a_list_register(void **state)
{
    struct mmio_access ctlr = { 0x0u, 4u, true, 1u };
    struct mmio_access en = { 0x104u, 4u, true, 1u << (40u - 32u) }; /* GICD_ISENABLER1: 40 */

    (void)state;
    assert_true(vgic_handlers.dist_mmio(PART_ALPHA, &ctlr));
    assert_true(vgic_handlers.dist_mmio(PART_ALPHA, &en));
    vgic_handlers.flush(PART_ALPHA, 0u);
    fake_num_sgis = 0u;
    trap_irq(alpha, 48u);
    assert_int_equal(fake_lrs[0], 40u | (1ull << 62) | (1ull << 61) | (48ull << 32));
    assert_false(spi(PART_ALPHA, 40u)->pending);
    assert_false(vgic_has_news(alpha->id));
    assert_int_equal(fake_num_sgis, 0u);
    /* Priority drop only: the guest's EOI deactivates it through the HW bit. */
    assert_int_equal(fake_num_eois, 1u);
    assert_int_equal(fake_num_dirs, 0u);
}

/* @req SRS-IRQ-001 */
static void test_unrouted_spis_are_deactivated_and_counted(void **state)
{
    static const uint32_t missing[] = { 32u, 35u, 40u, 49u, 99u, 101u, 1019u };
    uint32_t i;

    (void)state;
    for (i = 0u; i < sizeof(missing) / sizeof(missing[0]); i++) {
        trap_irq(alpha, missing[i]);
        assert_int_equal(fake_dir[i], missing[i]);
    }
    assert_int_equal(fake_num_dirs, sizeof(missing) / sizeof(missing[0]));
    assert_int_equal(unowned(), sizeof(missing) / sizeof(missing[0]));
    assert_false(spi(PART_ALPHA, 40u)->pending);
    assert_false(spi(PART_ALPHA, 32u)->pending);
    assert_false(spi(PART_BETA, 35u)->pending);
}

/* @req SRS-IRQ-001 */
static void test_hypervisor_sgis_and_maintenance_are_deactivated_not_counted(void **state)
{
    (void)state;
    trap_irq(alpha, ARCH_SGI_KICK);
    trap_irq(alpha, 15u);
    trap_irq(alpha, VGIC_PPI_MAINTENANCE);
    assert_int_equal(fake_num_dirs, 3u);
    assert_int_equal(fake_dir[0], ARCH_SGI_KICK);
    assert_int_equal(fake_dir[2], VGIC_PPI_MAINTENANCE);
    assert_int_equal(unowned(), 0u);
    /* SGIs are never a partition's: a hypervisor kick is not injected. */
    assert_false(priv(PART_ALPHA, 0u, 0u)->pending);
    /* A PPI nobody uses is counted. */
    trap_irq(alpha, 23u);
    assert_int_equal(unowned(), 1u);
}

/* @req SRS-IRQ-001 */
static void test_hyp_timer_runs_the_watchdog_and_is_not_injected(void **state)
{
    (void)state;
    fake_cpu = 2u;
    trap_irq(beta0, ARCH_PPI_HYP_TIMER);
    assert_int_equal(fake_num_dirs, 1u);
    assert_int_equal(fake_dir[0], ARCH_PPI_HYP_TIMER);
    assert_false(priv(PART_BETA, 0u, ARCH_PPI_HYP_TIMER)->pending);
    assert_int_equal(unowned(), 0u);
}

/* @req SRS-IRQ-001 */
static void test_console_interrupt_reads_at_most_a_fifo(void **state)
{
    (void)state;
    memset(fake_rx, 'x', 100u);
    fake_rx_len = 100u;
    trap_irq(alpha, cfg_hyp.console_intid);
    assert_int_equal(fake_dir[0], cfg_hyp.console_intid);
    assert_int_equal(fake_rx_len, 100u - CONSOLE_RX_BURST);
    /* Later interrupts take the rest, a FIFO at a time, and stop when the UART is empty. */
    trap_irq(alpha, cfg_hyp.console_intid);
    trap_irq(alpha, cfg_hyp.console_intid);
    assert_int_equal(fake_rx_len, 100u - (3u * CONSOLE_RX_BURST));
    trap_irq(alpha, cfg_hyp.console_intid);
    assert_int_equal(fake_rx_len, 0u);
    assert_int_equal(fake_rx_pos, 100u);
    assert_int_equal(unowned(), 0u);
}

/* @req SRS-ISO-006 */
static void test_stop_sgi_parks_the_cpu_and_its_vcpu_never_resumes(void **state)
{
    (void)state;
    if (setjmp(fake_noreturn) == 0) {
        trap_irq(alpha, ARCH_SGI_STOP);
    }
    assert_int_equal(fake_parks, 1u);
    assert_int_equal(fake_eoi[0], ARCH_SGI_STOP);
}

/* @req SRS-IRQ-004 */
static void test_routes_start_disabled_on_their_owners_first_cpu(void **state)
{
    (void)state;
    fake_irq_enabled[34] = true;
    irq_init_routes();
    assert_false(fake_irq_enabled[34]);
    assert_int_equal(fake_irq_route[34], 2u);
    assert_int_equal(fake_irq_route[48], 0u);
    assert_int_equal(fake_irq_route[100], 2u);
    assert_int_equal(fake_irq_route[33], 0xffffffffu);
}

/* @req SRS-ISO-004 */
static void test_silencing_a_partition_disables_only_its_interrupts(void **state)
{
    (void)state;
    fake_irq_enabled[34] = true;
    fake_irq_enabled[48] = true;
    fake_irq_enabled[100] = true;
    irq_silence_partition(PART_BETA);
    assert_false(fake_irq_enabled[34]);
    assert_false(fake_irq_enabled[100]);
    assert_true(fake_irq_enabled[48]);
}

/* The light step of an IRQ exit takes everything but the scheduler's timer and the stop SGI. */
/* @req SRS-IRQ-002 */
static void test_light_step_leaves_hyp_timer_and_stop_sgi_to_the_full_step(void **state)
{
    (void)state;
    assert_false(trap_irq_light(ARCH_PPI_HYP_TIMER));
    assert_false(trap_irq_light(ARCH_SGI_STOP));
    assert_true(trap_irq_light(GIC_PPI_VTIMER));
    assert_true(trap_irq_light(ARCH_SGI_KICK));
    assert_true(trap_irq_light(40u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_spurious_intids_are_ignored, setup),
        cmocka_unit_test_setup(test_timer_ppis_go_to_the_interrupted_vcpu_only, setup),
        cmocka_unit_test_setup(test_routed_spis_reach_their_owner_whoever_was_running, setup),
        cmocka_unit_test_setup(test_routed_spi_taken_on_its_targets_own_exit_goes_straight_into_a_list_register,
                               setup),
        cmocka_unit_test_setup(test_unrouted_spis_are_deactivated_and_counted, setup),
        cmocka_unit_test_setup(test_hypervisor_sgis_and_maintenance_are_deactivated_not_counted, setup),
        cmocka_unit_test_setup(test_hyp_timer_runs_the_watchdog_and_is_not_injected, setup),
        cmocka_unit_test_setup(test_console_interrupt_reads_at_most_a_fifo, setup),
        cmocka_unit_test_setup(test_stop_sgi_parks_the_cpu_and_its_vcpu_never_resumes, setup),
        cmocka_unit_test_setup(test_routes_start_disabled_on_their_owners_first_cpu, setup),
        cmocka_unit_test_setup(test_silencing_a_partition_disables_only_its_interrupts, setup),
        cmocka_unit_test(test_light_step_leaves_hyp_timer_and_stop_sgi_to_the_full_step),
    };

    return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
