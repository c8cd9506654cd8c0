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
#include "trap.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic_priv.h"
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

/* ESR_EL2 of a guest store of 1 << sas bytes from x1 (EC 0x24, IL, ISV, SRT 1, WnR; Arm ARM D17.2.37). */
static uint64_t store_esr(uint32_t sas)
{
    return ((uint64_t)ESR_EC_DABT_LOW << ESR_EC_SHIFT) | ESR_IL | ESR_ISS_ISV | ((uint64_t)sas << 22) | (1u << 16) |
           ESR_ISS_WNR;
}

/* A guest's store of c to ipa as the hardware takes it: the sync vector's vUART path (its C model), else C. */
static enum vdev_result vector_store(struct vcpu *v, uint64_t ipa, uint32_t size, uint64_t c)
{
    uint64_t value = c;

    if (fake_dabt_vector(v->id, store_esr((uint32_t)__builtin_ctz(size)), ipa, c)) {
        return VDEV_HANDLED;
    }
    return acc(v, ipa, size, true, &value);
}

static void vector_puts(struct vcpu *v, const char *s)
{
    size_t i;

    for (i = 0u; s[i] != '\0'; i++) {
        assert_int_equal(vector_store(v, UART, 1u, (uint8_t)s[i]), VDEV_HANDLED);
    }
}

/* @req SRS-CON-005 */
static void test_the_vectors_vuart_path_binds_each_partitions_own_dr_line_and_lock(void **state)
{
    uint32_t p;

    (void)state;
    for (p = PART_ALPHA; p <= PART_BETA; p++) {
        /* Both loaded partitions have their vUART at UART: DR at offset 0. */
        assert_int_equal(fake_vuart_fast[p].dr_ipa, UART + VUART_DR);
        assert_non_null(fake_vuart_fast[p].cr);
        assert_non_null(fake_vuart_fast[p].level);
        assert_non_null(fake_vuart_fast[p].tx_bytes);
        assert_non_null(fake_vuart_fast[p].text);
        assert_non_null(fake_vuart_fast[p].len);
        assert_non_null(fake_vuart_fast[p].lock);
    }
    assert_ptr_not_equal(fake_vuart_fast[PART_ALPHA].text, fake_vuart_fast[PART_BETA].text);
    assert_ptr_not_equal(fake_vuart_fast[PART_ALPHA].lock, fake_vuart_fast[PART_BETA].lock);
    assert_ptr_not_equal(fake_vuart_fast[PART_ALPHA].cr, fake_vuart_fast[PART_BETA].cr);
    /* The vUART's own state: CR reads back what the guest wrote through its window. */
    assert_int_equal(*fake_vuart_fast[PART_ALPHA].cr, VUART_CR_TXE | VUART_CR_RXE);
}

/*
 * The sync vector appends only printable bytes stored to the partition's own DR, with its line
 * low, outside loopback, nothing else for the exit to do and room in a line whose lock is free;
 * the output is byte for byte what the C path gives, control bytes escaped, long lines split.
 */
/* @req SRS-CON-005 SRS-CON-001 */
static void test_the_vectors_vuart_path_gives_the_c_paths_output(void **state)
{
    struct fake_vuart_fast *f = &fake_vuart_fast[PART_ALPHA];
    uint64_t before = *f->tx_bytes;
    uint64_t v;
    uint32_t i;

    (void)state;
    vector_puts(alpha, "ok\x01\t\x1b[2Jz\r\n");
    /* o, k, [, 2, J, z: the vector's; \x01, \t, ESC, CR, \n: C's. */
    assert_int_equal(fake_dabt_fast_done, 6u);
    assert_int_equal(*f->tx_bytes - before, 11u);
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha] ok\\x01\t\\x1b[2Jz\r\n");
    (void)memset(fake_console, 0, sizeof(fake_console));
    fake_console_len = 0u;
    /* A full line: the vector declines the byte after CONSOLE_LINE_MAX, C finishes the line first. */
    fake_dabt_fast_done = 0u;
    for (i = 0u; i < (CONSOLE_LINE_MAX + 2u); i++) {
        assert_int_equal(vector_store(alpha, UART, 4u, 'a' + (i % 26u)), VDEV_HANDLED);
    }
    /* The last byte is C's too: the finished line waits in the ring (console work for the exit). */
    assert_int_equal(fake_dabt_fast_done, CONSOLE_LINE_MAX);
    vector_puts(alpha, "\n");
    fake_console_drain();
    assert_int_equal(fake_console_len, (8u + CONSOLE_LINE_MAX + 2u) + (8u + 2u + 2u));
    assert_memory_equal(fake_console, "[alpha] abcdefghijklmnopqrstuvwxyz", 34u);
    assert_memory_equal(&fake_console[8u + CONSOLE_LINE_MAX], "\r\n[alpha] ", 10u);
    (void)memset(fake_console, 0, sizeof(fake_console));
    fake_console_len = 0u;
    /* Not the vector's: a load, 8 bytes, another register, another partition's DR address,
     * no syndrome, a stage-1 walk, a 16-bit instruction, another exception class. */
    fake_dabt_fast_done = 0u;
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u) & ~(uint64_t)ESR_ISS_WNR, UART, 'a'));
    assert_false(fake_dabt_vector(alpha->id, store_esr(3u), UART, 'a'));
    assert_false(fake_dabt_vector(alpha->id, store_esr(2u), UART + UART_FR, 'a'));
    assert_false(fake_dabt_vector(alpha->id, store_esr(2u), UART + 0x1000u, 'a'));
    assert_false(fake_dabt_vector(alpha->id, store_esr(2u) & ~(uint64_t)ESR_ISS_ISV, UART, 'a'));
    assert_false(fake_dabt_vector(alpha->id, store_esr(2u) | ESR_ISS_S1PTW, UART, 'a'));
    assert_false(fake_dabt_vector(alpha->id, store_esr(2u) & ~(uint64_t)ESR_IL, UART, 'a'));
    assert_false(fake_dabt_vector(alpha->id, (store_esr(2u) & 0x3ffffffu) | ((uint64_t)ESR_EC_SYSREG << ESR_EC_SHIFT),
                                  UART, 'a'));
    /* Not printable: the bounds, 0x1f and 0x7f. */
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 0x1fu));
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 0x7fu));
    assert_true(fake_dabt_vector(alpha->id, store_esr(0u), UART, 0x120u)); /* the low byte: ' ' */
    assert_true(fake_dabt_vector(alpha->id, store_esr(0u), UART, 0x7eu));
    /* The writer lock held (another vCPU of the partition appending): C waits for it. */
    f->lock->word = 1u;
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'a'));
    f->lock->word = 0u;
    /* vGIC news for the vCPU, console work waiting: the C exit has work after the byte. */
    *(uint32_t *)(uintptr_t)fake_fast_news[alpha->id] = 1u; /* the vGIC's change word, as vgic_send_sgi() sets it */
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'a'));
    *(uint32_t *)(uintptr_t)fake_fast_news[alpha->id] = 0u;
    vector_puts(alpha, "\n");
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'a')); /* a line queued */
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha]  ~\r\n");
    assert_true(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'a'));
    /* The interrupt line high (receive interrupt unmasked, a byte waiting): C drives it again. */
    v = UART_RXIM;
    assert_int_equal(acc(alpha, UART + UART_IMSC, 4u, true, &v), VDEV_HANDLED);
    assert_true(vdev_console_input(PART_ALPHA, 'i'));
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'a'));
    assert_int_equal(acc(alpha, UART, 4u, false, &v), VDEV_HANDLED);
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'b')); /* the line's change: vGIC news */
    vgic_flush(PART_ALPHA, 0u);                                          /* the C exit's flush */
    assert_true(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'b'));
    /* Loopback (CR.LBE): the byte goes to the receive FIFO, C's work. */
    v = VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE | VUART_CR_LBE;
    assert_int_equal(acc(alpha, UART + 0x030u, 4u, true, &v), VDEV_HANDLED);
    assert_false(fake_dabt_vector(alpha->id, store_esr(0u), UART, 'c'));
    v = VUART_CR_TXE | VUART_CR_RXE;
    assert_int_equal(acc(alpha, UART + 0x030u, 4u, true, &v), VDEV_HANDLED);
    /* beta's vCPU never reaches alpha's line: its own vUART's DR is its own. */
    assert_true(fake_dabt_vector(beta->id, store_esr(0u), UART, 'B'));
    vector_puts(alpha, "\n");
    vector_puts(beta, "\n");
    fake_console_drain();
    assert_string_equal(fake_console, "[alpha]  ~\r\n[alpha] ab\r\n[beta] B\r\n");
    assert_int_equal(fake_lock_depth, 0);
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
        cmocka_unit_test_setup(test_the_vectors_vuart_path_binds_each_partitions_own_dr_line_and_lock, setup),
        cmocka_unit_test_setup(test_the_vectors_vuart_path_gives_the_c_paths_output, setup),
        cmocka_unit_test_setup(test_console_input_probe_and_full_fifo, setup),
        cmocka_unit_test_setup(test_reset_returns_the_devices_to_power_on_state, setup),
    };

    return cmocka_run_group_tests_name("vdev", tests, NULL, NULL);
}
