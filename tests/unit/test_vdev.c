/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of kernel/core/vdev.c: a trapped access reaches the emulated
 * device of the caller's own partition whose window holds it, with the offset
 * inside that window; anything else is a partition fault (VDEV_NONE or
 * VDEV_REJECTED). Both partitions have their GICD at 0x8000000 (64 KiB), their
 * GICR frames at 0x80a0000 (alpha one, beta two) and a vUART at 0x9000000.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chan.h"
#include "config.h"
#include "console.h"
#include "fake_arch.h"
#include "health.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic.h"
#include "vuart.h"

#define GICD 0x8000000u
#define GICR 0x80a0000u
#define UART 0x9000000u
#define UART_FR 0x018u
#define UART_IMSC 0x038u
#define UART_RXIM (1u << 4)

static struct vcpu *alpha;
static struct vcpu *beta;

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
    beta = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    return 0;
}

static enum vdev_result acc(struct vcpu *v, uint64_t ipa, uint32_t size, bool write, uint64_t *value)
{
    struct mmio_access a = { 0xdeadu, size, write, *value };
    enum vdev_result r = vdev_mmio(v, ipa, &a);

    *value = a.value;
    assert_int_equal(fake_lock_depth, 0);
    return r;
}

/* @req SRS-VDEV-001 */
static void test_gic_windows_reach_the_callers_own_vgic(void **state)
{
    uint64_t v = 0u;

    (void)state;
    /* GICD_TYPER: the same IPA answers with each partition's own distributor. */
    assert_int_equal(acc(alpha, GICD + 4u, 4u, false, &v), VDEV_HANDLED);
    assert_int_equal(v & 0xffu, 0x01u);
    assert_int_equal(acc(beta, GICD + 4u, 4u, false, &v), VDEV_HANDLED);
    assert_int_equal(v & 0xffu, 0x22u);
    /* A write lands in the caller's distributor only. */
    v = 2u;
    assert_int_equal(acc(beta, GICD, 4u, true, &v), VDEV_HANDLED);
    assert_int_equal(vgic_get(PART_BETA)->ctlr, 2u);
    assert_int_equal(vgic_get(PART_ALPHA)->ctlr, 0u);
    /* GICR_TYPER of beta's vCPU 1, in its second frame. */
    assert_int_equal(acc(beta, GICR + 0x20008u, 8u, false, &v), VDEV_HANDLED);
    assert_int_equal(v, (1ull << 32) | (1u << 8) | (1u << 4));
    assert_int_equal(acc(alpha, GICR + 0x8u, 8u, false, &v), VDEV_HANDLED);
    assert_int_equal(v, 1u << 4);
}

/* @req SRS-VDEV-001 */
static void test_windows_end_where_the_partitions_own_ends(void **state)
{
    uint64_t v = 0u;

    (void)state;
    /* alpha has one redistributor frame, beta two: beta's second is not alpha's. */
    assert_int_equal(acc(alpha, GICR + 0x20008u, 8u, false, &v), VDEV_NONE);
    assert_int_equal(acc(beta, GICR + 0x40000u, 4u, false, &v), VDEV_NONE);
    assert_int_equal(acc(beta, GICR + 0x3fffcu, 4u, false, &v), VDEV_HANDLED);
    assert_int_equal(acc(alpha, GICD + 0x10000u, 4u, false, &v), VDEV_NONE);
    assert_int_equal(acc(alpha, GICD - 4u, 4u, false, &v), VDEV_NONE);
    assert_int_equal(acc(alpha, UART + 0x1000u, 4u, false, &v), VDEV_NONE);
    assert_int_equal(acc(alpha, 0u, 4u, false, &v), VDEV_NONE);
    assert_int_equal(acc(alpha, UINT64_MAX - 3u, 4u, true, &v), VDEV_NONE);
}

/* @req SRS-VDEV-001 */
static void test_malformed_accesses_to_a_window_are_rejected(void **state)
{
    uint64_t v = 0u;

    (void)state;
    assert_int_equal(acc(alpha, GICD, 2u, false, &v), VDEV_REJECTED);
    assert_int_equal(acc(alpha, GICD + 1u, 4u, true, &v), VDEV_REJECTED);
    assert_int_equal(acc(beta, GICR + 0x14u, 1u, true, &v), VDEV_REJECTED);
    assert_int_equal(acc(alpha, UART, 8u, false, &v), VDEV_REJECTED);
}

/* @req SRS-VDEV-001 */
static void test_channel_control_windows_reach_the_channel_of_their_own_peer(void **state)
{
    uint32_t i;
    uint32_t seen = 0u;
    uint32_t handled = 0u;

    (void)state;
    for (i = 0u; i < CFG_NUM_VDEVS; i++) {
        const struct cfg_vdev *d = &cfg_vdevs[i];
        struct vcpu *v = (d->partition == PART_ALPHA) ? alpha : beta;
        uint64_t off;

        if (d->kind != CFG_VDEV_CHANCTL) {
            continue;
        }
        for (off = 0u; off < 16u; off += 4u) {
            struct mmio_access direct = { 0u, 4u, false, 0u };
            uint64_t val = 0u;
            enum vdev_result r = acc(v, d->ipa + off, 4u, false, &val);
            bool ok;

            direct.offset = off;
            ok = chan_mmio(d->arg, &direct);
            assert_int_equal(r, ok ? VDEV_HANDLED : VDEV_REJECTED);
            handled += ok ? 1u : 0u;
        }
        seen++;
    }
    assert_true(seen >= 2u);   /* the unit system's channel 'link' has two peers */
    assert_true(handled > 0u); /* some control register is readable: the dispatch is seen */
}

/* @req SRS-VDEV-001 */
static void test_vuart_window_and_its_interrupt_line(void **state)
{
    uint64_t v = 0u;

    (void)state;
    assert_int_equal(acc(alpha, UART + UART_FR, 4u, false, &v), VDEV_HANDLED);
    assert_true((v & (1u << 4)) != 0u); /* RXFE */
    v = UART_RXIM;
    assert_int_equal(acc(alpha, UART + UART_IMSC, 4u, true, &v), VDEV_HANDLED);
    assert_false(vgic_get(PART_ALPHA)->spi[33u - 32u].line);
    /* Console input for alpha raises alpha's vUART interrupt, not beta's. */
    assert_true(vdev_console_input(PART_ALPHA, 'a'));
    assert_true(vgic_get(PART_ALPHA)->spi[33u - 32u].line);
    assert_false(vgic_get(PART_BETA)->spi[33u - 32u].line);
    assert_int_equal(acc(alpha, UART + UART_FR, 4u, false, &v), VDEV_HANDLED);
    assert_true((v & (1u << 4)) == 0u);
    /* Reading the byte drains the FIFO and drops the line. */
    assert_int_equal(acc(alpha, UART, 4u, false, &v), VDEV_HANDLED);
    assert_int_equal(v & 0xffu, 'a');
    assert_false(vgic_get(PART_ALPHA)->spi[33u - 32u].line);
}

/* @req SRS-VDEV-001 */
static void test_a_dr_write_reaches_the_console_with_the_line_low_or_high(void **state)
{
    uint64_t v = 'o';

    (void)state;
    /* Line low: the byte goes without the vUART's lock (fake_lock_depth stays 0 either way). */
    assert_int_equal(acc(alpha, UART, 1u, true, &v), VDEV_HANDLED);
    assert_false(vgic_get(PART_ALPHA)->spi[33u - 32u].line);
    /* Line high (receive interrupt unmasked, a byte waiting): each DR write drives it again. */
    v = UART_RXIM;
    assert_int_equal(acc(alpha, UART + UART_IMSC, 4u, true, &v), VDEV_HANDLED);
    assert_true(vdev_console_input(PART_ALPHA, 'a'));
    assert_true(vgic_get(PART_ALPHA)->spi[33u - 32u].line);
    vgic_get(PART_ALPHA)->spi[33u - 32u].line = false;
    v = 'k';
    assert_int_equal(acc(alpha, UART, 4u, true, &v), VDEV_HANDLED);
    assert_true(vgic_get(PART_ALPHA)->spi[33u - 32u].line);
    /* A malformed DR write is rejected on either path. */
    v = 'x';
    assert_int_equal(acc(alpha, UART, 8u, true, &v), VDEV_REJECTED);
    v = '\n';
    assert_int_equal(acc(alpha, UART, 4u, true, &v), VDEV_HANDLED);
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] ok\r\n");
}

/* @req SRS-VDEV-001 */
static void test_console_input_probe_and_full_fifo(void **state)
{
    uint32_t i;

    (void)state;
    assert_true(vdev_console_input(PART_BETA, -1));
    assert_false(vgic_get(PART_BETA)->spi[33u - 32u].line);
    /* The FIFO and the input ring behind it. */
    for (i = 0u; i < (VUART_RX_FIFO_SIZE + VUART_INPUT_RING_SIZE); i++) {
        assert_true(vdev_console_input(PART_BETA, 'b'));
    }
    assert_false(vdev_console_input(PART_BETA, 'b'));
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-VDEV-001 */
static void test_reset_returns_the_devices_to_power_on_state(void **state)
{
    uint64_t v = 3u;

    (void)state;
    assert_int_equal(acc(alpha, GICD, 4u, true, &v), VDEV_HANDLED);
    assert_true(vdev_console_input(PART_ALPHA, 'z'));
    vdev_reset(PART_ALPHA);
    assert_int_equal(vgic_get(PART_ALPHA)->ctlr, 0u);
    assert_int_equal(acc(alpha, UART + UART_FR, 4u, false, &v), VDEV_HANDLED);
    assert_true((v & (1u << 4)) != 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_gic_windows_reach_the_callers_own_vgic, setup),
        cmocka_unit_test_setup(test_windows_end_where_the_partitions_own_ends, setup),
        cmocka_unit_test_setup(test_malformed_accesses_to_a_window_are_rejected, setup),
        cmocka_unit_test_setup(test_channel_control_windows_reach_the_channel_of_their_own_peer, setup),
        cmocka_unit_test_setup(test_vuart_window_and_its_interrupt_line, setup),
        cmocka_unit_test_setup(test_a_dr_write_reaches_the_console_with_the_line_low_or_high, setup),
        cmocka_unit_test_setup(test_console_input_probe_and_full_fifo, setup),
        cmocka_unit_test_setup(test_reset_returns_the_devices_to_power_on_state, setup),
    };

    return cmocka_run_group_tests_name("vdev", tests, NULL, NULL);
}
