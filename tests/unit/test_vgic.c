/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of vdev/vgic.c: every distributor and redistributor register
 * including the RAZ/WI cases, list-register allocation, priorities, eviction
 * and overflow, LR read-back, SGI target decoding and the kicks. Built against
 * tests/unit/system.yaml: alpha (1 vCPU on CPU 0, 64 INTIDs) owns SPI 32
 * (health notification, edge), 33 (vUART) and 40 (HW, physical 48); beta
 * (vCPUs on CPUs 2 and 3, MPIDR Aff0 0 and 1, 96 INTIDs) owns 33 (vUART),
 * 34 (HW RTC) and 70 (HW, physical 100). Both own SGIs 0-15 and PPIs 27, 30.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "fake_arch.h"
#include "vcpu.h"
#include "vgic_priv.h"

/* Distributor offsets (GICv3 12.9). */
#define CTLR 0x0000u
#define TYPER 0x0004u
#define IIDR 0x0008u
#define IGROUPR 0x0080u
#define ISENABLER 0x0100u
#define ICENABLER 0x0180u
#define ISPENDR 0x0200u
#define ICPENDR 0x0280u
#define ISACTIVER 0x0300u
#define ICACTIVER 0x0380u
#define IPRIORITYR 0x0400u
#define ICFGR 0x0c00u
#define IROUTER(n) (0x6000u + (8u * (n)))
#define PIDR2 0xffe8u
/* Redistributor: frame of vCPU v, SGI_base at +64 KiB (12.10, 12.11). */
#define RD(v) (0x20000u * (v))
#define SGI(v) (RD(v) + 0x10000u)
#define T_GICR_WAKER 0x14u
#define T_GICR_TYPER 0x08u

/* ICH_LR<n>_EL2 (12.4.6). */
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (2ull << 62)
#define T_LR_HW (1ull << 61)
#define LR_G1 (1ull << 60)
#define T_LR_EOI (1ull << 41)
#define LR(vintid, prio) ((uint64_t)(vintid) | ((uint64_t)(prio) << 48) | LR_PENDING)
#define LR_VINTID(lr) ((uint32_t)((lr) & 0xffffffffu))

/* ICC_SGI1R_EL1 (12.11.9). */
#define SGI1R(intid, targets) (((uint64_t)(intid) << 24) | (uint64_t)(targets))
#define T_SGI1R_AFF1(a) ((uint64_t)(a) << 16)
#define T_SGI1R_AFF2(a) ((uint64_t)(a) << 32)
#define T_SGI1R_AFF3(a) ((uint64_t)(a) << 48)
#define T_SGI1R_RS(a) ((uint64_t)(a) << 44)
#define T_SGI1R_IRM (1ull << 40)

/* Table sizes as objects, so a loop over an empty table compiles without warnings. */
static const uint32_t num_peers = CFG_NUM_CHANNEL_PEERS;

/* The bit of vintid in 32-bit word w of a bit bank (0 if it is not in w). */
static uint32_t bit_of(uint32_t vintid, uint32_t w)
{
    return ((vintid >= 32u) && ((vintid / 32u) == w)) ? (1u << (vintid % 32u)) : 0u;
}

/*
 * Bits in word w of p's purely virtual SPIs (health notification, channel
 * doorbells): the generator numbers them around the rest of the system, so the
 * expectations below take them from the tables rather than hard-code them.
 */
static uint32_t virt_bits(uint32_t p, uint32_t w)
{
    uint32_t m = bit_of(cfg_health[p].notify_vintid, w);
    uint32_t i;

    for (i = 0u; i < num_peers; i++) {
        if (cfg_channel_peers[i].partition == p) {
            m |= bit_of(cfg_channel_peers[i].vintid, w);
        }
    }
    return m;
}

/* Bits of ISENABLER-style word w for the (level) interrupts of p's virtio-net link ends. */
static uint32_t link_bits(uint32_t p, uint32_t w)
{
    uint32_t m = 0u;
    uint32_t i;

    for (i = 0u; i < CFG_NUM_NETDEVS; i++) {
        if (cfg_netdevs[i].partition == p) {
            m |= bit_of(cfg_netdevs[i].vintid, w);
        }
    }
    return m;
}

/* ICFGR word w with the Int_config bit set for p's link interrupts (writable: emulated, not hardware). */
static uint32_t link_cfg(uint32_t p, uint32_t w)
{
    uint32_t bits = link_bits(p, w / 2u) >> (16u * (w % 2u));
    uint32_t m = 0u;
    uint32_t i;

    for (i = 0u; i < 16u; i++) {
        m |= (((bits >> i) & 1u) != 0u) ? (2u << (2u * i)) : 0u;
    }
    return m;
}

/* The same as ICFGR word w (16 INTIDs each): the virtual SPIs are edge-triggered. */
static uint32_t virt_edges(uint32_t p, uint32_t w)
{
    uint32_t bits = virt_bits(p, w / 2u) >> (16u * (w % 2u));
    uint32_t m = 0u;
    uint32_t i;

    for (i = 0u; i < 16u; i++) {
        m |= (((bits >> i) & 1u) != 0u) ? (2u << (2u * i)) : 0u;
    }
    return m;
}

/*
 * An exit of vCPU v after the guest may have changed its list registers: the
 * maintenance interrupt (NPIE/UIE/EOI) or an injection has set its changed
 * flag. The fast path (flag clear) has tests of its own that call vgic_flush().
 */
static void exit_flush(uint32_t p, uint32_t v)
{
    vgic_maintenance(p, v);
    vgic_flush(p, v);
}

/* An edge of vintid injected on the exit of vCPU v of p itself (the timer PPIs, its own SGIs). */
static void inject_local(uint32_t p, uint32_t v, uint32_t vintid)
{
    vgic_inject(p, v, vintid, VGIC_EDGE, vcpu_get(cfg_partitions[p].first_vcpu + v));
}

/* The level of p's emulated line vintid, set from no vCPU's exit (console input, a link's frames). */
static void set_level(uint32_t p, uint32_t vintid, bool level)
{
    vgic_inject(p, 0u, vintid, level ? VGIC_HIGH : VGIC_LOW, NULL);
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    part_init_all();
    vgic_init(PART_ALPHA);
    vgic_init(PART_BETA);
    return 0;
}

static bool vgic_access(bool redist, uint32_t p, uint64_t off, uint32_t size, bool write, uint64_t *value)
{
    struct mmio_access a = { off, size, write, *value };
    bool ok = redist ? vgic_redist_mmio(p, &a) : vgic_dist_mmio(p, &a);

    *value = a.value;
    assert_int_equal(fake_lock_depth, 0);
    return ok;
}

static uint64_t dread(uint32_t p, uint64_t off, uint32_t size)
{
    uint64_t v = 0xdeadbeefdeadbeefull;

    assert_true(vgic_access(false, p, off, size, false, &v));
    return v;
}

static void dwrite(uint32_t p, uint64_t off, uint32_t size, uint64_t value)
{
    assert_true(vgic_access(false, p, off, size, true, &value));
}

static uint64_t rread(uint32_t p, uint64_t off, uint32_t size)
{
    uint64_t v = 0xdeadbeefdeadbeefull;

    assert_true(vgic_access(true, p, off, size, false, &v));
    return v;
}

static void rwrite(uint32_t p, uint64_t off, uint32_t size, uint64_t value)
{
    assert_true(vgic_access(true, p, off, size, true, &value));
}

static bool dist_ok(uint32_t p, uint64_t off, uint32_t size)
{
    uint64_t v = 0u;

    return vgic_access(false, p, off, size, false, &v);
}

static bool redist_ok(uint32_t p, uint64_t off, uint32_t size)
{
    uint64_t v = 0u;

    return vgic_access(true, p, off, size, true, &v);
}

static struct vgic_irq *priv(uint32_t p, uint32_t vcpu, uint32_t intid)
{
    return &vgic_get(p)->vcpu[vcpu].priv[intid];
}

static struct vgic_irq *spi(uint32_t p, uint32_t intid)
{
    return &vgic_get(p)->spi[intid - 32u];
}

/* Make SGIs (bit mask) of vCPU vcpu enabled, group 1, with priority prio; group 1 on. */
static void sgis_ready(uint32_t p, uint32_t vcpu, uint32_t mask, uint8_t prio)
{
    uint32_t i;

    dwrite(p, CTLR, 4u, 2u);
    rwrite(p, SGI(vcpu) + IGROUPR, 4u, rread(p, SGI(vcpu) + IGROUPR, 4u) | mask);
    rwrite(p, SGI(vcpu) + ISENABLER, 4u, mask);
    for (i = 0u; i < 16u; i++) {
        if ((mask & (1u << i)) != 0u) {
            rwrite(p, SGI(vcpu) + IPRIORITYR + i, 1u, prio);
        }
    }
}

/* ---------------------------------------------------------------- distributor */

/* @req SRS-IRQ-001 */
static void test_gicd_ctlr_keeps_only_group_enables_and_reads_are_and_ds(void **state)
{
    (void)state;
    assert_int_equal(dread(PART_ALPHA, CTLR, 4u), 0x50u);
    dwrite(PART_ALPHA, CTLR, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_ALPHA, CTLR, 4u), 0x53u);
    assert_int_equal(vgic_get(PART_ALPHA)->ctlr, 3u);
    dwrite(PART_ALPHA, CTLR, 4u, 0x1u);
    assert_int_equal(dread(PART_ALPHA, CTLR, 4u), 0x51u);
    /* The other partition's distributor is untouched. */
    assert_int_equal(dread(PART_BETA, CTLR, 4u), 0x50u);
}

/* @req SRS-IRQ-003 */
static void test_gicd_ctlr_write_kicks_the_partitions_other_cpus_only(void **state)
{
    (void)state;
    fake_cpu = 2u;
    (void)dread(PART_BETA, CTLR, 4u);
    assert_int_equal(fake_num_sgis, 0u);
    dwrite(PART_BETA, CTLR, 4u, 2u);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    assert_int_equal(fake_sgi_id[0], ARCH_SGI_KICK);
}

/* @req SRS-IRQ-001 */
static void test_gicd_typer_reports_this_partitions_lines_and_cpus(void **state)
{
    (void)state;
    /* ITLinesNumber [4:0], CPUNumber [7:5], IDbits [23:19] = 9, No1N [25]. */
    assert_int_equal(dread(PART_ALPHA, TYPER, 4u), 0x02480001u);
    assert_int_equal(dread(PART_BETA, TYPER, 4u), 0x02480022u);
    dwrite(PART_BETA, TYPER, 4u, 0u);
    assert_int_equal(dread(PART_BETA, TYPER, 4u), 0x02480022u);
}

/* @req SRS-IRQ-001 */
static void test_gicd_iidr_and_pidr2_identify_an_arm_gicv3(void **state)
{
    (void)state;
    assert_int_equal(dread(PART_ALPHA, IIDR, 4u), 0x43bu);
    assert_int_equal(dread(PART_ALPHA, PIDR2, 4u), 0x3bu);
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled, 0u);
}

/* @req SRS-IRQ-001 */
static void test_gicd_unsupported_offsets_are_raz_wi_and_counted(void **state)
{
    /* STATUSR, TYPER2, SETSPI_NSR, ITARGETSR, IGRPMODR, NSACR, SGIR, PIDR0. */
    static const uint32_t offs[] = { 0x10u, 0x0cu, 0x40u, 0x820u, 0xd04u, 0xe00u, 0xf00u, 0xffe0u };
    uint32_t i;

    (void)state;
    for (i = 0u; i < (sizeof(offs) / sizeof(offs[0])); i++) {
        assert_int_equal(dread(PART_ALPHA, offs[i], 4u), 0u);
        dwrite(PART_ALPHA, offs[i], 4u, 0xffffffffu);
        assert_int_equal(dread(PART_ALPHA, offs[i], 4u), 0u);
    }
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled, 3u * (sizeof(offs) / sizeof(offs[0])));
    assert_int_equal(vgic_get(PART_BETA)->unhandled, 0u);
}

/* @req SRS-IRQ-001 */
static void test_gicd_registers_of_intids_below_32_are_raz_wi(void **state)
{
    uint32_t bank;

    (void)state;
    /* Word 0 of every bit bank lives in the redistributor (ARE = 1). */
    for (bank = IGROUPR; bank <= ICACTIVER; bank += 0x80u) {
        dwrite(PART_ALPHA, bank, 4u, 0xffffffffu);
        assert_int_equal(dread(PART_ALPHA, bank, 4u), 0u);
    }
    assert_false(priv(PART_ALPHA, 0u, 0u)->enabled);
    assert_false(priv(PART_ALPHA, 0u, 0u)->pending);
    assert_false(priv(PART_ALPHA, 0u, 27u)->active);
    assert_false(priv(PART_ALPHA, 0u, 1u)->group1);
    dwrite(PART_ALPHA, IPRIORITYR + 24u, 4u, 0xffffffffu);
    dwrite(PART_ALPHA, IPRIORITYR + 27u, 1u, 0xffu);
    assert_int_equal(dread(PART_ALPHA, IPRIORITYR + 24u, 4u), 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->priority, 0u);
    dwrite(PART_ALPHA, ICFGR + 4u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_ALPHA, ICFGR, 4u), 0u);
    assert_int_equal(dread(PART_ALPHA, ICFGR + 4u, 4u), 0u);
    assert_false(priv(PART_ALPHA, 0u, 27u)->edge);
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled, 0u);
}

/* @req SRS-IRQ-001 */
static void test_gicd_unowned_spis_are_raz_wi(void **state)
{
    (void)state;
    /* alpha owns 33, 40 and its virtual SPIs of 32..63; nothing from 64 (it implements 64 INTIDs). */
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 4u, 4u),
                     (1u << 1) | (1u << 8) | virt_bits(PART_ALPHA, 1u) | link_bits(PART_ALPHA, 1u));
    assert_false(spi(PART_ALPHA, 60u)->enabled);
    dwrite(PART_ALPHA, ISENABLER + 8u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 8u, 4u), 0u);
    /* beta owns 33, 34, 70 and its virtual SPIs; its 33 is its own, not alpha's. */
    assert_int_equal(dread(PART_BETA, ISENABLER + 4u, 4u), 0u);
    fake_cpu = 2u;
    dwrite(PART_BETA, ISENABLER + 4u, 4u, 0xffffffffu);
    dwrite(PART_BETA, ISENABLER + 8u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_BETA, ISENABLER + 4u, 4u),
                     (1u << 1) | (1u << 2) | virt_bits(PART_BETA, 1u) | link_bits(PART_BETA, 1u));
    assert_int_equal(dread(PART_BETA, ISENABLER + 8u, 4u), (1u << 6) | virt_bits(PART_BETA, 2u));
    assert_int_equal(dread(PART_BETA, ISENABLER + 12u, 4u), 0u);
    /* Beyond every implemented INTID, and the physical SPI 48 behind alpha's 40: nothing. */
    assert_int_equal(dread(PART_BETA, ISENABLER + 0x7cu, 4u), 0u);
    assert_false(fake_irq_enabled[40]);
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled + vgic_get(PART_BETA)->unhandled, 0u);
}

/* @req SRS-IRQ-001 */
static void test_enable_set_and_clear_change_only_the_bits_written_as_one(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 0x2u);
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 4u, 4u), 0x2u);
    assert_int_equal(dread(PART_ALPHA, ICENABLER + 4u, 4u), 0x2u);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 0x1u);
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 4u, 4u), 0x3u);
    dwrite(PART_ALPHA, ICENABLER + 4u, 4u, 0x0u);
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 4u, 4u), 0x3u);
    dwrite(PART_ALPHA, ICENABLER + 4u, 4u, 0x2u);
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 4u, 4u), 0x1u);
    assert_true(spi(PART_ALPHA, 32u)->enabled);
    assert_false(spi(PART_ALPHA, 33u)->enabled);
    /* Purely virtual: the physical GIC is not touched. */
    assert_false(fake_irq_enabled[33]);
    assert_int_equal(fake_irq_enabled_cpu[33], 0xffffffffu);
}

/* @req SRS-IRQ-005 */
static void test_an_enable_write_that_changes_nothing_takes_no_lock(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 0x2u);
    fake_lock_acquires = 0u;
    /* Re-enabling 33, disabling the disabled 34: nothing changes, no lock. */
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 0x2u);
    dwrite(PART_ALPHA, ICENABLER + 4u, 4u, 0x4u);
    assert_int_equal(fake_lock_acquires, 0u);
    assert_true(spi(PART_ALPHA, 33u)->enabled);
    assert_false(spi(PART_ALPHA, 34u)->enabled);
    /* A read, the SGI/PPI word, another bank, a change: each under the lock. */
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 4u, 4u), 0x2u);
    assert_int_equal(fake_lock_acquires, 1u);
    dwrite(PART_ALPHA, ISENABLER, 4u, 0u);
    assert_int_equal(fake_lock_acquires, 2u);
    dwrite(PART_ALPHA, ICPENDR + 4u, 4u, 0x2u);
    assert_int_equal(fake_lock_acquires, 3u);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 0x6u);
    assert_int_equal(fake_lock_acquires, 4u);
    assert_true(spi(PART_ALPHA, 34u)->enabled);
    /* A hardware-backed interrupt's enable is always written through (40 is physical 48). */
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    fake_irq_enabled[48] = false;
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    assert_int_equal(fake_lock_acquires, 6u);
    assert_true(fake_irq_enabled[48]);
}

/* @req SRS-IRQ-004 */
static void test_enable_of_a_hw_interrupt_is_mirrored_on_its_targets_cpu(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    assert_true(fake_irq_enabled[48]);
    assert_int_equal(fake_irq_enabled_cpu[48], 0u);
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(70u), 8u, 1u);
    dwrite(PART_BETA, ISENABLER + 8u, 4u, 1u << 6);
    assert_true(fake_irq_enabled[100]);
    assert_int_equal(fake_irq_enabled_cpu[100], 3u);
    dwrite(PART_BETA, ICENABLER + 8u, 4u, 1u << 6);
    assert_false(fake_irq_enabled[100]);
    /* The timer PPI of vCPU 1 is enabled on vCPU 1's CPU. */
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, 1u << 27);
    assert_true(fake_irq_enabled[27]);
    assert_int_equal(fake_irq_enabled_cpu[27], 3u);
    assert_true(priv(PART_BETA, 1u, 27u)->enabled);
    assert_false(priv(PART_BETA, 0u, 27u)->enabled);
}

/* @req SRS-IRQ-001 */
static void test_pending_set_and_clear_read_back_and_kick_the_target(void **state)
{
    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(32u), 8u, 1u);
    assert_int_equal(fake_num_sgis, 0u);
    dwrite(PART_BETA, ISPENDR + 4u, 4u, 0u);
    assert_int_equal(fake_num_sgis, 0u);
    dwrite(PART_BETA, ISPENDR + 4u, 4u, 1u << 0);
    assert_true(spi(PART_BETA, 32u)->pending);
    assert_int_equal(dread(PART_BETA, ISPENDR + 4u, 4u), 1u << 0);
    assert_int_equal(dread(PART_BETA, ICPENDR + 4u, 4u), 1u << 0);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    dwrite(PART_BETA, ICPENDR + 4u, 4u, 1u << 0);
    assert_false(spi(PART_BETA, 32u)->pending);
    assert_true(spi(PART_BETA, 32u)->retract);
    assert_int_equal(dread(PART_BETA, ISPENDR + 4u, 4u), 0u);
    /* Not in a list register: nothing to withdraw on vCPU 1's CPU, so no kick. */
    assert_int_equal(fake_num_sgis, 1u);
    /* vCPU 1's exit takes in the change; a later change kicks again. */
    vgic_flush(PART_BETA, 1u);
    /* In a list register it must be withdrawn there: kick. */
    spi(PART_BETA, 32u)->lr = 0;
    dwrite(PART_BETA, ICPENDR + 4u, 4u, 1u << 0);
    assert_int_equal(fake_num_sgis, 2u);
    assert_int_equal(fake_sgi_cpu[1], 3u);
    spi(PART_BETA, 32u)->lr = -1;
}

/* @req SRS-IRQ-001 */
static void test_active_set_and_clear_read_back_without_kicks(void **state)
{
    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, ISACTIVER + 8u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_BETA, ISACTIVER + 8u, 4u), 1u << 6);
    assert_int_equal(dread(PART_BETA, ICACTIVER + 8u, 4u), 1u << 6);
    assert_true(spi(PART_BETA, 70u)->active);
    dwrite(PART_BETA, ICACTIVER + 8u, 4u, 1u << 6);
    assert_int_equal(dread(PART_BETA, ISACTIVER + 8u, 4u), 0u);
    rwrite(PART_BETA, SGI(1u) + ISACTIVER, 4u, 1u << 3);
    assert_true(priv(PART_BETA, 1u, 3u)->active);
    assert_false(priv(PART_BETA, 0u, 3u)->active);
    assert_int_equal(fake_num_sgis, 0u);
}

/* @req SRS-IRQ-001 */
static void test_group_register_is_plain_read_write_of_owned_bits(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, IGROUPR + 4u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_ALPHA, IGROUPR + 4u, 4u),
                     (1u << 1) | (1u << 8) | virt_bits(PART_ALPHA, 1u) | link_bits(PART_ALPHA, 1u));
    dwrite(PART_ALPHA, IGROUPR + 4u, 4u, 0x100u);
    assert_int_equal(dread(PART_ALPHA, IGROUPR + 4u, 4u), 0x100u);
    assert_true(spi(PART_ALPHA, 40u)->group1);
    assert_false(spi(PART_ALPHA, 33u)->group1);
    assert_int_equal(fake_num_sgis, 0u);
}

/* @req SRS-IRQ-001 */
static void test_priority_byte_and_word_accesses_skip_unowned_intids(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, IPRIORITYR + 40u, 4u, 0x44332211u);
    assert_int_equal(dread(PART_ALPHA, IPRIORITYR + 40u, 4u), 0x11u);
    assert_int_equal(spi(PART_ALPHA, 40u)->priority, 0x11u);
    assert_int_equal(spi(PART_ALPHA, 41u)->priority, 0u);
    dwrite(PART_ALPHA, IPRIORITYR + 33u, 1u, 0x22u);
    assert_int_equal(spi(PART_ALPHA, 33u)->priority, 0x22u);
    dwrite(PART_ALPHA, IPRIORITYR + 40u, 1u, 0x90u);
    assert_int_equal(dread(PART_ALPHA, IPRIORITYR + 40u, 1u), 0x90u);
    assert_int_equal(dread(PART_ALPHA, IPRIORITYR + 40u, 4u), 0x90u);
    assert_int_equal(dread(PART_ALPHA, IPRIORITYR + 41u, 1u), 0u);
    /* Beyond the implemented INTIDs. */
    dwrite(PART_ALPHA, IPRIORITYR + 64u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_ALPHA, IPRIORITYR + 64u, 4u), 0u);
    /* The SGI_base frame: SGIs and the owned PPIs of that vCPU only. */
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 5u, 1u, 0x50u);
    assert_int_equal(priv(PART_ALPHA, 0u, 5u)->priority, 0x50u);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + IPRIORITYR + 4u, 4u), 0x5000u);
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 28u, 4u, 0xffffffffu);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + IPRIORITYR + 28u, 4u), 0x00ff0000u);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + IPRIORITYR + 27u, 1u), 0u);
}

/* @req SRS-IRQ-004 */
static void test_icfgr_sets_spi_trigger_and_mirrors_hw_spis(void **state)
{
    (void)state;
    fake_cpu = 2u;
    /* ICFGR2: INTIDs 32..47, field n at bits [2n+1:2n]; 34 is field 2. */
    assert_int_equal(dread(PART_BETA, ICFGR + 8u, 4u), virt_edges(PART_BETA, 2u));
    dwrite(PART_BETA, ICFGR + 8u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_BETA, ICFGR + 8u, 4u),
                     (2u << 2) | (2u << 4) | virt_edges(PART_BETA, 2u) | link_cfg(PART_BETA, 2u));
    assert_true(spi(PART_BETA, 34u)->edge);
    assert_true(fake_irq_edge[34]);
    /* 33 is virtual: no physical configuration. */
    assert_true(spi(PART_BETA, 33u)->edge);
    assert_false(fake_irq_edge[33]);
    dwrite(PART_BETA, ICFGR + 8u, 4u, 0u);
    assert_false(spi(PART_BETA, 34u)->edge);
    assert_false(fake_irq_edge[34]);
    assert_int_equal(dread(PART_BETA, ICFGR + 8u, 4u), 0u);
    /* alpha's 40 is physical 48; its virtual SPIs start edge-triggered. */
    assert_int_equal(dread(PART_ALPHA, ICFGR + 8u, 4u), virt_edges(PART_ALPHA, 2u));
    dwrite(PART_ALPHA, ICFGR + 8u, 4u, 2u << 16);
    assert_true(fake_irq_edge[48]);
    assert_int_equal(dread(PART_ALPHA, ICFGR + 8u, 4u), 2u << 16);
    /* Beyond alpha's 64 INTIDs. */
    dwrite(PART_ALPHA, ICFGR + 16u, 4u, 0xffffffffu);
    assert_int_equal(dread(PART_ALPHA, ICFGR + 16u, 4u), 0u);
}

/* @req SRS-IRQ-001 */
static void test_icfgr_keeps_sgis_edge_and_configures_owned_ppis_only(void **state)
{
    (void)state;
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ICFGR, 4u), 0xaaaaaaaau);
    rwrite(PART_ALPHA, SGI(0u) + ICFGR, 4u, 0u);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ICFGR, 4u), 0xaaaaaaaau);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ICFGR + 4u, 4u), 0u);
    rwrite(PART_ALPHA, SGI(0u) + ICFGR + 4u, 4u, 0xffffffffu);
    /* PPI 27 is field 11, PPI 30 field 14; other PPIs are not the partition's. */
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ICFGR + 4u, 4u), (2u << 22) | (2u << 28));
    assert_true(priv(PART_ALPHA, 0u, 27u)->edge);
    /* A PPI's trigger is fixed in hardware: nothing physical changes. */
    assert_false(fake_irq_edge[27]);
    assert_false(fake_irq_edge[30]);
}

/* @req SRS-IRQ-004 */
static void test_irouter_targets_the_matching_vcpu_and_reroutes_hw_spis(void **state)
{
    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(34u), 8u, 1u);
    assert_int_equal(dread(PART_BETA, IROUTER(34u), 8u), 1u);
    assert_int_equal(spi(PART_BETA, 34u)->target, 1u);
    assert_int_equal(vgic_spi_target(PART_BETA, 34u), 1u);
    assert_int_equal(fake_irq_route[34], 3u);
    dwrite(PART_BETA, IROUTER(34u), 8u, 0u);
    assert_int_equal(vgic_spi_target(PART_BETA, 34u), 0u);
    assert_int_equal(fake_irq_route[34], 2u);
    /* A virtual SPI changes its target without touching the physical GIC. */
    dwrite(PART_BETA, IROUTER(33u), 8u, 1u);
    assert_int_equal(vgic_spi_target(PART_BETA, 33u), 1u);
    assert_int_equal(fake_irq_route[33], 0xffffffffu);
}

/* @req SRS-IRQ-004 */
static void test_irouter_any_pe_mode_delivers_to_vcpu0_and_masks_reserved_bits(void **state)
{
    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(70u), 8u, 1u);
    assert_int_equal(fake_irq_route[100], 3u);
    dwrite(PART_BETA, IROUTER(70u), 8u, UINT64_MAX);
    /* Aff3 [39:32], IRM [31], Aff2..Aff0 [23:0]. */
    assert_int_equal(dread(PART_BETA, IROUTER(70u), 8u), 0xff80ffffffull);
    assert_int_equal(vgic_spi_target(PART_BETA, 70u), 0u);
    assert_int_equal(fake_irq_route[100], 2u);
}

/* @req SRS-IRQ-004 */
static void test_irouter_without_a_matching_vcpu_keeps_the_target(void **state)
{
    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(34u), 8u, 1u);
    fake_irq_route[34] = 0x55u;
    dwrite(PART_BETA, IROUTER(34u), 8u, 0x5u);
    dwrite(PART_BETA, IROUTER(34u), 8u, 0x100u);
    assert_int_equal(dread(PART_BETA, IROUTER(34u), 8u), 0x100u);
    assert_int_equal(vgic_spi_target(PART_BETA, 34u), 1u);
    assert_int_equal(fake_irq_route[34], 0x55u);
}

/* @req SRS-IRQ-001 */
static void test_irouter_of_unowned_or_private_intids_is_raz_wi(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, IROUTER(60u), 8u, 1u);
    assert_int_equal(dread(PART_ALPHA, IROUTER(60u), 8u), 0u);
    dwrite(PART_ALPHA, IROUTER(27u), 8u, 1u);
    assert_int_equal(dread(PART_ALPHA, IROUTER(27u), 8u), 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->irouter, 0u);
    dwrite(PART_ALPHA, IROUTER(100u), 8u, 1u);
    assert_int_equal(dread(PART_ALPHA, IROUTER(100u), 8u), 0u);
    assert_int_equal(fake_irq_route[60], 0xffffffffu);
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled, 0u);
}

/* @req SRS-IRQ-004 */
static void test_irouter_32bit_accesses_reach_each_half(void **state)
{
    (void)state;
    fake_cpu = 2u;
    /* A guest with 32-bit accessors (AArch32 Linux) writes the low word, then the high word. */
    dwrite(PART_BETA, IROUTER(34u), 4u, 1u);
    dwrite(PART_BETA, IROUTER(34u) + 4u, 4u, 0u);
    assert_int_equal(vgic_spi_target(PART_BETA, 34u), 1u);
    assert_int_equal(fake_irq_route[34], 3u);
    assert_int_equal(dread(PART_BETA, IROUTER(34u), 8u), 1u);
    /* Aff3 = 0x12 names no vCPU: stored, target kept. */
    dwrite(PART_BETA, IROUTER(34u) + 4u, 4u, 0x12u);
    assert_int_equal(dread(PART_BETA, IROUTER(34u), 8u), 0x1200000001ull);
    assert_int_equal(dread(PART_BETA, IROUTER(34u) + 4u, 4u), 0x12u);
    assert_int_equal(dread(PART_BETA, IROUTER(34u), 4u), 1u);
    assert_int_equal(vgic_spi_target(PART_BETA, 34u), 1u);
}

/* @req SRS-VDEV-001 */
static void test_gicd_malformed_accesses_are_rejected(void **state)
{
    (void)state;
    assert_false(dist_ok(PART_ALPHA, CTLR, 2u));
    assert_false(dist_ok(PART_ALPHA, CTLR, 1u));
    assert_false(dist_ok(PART_ALPHA, TYPER, 2u));
    assert_false(dist_ok(PART_ALPHA, TYPER, 8u));
    assert_false(dist_ok(PART_ALPHA, ICFGR + 8u, 1u));
    assert_false(dist_ok(PART_ALPHA, ISENABLER + 2u, 4u));
    assert_false(dist_ok(PART_ALPHA, ISENABLER + 4u, 8u));
    assert_false(dist_ok(PART_ALPHA, IROUTER(40u) + 4u, 8u));
    assert_false(dist_ok(PART_ALPHA, IPRIORITYR + 40u, 8u));
    assert_false(dist_ok(PART_ALPHA, IROUTER(40u), 1u));
    assert_false(dist_ok(PART_ALPHA, PIDR2 + 8u, 8u));
    /* The allowed ones: bytes in IPRIORITYR, doublewords in IROUTER. */
    assert_true(dist_ok(PART_ALPHA, IPRIORITYR + 41u, 1u));
    assert_true(dist_ok(PART_ALPHA, IROUTER(40u), 8u));
    assert_true(dist_ok(PART_ALPHA, IPRIORITYR + 0x3fcu, 4u));
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled, 0u);
}

/* ---------------------------------------------------------------- redistributor */

/* @req SRS-IRQ-001 */
static void test_gicr_typer_gives_affinity_processor_number_and_last(void **state)
{
    (void)state;
    /* Affinity_Value [63:32], Processor_Number [23:8], Last [4]. */
    assert_int_equal(rread(PART_BETA, RD(0u) + T_GICR_TYPER, 8u), 0u);
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_TYPER, 8u), (1ull << 32) | (1u << 8) | (1u << 4));
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_TYPER, 4u), (1u << 8) | (1u << 4));
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_TYPER + 4u, 4u), 1u);
    assert_int_equal(rread(PART_ALPHA, RD(0u) + T_GICR_TYPER, 8u), 1u << 4);
    rwrite(PART_BETA, RD(1u) + T_GICR_TYPER, 8u, 0u);
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_TYPER + 4u, 4u), 1u);
}

/* @req SRS-IRQ-001 */
static void test_gicr_waker_reports_children_asleep_with_processor_sleep(void **state)
{
    (void)state;
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_WAKER, 4u), 6u);
    rwrite(PART_BETA, RD(1u) + T_GICR_WAKER, 4u, 0u);
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_WAKER, 4u), 0u);
    assert_int_equal(rread(PART_BETA, RD(0u) + T_GICR_WAKER, 4u), 6u);
    rwrite(PART_BETA, RD(1u) + T_GICR_WAKER, 4u, 4u);
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_WAKER, 4u), 0u);
    rwrite(PART_BETA, RD(1u) + T_GICR_WAKER, 4u, 2u);
    assert_int_equal(rread(PART_BETA, RD(1u) + T_GICR_WAKER, 4u), 6u);
}

/* @req SRS-IRQ-001 */
static void test_gicr_ctlr_iidr_pidr2_and_unsupported_offsets(void **state)
{
    (void)state;
    rwrite(PART_ALPHA, RD(0u), 4u, 0xffffffffu);
    assert_int_equal(rread(PART_ALPHA, RD(0u), 4u), 0u);
    assert_int_equal(rread(PART_ALPHA, RD(0u) + 4u, 4u), 0x43bu);
    assert_int_equal(rread(PART_ALPHA, RD(0u) + PIDR2, 4u), 0x3bu);
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled, 0u);
    /* STATUSR, PROPBASER (low word), and in SGI_base IGRPMODR0, NSACR, ISENABLER1. */
    assert_int_equal(rread(PART_ALPHA, RD(0u) + 0x10u, 4u), 0u);
    rwrite(PART_ALPHA, RD(0u) + 0x70u, 4u, 0xffffffffu);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + 0xd00u, 4u), 0u);
    rwrite(PART_ALPHA, SGI(0u) + 0xe00u, 4u, 0xffffffffu);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISENABLER + 4u, 4u), 0u);
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled, 5u);
}

/* @req SRS-IRQ-001 */
static void test_gicr_frames_beyond_the_last_vcpu_are_raz_wi(void **state)
{
    (void)state;
    assert_int_equal(rread(PART_ALPHA, RD(1u) + T_GICR_TYPER, 8u), 0u);
    assert_int_equal(rread(PART_ALPHA, RD(1u) + PIDR2, 4u), 0u);
    rwrite(PART_ALPHA, RD(1u) + T_GICR_WAKER, 4u, 0u);
    rwrite(PART_ALPHA, SGI(1u) + ISENABLER, 4u, 0xffffffffu);
    assert_int_equal(rread(PART_ALPHA, SGI(1u) + ISENABLER, 4u), 0u);
    assert_true(vgic_get(PART_ALPHA)->vcpu[1].sleep);
    assert_false(priv(PART_ALPHA, 1u, 0u)->enabled);
    assert_int_equal(rread(PART_BETA, RD(2u) + T_GICR_TYPER, 8u), 0u);
    assert_int_equal(vgic_get(PART_ALPHA)->unhandled + vgic_get(PART_BETA)->unhandled, 0u);
}

/* @req SRS-IRQ-001 */
static void test_gicr_sgi_frame_banks_are_per_vcpu_and_owned_only(void **state)
{
    (void)state;
    fake_cpu = 3u;
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, 0xffffffffu);
    /* SGIs 0-15 and the timer PPIs 27 and 30. */
    assert_int_equal(rread(PART_BETA, SGI(1u) + ISENABLER, 4u), 0x4800ffffu);
    assert_int_equal(rread(PART_BETA, SGI(0u) + ISENABLER, 4u), 0u);
    rwrite(PART_BETA, SGI(1u) + ICENABLER, 4u, 0x1u);
    assert_int_equal(rread(PART_BETA, SGI(1u) + ICENABLER, 4u), 0x4800fffeu);
    rwrite(PART_BETA, SGI(1u) + ISPENDR, 4u, 0x2u);
    assert_int_equal(rread(PART_BETA, SGI(1u) + ISPENDR, 4u), 0x2u);
    rwrite(PART_BETA, SGI(1u) + ICPENDR, 4u, 0x2u);
    assert_int_equal(rread(PART_BETA, SGI(1u) + ISPENDR, 4u), 0u);
    rwrite(PART_BETA, SGI(1u) + IGROUPR, 4u, 0xffffffffu);
    assert_int_equal(rread(PART_BETA, SGI(1u) + IGROUPR, 4u), 0x4800ffffu);
    rwrite(PART_BETA, SGI(1u) + ICACTIVER, 4u, 0xffffffffu);
    assert_int_equal(rread(PART_BETA, SGI(1u) + ISACTIVER, 4u), 0u);
    /* All on vCPU 1's own CPU: no kick. */
    assert_int_equal(fake_num_sgis, 0u);
    assert_int_equal(vgic_get(PART_BETA)->unhandled, 0u);
}

/* @req SRS-VDEV-001 */
static void test_gicr_malformed_accesses_are_rejected(void **state)
{
    (void)state;
    assert_false(redist_ok(PART_BETA, RD(0u) + T_GICR_WAKER, 1u));
    assert_false(redist_ok(PART_BETA, RD(0u) + T_GICR_WAKER, 2u));
    assert_false(redist_ok(PART_BETA, RD(0u) + 0x10u, 8u));
    assert_false(redist_ok(PART_BETA, SGI(0u) + T_GICR_TYPER, 8u));
    assert_false(redist_ok(PART_BETA, RD(1u) + 0x2u, 4u));
    assert_false(redist_ok(PART_BETA, SGI(0u) + IPRIORITYR + 32u, 1u));
    assert_false(redist_ok(PART_BETA, SGI(0u) + IPRIORITYR - 1u, 1u));
    /* Even beyond the last frame, a malformed access is rejected. */
    assert_false(redist_ok(PART_BETA, RD(2u) + T_GICR_WAKER, 1u));
    assert_true(redist_ok(PART_BETA, SGI(1u) + IPRIORITYR + 31u, 1u));
    assert_true(redist_ok(PART_BETA, RD(1u) + T_GICR_TYPER, 8u));
    assert_int_equal(vgic_get(PART_BETA)->unhandled, 0u);
}

/* ---------------------------------------------------------------- injection and list registers */

/* @req SRS-IRQ-004 */
static void test_hw_interrupt_enters_a_list_register_with_hw_bit_group_and_priority(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 2u);
    dwrite(PART_ALPHA, IGROUPR + 4u, 4u, 1u << 8);
    dwrite(PART_ALPHA, IPRIORITYR + 40u, 1u, 0xa0u);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    vgic_inject(PART_ALPHA, 0u, 40u, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 0u);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(40u, 0xa0u) | LR_G1 | T_LR_HW | (48ull << 32));
    assert_int_equal(fake_lrs[1], 0u);
    assert_false(fake_npie);
    /* Not yet taken at the next exit: a level HW interrupt stays (its line is the device's). */
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(40u, 0xa0u) | LR_G1 | T_LR_HW | (48ull << 32));
    assert_int_equal(fake_num_dirs, 0u);
    assert_int_equal(spi(PART_ALPHA, 40u)->lr, 0);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_intid[0], 40u);
    /* Still reads pending while it waits in the list register. */
    assert_false(spi(PART_ALPHA, 40u)->pending);
    assert_int_equal(dread(PART_ALPHA, ISPENDR + 4u, 4u), 1u << 8);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-004 */
static void test_timer_ppi_enters_with_the_hw_bit_to_its_own_vcpu(void **state)
{
    (void)state;
    fake_cpu = 3u;
    dwrite(PART_BETA, CTLR, 4u, 1u);
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, 1u << 27);
    vgic_inject(PART_BETA, 1u, 27u, VGIC_EDGE, NULL);
    exit_flush(PART_BETA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    exit_flush(PART_BETA, 1u);
    assert_int_equal(fake_lrs[0], LR(27u, 0u) | T_LR_HW | (27ull << 32));
}

/* @req SRS-IRQ-002 */
static void test_flush_skips_disabled_ungrouped_and_other_vcpus_interrupts(void **state)
{
    (void)state;
    fake_cpu = 2u;
    /* Pending but disabled. */
    vgic_inject(PART_BETA, 0u, 1u, VGIC_EDGE, NULL);
    exit_flush(PART_BETA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_false(fake_npie);
    /* Enabled, group 0, but only group 1 is on. */
    dwrite(PART_BETA, CTLR, 4u, 2u);
    rwrite(PART_BETA, SGI(0u) + ISENABLER, 4u, 1u << 1);
    exit_flush(PART_BETA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    dwrite(PART_BETA, CTLR, 4u, 3u);
    exit_flush(PART_BETA, 0u);
    assert_int_equal(fake_lrs[0], LR(1u, 0u));
    /* An SPI routed to vCPU 1 is not vCPU 0's. */
    memset(fake_lrs, 0, sizeof(fake_lrs));
    dwrite(PART_BETA, IROUTER(33u), 8u, 1u);
    dwrite(PART_BETA, ISENABLER + 4u, 4u, 1u << 1);
    dwrite(PART_BETA, ISPENDR + 4u, 4u, 1u << 1);
    exit_flush(PART_BETA, 0u);
    assert_int_equal(fake_lrs[1], 0u);
    assert_true(spi(PART_BETA, 33u)->pending);
    exit_flush(PART_BETA, 1u);
    assert_int_equal(fake_lrs[0], LR(33u, 0u) | T_LR_EOI);
}

/* @req SRS-IRQ-002 */
static void test_pending_interrupt_moved_into_an_enabled_group_is_delivered(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 2u);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u << 2);
    vgic_inject(PART_ALPHA, 0u, 2u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    /* The guest moves it to group 1, which is on: nothing else happens before the exit. */
    rwrite(PART_ALPHA, SGI(0u) + IGROUPR, 4u, 1u << 2);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(2u, 0u) | LR_G1);
}

/* @req SRS-IRQ-003 */
static void test_group_change_of_a_pending_interrupt_kicks_its_vcpu(void **state)
{
    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(33u), 8u, 1u);
    dwrite(PART_BETA, ISENABLER + 4u, 4u, (1u << 1) | (1u << 2));
    dwrite(PART_BETA, ISPENDR + 4u, 4u, 1u << 1);
    fake_num_sgis = 0u;
    vgic_flush(PART_BETA, 1u);
    /* 34 changes group but is not pending; 33 is pending but keeps its group: nothing to look at. */
    dwrite(PART_BETA, IGROUPR + 4u, 4u, 1u << 2);
    assert_int_equal(fake_num_sgis, 0u);
    /* 33 is pending on vCPU 1 (CPU 3) and enters group 1. */
    dwrite(PART_BETA, IGROUPR + 4u, 4u, (1u << 1) | (1u << 2));
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
}

/* @req SRS-IRQ-002 */
static void test_flush_fills_best_priority_first_and_asks_for_npie_on_overflow(void **state)
{
    static const uint8_t prio[6] = { 0xa0u, 0x20u, 0x80u, 0x40u, 0x60u, 0x20u };
    uint32_t i;

    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x3fu, 0u);
    for (i = 0u; i < 6u; i++) {
        rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + i, 1u, prio[i]);
        vgic_inject(PART_ALPHA, 0u, i, VGIC_EDGE, NULL);
    }
    exit_flush(PART_ALPHA, 0u);
    /* Equal priorities: the lower INTID first. */
    assert_int_equal(fake_lrs[0], LR(1u, 0x20u) | LR_G1);
    assert_int_equal(fake_lrs[1], LR(5u, 0x20u) | LR_G1);
    assert_int_equal(fake_lrs[2], LR(3u, 0x40u) | LR_G1);
    assert_int_equal(fake_lrs[3], LR(4u, 0x60u) | LR_G1);
    assert_true(fake_npie);
    /* The guest handled the first two: the rest follow, and nothing is left over. */
    fake_lrs[0] = 0u;
    fake_lrs[1] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(2u, 0x80u) | LR_G1);
    assert_int_equal(fake_lrs[1], LR(0u, 0xa0u) | LR_G1);
    assert_int_equal(fake_lrs[2], LR(3u, 0x40u) | LR_G1);
    assert_false(fake_npie);
    assert_int_equal(priv(PART_ALPHA, 0u, 1u)->lr, -1);
}

/* @req SRS-IRQ-002 */
static void test_flush_evicts_the_lowest_priority_pending_lr_for_a_better_one(void **state)
{
    static const uint8_t prio[4] = { 0x80u, 0xb0u, 0x90u, 0xa0u };
    uint32_t i;

    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x1fu, 0u);
    for (i = 0u; i < 4u; i++) {
        rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + i, 1u, prio[i]);
        vgic_inject(PART_ALPHA, 0u, i, VGIC_EDGE, NULL);
    }
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(LR_VINTID(fake_lrs[3]), 1u);
    assert_false(fake_npie);
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 4u, 1u, 0x10u);
    vgic_inject(PART_ALPHA, 0u, 4u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[3], LR(4u, 0x10u) | LR_G1);
    assert_int_equal(LR_VINTID(fake_lrs[0]), 0u);
    assert_int_equal(LR_VINTID(fake_lrs[1]), 2u);
    assert_int_equal(LR_VINTID(fake_lrs[2]), 3u);
    /* The evicted one waits in software, not lost, and the guest is told when an LR frees. */
    assert_true(priv(PART_ALPHA, 0u, 1u)->pending);
    assert_int_equal(priv(PART_ALPHA, 0u, 1u)->lr, -1);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISPENDR, 4u), 0x1fu);
    assert_true(fake_npie);
    fake_lrs[3] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[3], LR(1u, 0xb0u) | LR_G1);
    assert_false(fake_npie);
}

/* @req SRS-IRQ-002 */
static void test_flush_never_evicts_active_or_better_lrs(void **state)
{
    static const uint8_t prio[4] = { 0x80u, 0xb0u, 0x90u, 0xa0u };
    uint32_t i;

    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x3fu, 0u);
    for (i = 0u; i < 4u; i++) {
        rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + i, 1u, prio[i]);
        vgic_inject(PART_ALPHA, 0u, i, VGIC_EDGE, NULL);
    }
    exit_flush(PART_ALPHA, 0u);
    /* The guest acknowledged the lowest-priority one (SGI 1, LR 3): active now. */
    fake_lrs[3] = (fake_lrs[3] & ~(3ull << 62)) | LR_ACTIVE;
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 4u, 1u, 0x10u);
    vgic_inject(PART_ALPHA, 0u, 4u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(LR_VINTID(fake_lrs[3]), 1u);
    assert_true(priv(PART_ALPHA, 0u, 1u)->active);
    assert_int_equal(fake_lrs[2], LR(4u, 0x10u) | LR_G1);
    assert_true(priv(PART_ALPHA, 0u, 3u)->pending);
    assert_true(fake_npie);
    /* Worse than everything still pending in an LR: it waits. */
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 5u, 1u, 0xf0u);
    vgic_inject(PART_ALPHA, 0u, 5u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(LR_VINTID(fake_lrs[0]), 0u);
    assert_int_equal(LR_VINTID(fake_lrs[1]), 2u);
    assert_int_equal(LR_VINTID(fake_lrs[2]), 4u);
    assert_int_equal(LR_VINTID(fake_lrs[3]), 1u);
    assert_true(priv(PART_ALPHA, 0u, 5u)->pending);
    assert_true(fake_npie);
}

/* @req SRS-IRQ-002 */
static void test_lr_sync_keeps_active_lrs_and_frees_completed_ones(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x1u, 0x40u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    fake_lrs[0] = (fake_lrs[0] & ~(3ull << 62)) | LR_ACTIVE;
    exit_flush(PART_ALPHA, 0u);
    assert_true(priv(PART_ALPHA, 0u, 0u)->active);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISACTIVER, 4u), 1u);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_intid[0], 0u);
    /* The guest's EOI with nothing pending leaves the LR invalid: freed. */
    fake_lrs[0] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_intid[0], VGIC_NO_IRQ);
    assert_int_equal(priv(PART_ALPHA, 0u, 0u)->lr, -1);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_num_dirs, 0u);
}

/* @req SRS-IRQ-002 */
static void test_pending_again_while_active_becomes_pending_and_active_in_its_lr(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x1u, 0x40u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    fake_lrs[0] = (fake_lrs[0] & ~(3ull << 62)) | LR_ACTIVE;
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    /* Taken again right after the guest's EOI, without waiting for another exit. */
    assert_int_equal(fake_lrs[0], LR(0u, 0x40u) | LR_G1 | LR_ACTIVE);
    assert_int_equal(fake_lrs[1], 0u);
    assert_false(priv(PART_ALPHA, 0u, 0u)->pending);
    assert_false(fake_npie);
    /* The EOI leaves it pending in the LR; once handled, the LR frees and nothing is left. */
    fake_lrs[0] = LR(0u, 0x40u) | LR_G1;
    exit_flush(PART_ALPHA, 0u);
    assert_false(priv(PART_ALPHA, 0u, 0u)->active);
    assert_int_equal(fake_lrs[0], LR(0u, 0x40u) | LR_G1);
    fake_lrs[0] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 0u)->lr, -1);
}

/* @req SRS-IRQ-002 */
static void test_edge_while_pending_in_its_lr_coalesces(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x1u, 0u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(0u, 0u) | LR_G1);
    assert_false(priv(PART_ALPHA, 0u, 0u)->pending);
    fake_lrs[0] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
}

/* @req SRS-IRQ-004 */
static void test_hw_interrupt_pending_again_while_active_waits_for_its_eoi(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    vgic_inject(PART_ALPHA, 0u, 40u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    fake_lrs[0] = (fake_lrs[0] & ~(3ull << 62)) | LR_ACTIVE;
    vgic_inject(PART_ALPHA, 0u, 40u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    /* The physical interrupt stays active until the guest's EOI: no pending+active HW LR. */
    assert_int_equal(fake_lrs[0], (LR(40u, 0u) & ~LR_PENDING) | LR_ACTIVE | T_LR_HW | (48ull << 32));
    assert_true(spi(PART_ALPHA, 40u)->pending);
    assert_false(fake_npie);
    fake_lrs[0] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(40u, 0u) | T_LR_HW | (48ull << 32));
    assert_int_equal(fake_num_dirs, 0u);
}

/* Enable alpha's vUART interrupt 33 in group 1. */
static void vuart_irq_ready(void)
{
    dwrite(PART_ALPHA, CTLR, 4u, 2u);
    dwrite(PART_ALPHA, IGROUPR + 4u, 4u, 1u << 1);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 1);
}

/* @req SRS-IRQ-002 */
static void test_level_source_still_asserted_is_pending_again_after_eoi(void **state)
{
    (void)state;
    vuart_irq_ready();
    set_level(PART_ALPHA, 33u, true);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(33u, 0u) | LR_G1 | T_LR_EOI);
    /* Line still high at the next exit: it stays in its LR. */
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(33u, 0u) | LR_G1 | T_LR_EOI);
    assert_int_equal(spi(PART_ALPHA, 33u)->lr, 0);
    fake_lrs[0] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(33u, 0u) | LR_G1 | T_LR_EOI);
    /* Line dropped while the guest handles it (active): the LR stays until EOI, then nothing. */
    fake_lrs[0] = (fake_lrs[0] & ~(3ull << 62)) | LR_ACTIVE;
    set_level(PART_ALPHA, 33u, false);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(LR_VINTID(fake_lrs[0]), 33u);
    assert_true(spi(PART_ALPHA, 33u)->active);
    fake_lrs[0] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_false(spi(PART_ALPHA, 33u)->pending);
}

/* @req SRS-IRQ-002 */
static void test_level_source_dropped_before_ack_is_withdrawn(void **state)
{
    (void)state;
    vuart_irq_ready();
    set_level(PART_ALPHA, 33u, true);
    exit_flush(PART_ALPHA, 0u);
    set_level(PART_ALPHA, 33u, false);
    assert_int_equal(dread(PART_ALPHA, ISPENDR + 4u, 4u), 1u << 1);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_num_dirs, 0u);
    assert_int_equal(dread(PART_ALPHA, ISPENDR + 4u, 4u), 0u);
    /* Dropped and raised again before the flush: withdrawn and re-delivered. */
    set_level(PART_ALPHA, 33u, true);
    exit_flush(PART_ALPHA, 0u);
    set_level(PART_ALPHA, 33u, false);
    set_level(PART_ALPHA, 33u, true);
    assert_false(spi(PART_ALPHA, 33u)->pending);
    fake_lrs[1] = 0x1234u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(33u, 0u) | LR_G1 | T_LR_EOI);
    assert_int_equal(spi(PART_ALPHA, 33u)->lr, 0);
}

/* @req SRS-IRQ-002 */
static void test_emulated_level_interrupt_with_its_line_low_is_withdrawn(void **state)
{
    (void)state;
    vuart_irq_ready();
    /* Made pending by ISPENDR while the vUART's line is low. */
    dwrite(PART_ALPHA, ISPENDR + 4u, 4u, 1u << 1);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(33u, 0u) | LR_G1 | T_LR_EOI);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(spi(PART_ALPHA, 33u)->lr, -1);
}

/* @req SRS-IRQ-004 */
static void test_disabled_pending_hw_lr_is_withdrawn_and_deactivated(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    vgic_inject(PART_ALPHA, 0u, 40u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(LR_VINTID(fake_lrs[0]), 40u);
    dwrite(PART_ALPHA, ICENABLER + 4u, 4u, 1u << 8);
    assert_false(fake_irq_enabled[48]);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_num_dirs, 1u);
    assert_int_equal(fake_dir[0], 48u);
    assert_int_equal(spi(PART_ALPHA, 40u)->lr, -1);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_intid[0], VGIC_NO_IRQ);
}

/* @req SRS-IRQ-002 */
static void test_disabled_then_repended_lr_is_still_withdrawn(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x1u, 0u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    rwrite(PART_ALPHA, SGI(0u) + ICENABLER, 4u, 1u);
    rwrite(PART_ALPHA, SGI(0u) + ISPENDR, 4u, 1u);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_num_dirs, 0u);
    assert_false(fake_npie);
}

/* @req SRS-IRQ-006 */
static void test_sgi_disabled_while_pending_in_its_lr_stays_pending_until_enabled(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x1u, 0u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(0u, 0u) | LR_G1);
    rwrite(PART_ALPHA, SGI(0u) + ICENABLER, 4u, 1u);
    exit_flush(PART_ALPHA, 0u);
    /* Withdrawn from its list register, but still pending (GICv3 12.9.7). */
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISPENDR, 4u), 0x1u);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(0u, 0u) | LR_G1);
}

/* @req SRS-IRQ-002 */
static void test_cleared_pending_lr_is_withdrawn(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x3u, 0u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 1u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    rwrite(PART_ALPHA, SGI(0u) + ICPENDR, 4u, 1u);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_lrs[1], LR(1u, 0u) | LR_G1);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISPENDR, 4u), 0x2u);
    assert_int_equal(fake_num_dirs, 0u);
}

/* @req SRS-IRQ-001 */
static void test_reenabling_an_enabled_interrupt_changes_nothing(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x3u, 0u);
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 1u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    rwrite(PART_ALPHA, SGI(0u) + ICPENDR, 4u, 1u);
    /* Enabling what is enabled neither keeps the cleared interrupt in its list register nor kicks. */
    vgic_changed[cfg_partitions[PART_ALPHA].first_vcpu] = 0u;
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 0x3u);
    assert_int_equal(vgic_changed[cfg_partitions[PART_ALPHA].first_vcpu], 0u);
    vgic_changed[cfg_partitions[PART_ALPHA].first_vcpu] = VGIC_NEWS;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_lrs[1], LR(1u, 0u) | LR_G1);
    /* A hardware-backed one is still mirrored on the physical GIC. */
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    fake_irq_enabled[48] = false;
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    assert_true(fake_irq_enabled[48]);
}

/* @req SRS-IRQ-002 */
static void test_list_registers_beyond_16_are_never_used(void **state)
{
    uint32_t i;

    (void)state;
    fake_num_lrs = 20u;
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 0xffffffffu);
    for (i = 0u; i < 16u; i++) {
        vgic_inject(PART_ALPHA, 0u, i, VGIC_EDGE, NULL);
    }
    vgic_inject(PART_ALPHA, 0u, 27u, VGIC_EDGE, NULL);
    exit_flush(PART_ALPHA, 0u);
    for (i = 0u; i < 16u; i++) {
        assert_int_equal(fake_lrs[i], LR(i, 0u));
    }
    assert_true(priv(PART_ALPHA, 0u, 27u)->pending);
    assert_true(fake_npie);
}

/* @req SRS-IRQ-001 */
static void test_inject_of_an_unowned_intid_is_dropped(void **state)
{
    (void)state;
    fake_cpu = 2u;
    vgic_inject(PART_ALPHA, 0u, 60u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 70u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 25u, VGIC_EDGE, NULL);
    assert_false(spi(PART_ALPHA, 60u)->pending);
    assert_false(priv(PART_ALPHA, 0u, 25u)->pending);
    assert_int_equal(fake_num_sgis, 0u);
    assert_int_equal(fake_lock_depth, 0);
    set_level(PART_ALPHA, 60u, true);
    assert_false(spi(PART_ALPHA, 60u)->line);
    assert_int_equal(fake_num_sgis, 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-003 */
static void test_set_level_kicks_the_target_only_when_the_line_changes(void **state)
{
    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(33u), 8u, 1u);
    set_level(PART_BETA, 33u, true);
    assert_true(spi(PART_BETA, 33u)->pending);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    set_level(PART_BETA, 33u, true);
    assert_int_equal(fake_num_sgis, 1u);
    vgic_flush(PART_BETA, 1u);
    set_level(PART_BETA, 33u, false);
    assert_false(spi(PART_BETA, 33u)->pending);
    assert_int_equal(fake_num_sgis, 2u);
    set_level(PART_BETA, 33u, false);
    assert_int_equal(fake_num_sgis, 2u);
}

/* @req SRS-IRQ-004 */
static void test_spi_target_is_vcpu0_for_unowned_and_private_intids(void **state)
{
    (void)state;
    assert_int_equal(vgic_spi_target(PART_ALPHA, 60u), 0u);
    assert_int_equal(vgic_spi_target(PART_ALPHA, 500u), 0u);
    priv(PART_BETA, 0u, 27u)->target = 1u;
    assert_int_equal(vgic_spi_target(PART_BETA, 27u), 0u);
    spi(PART_BETA, 70u)->target = 1u;
    assert_int_equal(vgic_spi_target(PART_BETA, 70u), 1u);
}

/* ---------------------------------------------------------------- SGIs and kicks */

/* @req SRS-IRQ-003 */
static void test_sgi_target_list_selects_vcpus_by_aff0(void **state)
{
    (void)state;
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(3u, 0x2u)), 0x2u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(3u, 0x3u)), 0x3u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 1u, SGI1R(3u, 0x1u)), 0x1u);
    /* A vCPU may name itself. */
    assert_int_equal(vgic_sgi_targets(PART_BETA, 1u, SGI1R(3u, 0x2u)), 0x2u);
    /* Aff0 2..15 name no vCPU of beta. */
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(3u, 0xfffcu)), 0u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(3u, 0u)), 0u);
}

/* @req SRS-IRQ-003 */
static void test_sgi_upper_affinity_and_range_selector_must_match(void **state)
{
    (void)state;
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(1u, 0x3u) | T_SGI1R_AFF1(1u)), 0u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(1u, 0x3u) | T_SGI1R_AFF2(1u)), 0u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(1u, 0x3u) | T_SGI1R_AFF3(1u)), 0u);
    /* RS = 1 names Aff0 16..31. */
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(1u, 0x3u) | T_SGI1R_RS(1u)), 0u);
}

/* @req SRS-IRQ-003 */
/* @req SRS-IRQ-006 */
static void test_sgi_irm_is_res0_because_the_vgic_reports_no1n(void **state)
{
    (void)state;
    /* GICD_TYPER.No1N = 1 (12.9.38): IRM is RES0, the target list applies. */
    assert_int_not_equal(dread(PART_BETA, TYPER, 4u) & (1u << 25), 0u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(2u, 0u) | T_SGI1R_IRM), 0u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 0u, SGI1R(2u, 0x2u) | T_SGI1R_IRM), 0x2u);
    assert_int_equal(vgic_sgi_targets(PART_BETA, 1u, SGI1R(2u, 0x3u) | T_SGI1R_IRM | T_SGI1R_AFF1(7u)), 0u);
}

/* @req SRS-IRQ-003 */
static void test_send_sgi_pends_on_named_vcpus_only_and_kicks_other_cpus(void **state)
{
    (void)state;
    fake_cpu = 2u;
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, 0xffffu);
    rwrite(PART_BETA, SGI(0u) + IGROUPR, 4u, 0xffffu);
    rwrite(PART_BETA, SGI(1u) + IGROUPR, 4u, 0xffffu);
    /* A group-0 SGI (ICC_SGI0R_EL1) for a group-1 SGI is not delivered (12.2.20). */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), false);
    assert_false(priv(PART_BETA, 1u, 5u)->pending);
    assert_int_equal(fake_num_sgis, 0u);
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    /* In vCPU 1's inbox, without the lock; its flush takes it (pending, then a list register). */
    assert_int_equal(vgic_changed[cfg_partitions[PART_BETA].first_vcpu + 1u], 1u << 5);
    assert_false(priv(PART_BETA, 1u, 5u)->pending);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(vgic_changed[cfg_partitions[PART_BETA].first_vcpu + 1u], 0u);
    assert_true(priv(PART_BETA, 1u, 5u)->pending || (priv(PART_BETA, 1u, 5u)->lr >= 0));
    assert_false(priv(PART_BETA, 0u, 5u)->pending);
    assert_false(priv(PART_ALPHA, 0u, 5u)->pending);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    assert_int_equal(fake_sgi_id[0], ARCH_SGI_KICK);
    /* To itself: no kick, its own exit path flushes. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(6u, 0x1u), true);
    assert_true(priv(PART_BETA, 0u, 6u)->pending);
    assert_int_equal(fake_num_sgis, 1u);
    /* Nobody named: nothing. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(7u, 0u) | T_SGI1R_AFF1(1u), true);
    assert_false(priv(PART_BETA, 0u, 7u)->pending);
    assert_false(priv(PART_BETA, 1u, 7u)->pending);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-003 */
static void test_inject_kicks_only_a_vcpu_on_another_cpu(void **state)
{
    (void)state;
    fake_cpu = 3u;
    rwrite(PART_BETA, SGI(0u) + ISENABLER, 4u, 1u << 9);
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, 1u << 9);
    dwrite(PART_BETA, ISENABLER + 4u, 4u, 1u << 2);
    vgic_inject(PART_BETA, 1u, 9u, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 0u);
    vgic_inject(PART_BETA, 0u, 9u, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 2u);
    /* An SPI kicks the vCPU it is routed to, whoever injects it. */
    fake_cpu = 0u;
    vgic_flush(PART_BETA, 0u);
    vgic_inject(PART_BETA, 0u, 34u, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 2u);
    assert_int_equal(fake_sgi_cpu[1], 2u);
}

/* @req SRS-IRQ-001 */
static void test_init_resets_state_and_ownership(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 3u);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 0xffffffffu);
    rwrite(PART_ALPHA, RD(0u) + T_GICR_WAKER, 4u, 0u);
    vgic_init(PART_ALPHA);
    assert_int_equal(vgic_get(PART_ALPHA)->ctlr, 0u);
    assert_int_equal(vgic_get(PART_ALPHA)->num_irqs, 64u);
    assert_int_equal(vgic_get(PART_BETA)->num_irqs, 96u);
    assert_int_equal(dread(PART_ALPHA, ISENABLER + 4u, 4u), 0u);
    assert_true(vgic_get(PART_ALPHA)->vcpu[0].sleep);
    /* The health notification: a virtual, edge-triggered SPI. */
    assert_true(cfg_health[PART_ALPHA].notify_vintid >= 32u);
    assert_true(spi(PART_ALPHA, cfg_health[PART_ALPHA].notify_vintid)->owned);
    assert_true(spi(PART_ALPHA, cfg_health[PART_ALPHA].notify_vintid)->edge);
    assert_false(spi(PART_ALPHA, cfg_health[PART_ALPHA].notify_vintid)->hw);
    assert_true(spi(PART_ALPHA, 40u)->owned && spi(PART_ALPHA, 40u)->hw && (spi(PART_ALPHA, 40u)->pintid == 48u));
    assert_true(spi(PART_ALPHA, 33u)->owned && !spi(PART_ALPHA, 33u)->hw);
    assert_false(spi(PART_ALPHA, 60u)->owned);
    assert_true(priv(PART_ALPHA, 0u, 30u)->hw && (priv(PART_ALPHA, 0u, 30u)->pintid == 30u));
    assert_false(priv(PART_ALPHA, 0u, 26u)->owned);
    assert_int_equal(spi(PART_ALPHA, 40u)->lr, -1);
}

/*
 * The first load of the cold boot does not clear the state again (issue 11, no double
 * zeroing): a state never initialised (num_irqs 0) is the .bss the boot cleared, and
 * no other CPU can write it before its first vgic_init: each injection finds nothing.
 */
/* @req SRS-IRQ-001 */
static void test_first_init_of_a_cleared_state_does_not_clear_it_again(void **state)
{
    struct vgic_part *g = vgic_get(PART_ALPHA);
    uint32_t virq = cfg_health[PART_ALPHA].notify_vintid;
    static const struct vgic_part zero;

    (void)state;
    (void)memset(g, 0, sizeof(*g));
    /* Before the first initialisation, a doorbell, a health SPI or a device's line changes nothing. */
    vgic_inject(PART_ALPHA, 0u, virq, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 33u, VGIC_EDGE, NULL);
    set_level(PART_ALPHA, 40u, true);
    assert_memory_equal(g, &zero, sizeof(zero));
    /* Marks only the skipped clears would erase (the state, the fast paths' values of the
     * vCPUs, .bss as well); the initialisation writes the rest. */
    g->unhandled = 7u;
    fake_fast_lr[cfg_partitions[PART_ALPHA].first_vcpu] = 5u;
    fake_sgi_lr[cfg_partitions[PART_ALPHA].first_vcpu][1] = 5u;
    vgic_init(PART_ALPHA);
    assert_int_equal(g->unhandled, 7u);
    assert_int_equal(fake_fast_lr[cfg_partitions[PART_ALPHA].first_vcpu], 5u);
    assert_int_equal(fake_sgi_lr[cfg_partitions[PART_ALPHA].first_vcpu][1], 5u);
    assert_int_equal(g->num_irqs, 64u);
    assert_true(spi(PART_ALPHA, virq)->owned && spi(PART_ALPHA, virq)->edge);
    assert_int_equal(spi(PART_ALPHA, 40u)->lr, -1);
    /* A later initialisation (a restart) clears it. */
    g->unhandled = 7u;
    vgic_init(PART_ALPHA);
    assert_int_equal(g->unhandled, 0u);
    assert_int_equal(fake_fast_lr[cfg_partitions[PART_ALPHA].first_vcpu], 0u);
    assert_int_equal(fake_sgi_lr[cfg_partitions[PART_ALPHA].first_vcpu][1], 0u);
}

/* @req SRS-IRQ-005 */
static void test_flush_with_nothing_changed_takes_no_lock_and_reads_no_list_register(void **state)
{
    (void)state;
    sgis_ready(PART_ALPHA, 0u, 1u << 3, 0x10u);
    vgic_inject(PART_ALPHA, 0u, 3u, VGIC_EDGE, NULL);
    vgic_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(3u, 0x10u) | LR_G1);
    fake_lock_acquires = 0u;
    fake_free_mask_reads = 0u;
    /* The guest acknowledges and completes it: no exit is needed for that. */
    fake_lrs[0] = 0u;
    vgic_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lock_acquires, 0u);
    assert_int_equal(fake_free_mask_reads, 0u);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_used, 1u);
    /* The next injection collects the completed list register and reuses it. */
    vgic_inject(PART_ALPHA, 0u, 3u, VGIC_EDGE, NULL);
    vgic_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(3u, 0x10u) | LR_G1);
    assert_int_equal(fake_lrs[1], 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-005 */
static void test_kick_only_when_the_target_goes_from_nothing_new_to_something_new(void **state)
{
    (void)state;
    fake_cpu = 2u;
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, (1u << 9) | (1u << 10));
    vgic_inject(PART_BETA, 1u, 9u, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    /* vCPU 1 has not looked yet: a second change needs no second kick. */
    vgic_inject(PART_BETA, 1u, 10u, VGIC_EDGE, NULL);
    vgic_inject(PART_BETA, 1u, 9u, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 1u);
    /* Its exit takes the changes in; the next one kicks again. */
    vgic_flush(PART_BETA, 1u);
    vgic_inject(PART_BETA, 1u, 9u, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 2u);
    /* A disabled interrupt gives the vCPU nothing new. */
    vgic_flush(PART_BETA, 1u);
    vgic_inject(PART_BETA, 1u, 11u, VGIC_EDGE, NULL);
    assert_true(priv(PART_BETA, 1u, 11u)->pending);
    assert_int_equal(fake_num_sgis, 2u);
}

/* @req SRS-IRQ-005 */
static void test_local_timer_ppi_goes_straight_into_a_free_lr(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u << 27);
    vgic_flush(PART_ALPHA, 0u);
    inject_local(PART_ALPHA, 0u, 27u);
    assert_int_equal(fake_lrs[0], LR(27u, 0u) | T_LR_HW | (27ull << 32));
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, 0);
    assert_false(priv(PART_ALPHA, 0u, 27u)->pending);
    /* Nothing left for the exit's flush to do. */
    assert_int_equal(vgic_changed[cfg_partitions[PART_ALPHA].first_vcpu], 0u);
    /* The guest completes it without an exit; the next tick finds the LR free again (ICH_ELRSR). */
    fake_lrs[0] = 0u;
    inject_local(PART_ALPHA, 0u, 27u);
    assert_int_equal(fake_lrs[0], LR(27u, 0u) | T_LR_HW | (27ull << 32));
    assert_int_equal(fake_lrs[1], 0u);
    assert_int_equal(vgic_changed[cfg_partitions[PART_ALPHA].first_vcpu], 0u);
    /* Disabled: software pending, no list register. */
    rwrite(PART_ALPHA, SGI(0u) + ICENABLER, 4u, 1u << 30);
    inject_local(PART_ALPHA, 0u, 30u);
    assert_true(priv(PART_ALPHA, 0u, 30u)->pending);
    assert_int_equal(fake_lrs[1], 0u);
    /* Every list register taken: the software path, and the flush places it when one frees. */
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 0xffffu);
    fake_lrs[0] = 0u;
    fake_lrs[1] = LR_ACTIVE;
    fake_lrs[2] = LR_ACTIVE;
    fake_lrs[3] = LR_ACTIVE;
    vgic_get(PART_ALPHA)->vcpu[0].lr_used = 0xeu;
    vgic_get(PART_ALPHA)->vcpu[0].lr_intid[1] = 1u;
    vgic_get(PART_ALPHA)->vcpu[0].lr_intid[2] = 2u;
    vgic_get(PART_ALPHA)->vcpu[0].lr_intid[3] = 4u;
    inject_local(PART_ALPHA, 0u, 5u);
    assert_int_equal(fake_lrs[0], LR(5u, 0u));
    inject_local(PART_ALPHA, 0u, 6u);
    assert_true(priv(PART_ALPHA, 0u, 6u)->pending);
    /* Already pending, or already in a list register, or its group off: the software path. */
    inject_local(PART_ALPHA, 0u, 6u);
    assert_true(priv(PART_ALPHA, 0u, 6u)->pending);
    fake_lrs[3] = 0u;
    inject_local(PART_ALPHA, 0u, 5u);
    assert_true(priv(PART_ALPHA, 0u, 5u)->pending);
    priv(PART_ALPHA, 0u, 5u)->pending = false;
    dwrite(PART_ALPHA, CTLR, 4u, 0u);
    inject_local(PART_ALPHA, 0u, 7u);
    assert_true(priv(PART_ALPHA, 0u, 7u)->pending);
    assert_int_equal(fake_lrs[3], 0u);
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    assert_int_equal(vgic_changed[cfg_partitions[PART_ALPHA].first_vcpu], VGIC_NEWS);
    fake_lrs[2] = 0u;
    vgic_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[2], LR(6u, 0u));
    assert_int_equal(fake_lock_depth, 0);
}


/*
 * vgic_inject() is the one injection function: it puts an edge straight into a list register
 * only on the exit of the target vCPU itself (self); an exit of another partition's vCPU or of
 * another vCPU of the same partition tells the target through its changed word (and kicks its
 * CPU), whatever the interrupt; an interrupt the partition does not own does nothing either way.
 */
/* @req SRS-IRQ-010 */
static void test_one_injection_function_fills_a_list_register_only_on_the_targets_own_exit(void **state)
{
    struct vcpu *alpha0 = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    struct vcpu *beta0 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    uint32_t beta1 = cfg_partitions[PART_BETA].first_vcpu + 1u;
    uint32_t i;

    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    dwrite(PART_BETA, CTLR, 4u, 1u);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u << 27);
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, 1u << 27);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << (40u - 32u));
    vgic_flush(PART_ALPHA, 0u);
    vgic_flush(PART_BETA, 1u);
    fake_num_sgis = 0u;

    /* On an exit of another partition's vCPU: alpha's timer PPI is only made pending. */
    vgic_inject(PART_ALPHA, 0u, 27u, VGIC_EDGE, beta0);
    assert_true(priv(PART_ALPHA, 0u, 27u)->pending);
    assert_int_equal(vgic_changed[alpha0->id], VGIC_NEWS);
    for (i = 0u; i < 4u; i++) {
        assert_int_equal(fake_lrs[i], 0u);
    }
    vgic_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(27u, 0u) | T_LR_HW | (27ull << 32));
    fake_lrs[0] = 0u;
    vgic_flush(PART_ALPHA, 0u);

    /* On an exit of beta's vCPU 0, for its vCPU 1: pending there, vCPU 1's CPU kicked, no list
     * register of this CPU written. */
    vgic_inject(PART_BETA, 1u, 27u, VGIC_EDGE, beta0);
    assert_true(priv(PART_BETA, 1u, 27u)->pending);
    assert_int_equal(vgic_changed[beta1], VGIC_NEWS);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], cfg_vcpus[beta1].pcpu);
    for (i = 0u; i < 4u; i++) {
        assert_int_equal(fake_lrs[i], 0u);
    }

    /* Not owned (PPI 26): nothing, on the target's own exit as on any other. */
    vgic_inject(PART_ALPHA, 0u, 26u, VGIC_EDGE, alpha0);
    vgic_inject(PART_ALPHA, 0u, 26u, VGIC_EDGE, NULL);
    assert_false(priv(PART_ALPHA, 0u, 26u)->pending);
    assert_int_equal(vgic_changed[alpha0->id], 0u);
    assert_int_equal(fake_lrs[0], 0u);

    /* A pass-through SPI on its target's own exit: straight into a list register, HW = 1 with its
     * physical INTID, nothing left for the flush; the same SPI from no exit goes the any-CPU way. */
    vgic_inject(PART_ALPHA, 0u, 40u, VGIC_EDGE, alpha0);
    assert_int_equal(fake_lrs[0], LR(40u, 0u) | T_LR_HW | (48ull << 32));
    assert_false(spi(PART_ALPHA, 40u)->pending);
    assert_int_equal(vgic_changed[alpha0->id], 0u);
    fake_lrs[0] = 0u;
    vgic_inject(PART_ALPHA, 0u, 40u, VGIC_EDGE, NULL);
    assert_true(spi(PART_ALPHA, 40u)->pending);
    assert_int_equal(vgic_changed[alpha0->id], VGIC_NEWS);
    assert_int_equal(fake_lock_depth, 0);
}

/* The value the vGIC publishes for alpha's vCPU 0 timer, the news flag, the vector's lrs. */
#define ALPHA0 (cfg_partitions[PART_ALPHA].first_vcpu)
#define TIMER_LR(prio) (LR(27u, (prio)) | T_LR_HW | (27ull << 32))

/* @req SRS-IRQ-007 */
static void test_timer_fast_value_is_published_only_while_enabled_group_on_and_not_pending(void **state)
{
    (void)state;
    /* Reset: disabled, so the C path. */
    assert_int_equal(fake_fast_lr[ALPHA0], 0u);
    assert_ptr_equal(fake_fast_news[ALPHA0], &vgic_changed[ALPHA0]);
    /* Enabled, but its group (1) is off in GICD_CTLR. */
    rwrite(PART_ALPHA, SGI(0u) + IGROUPR, 4u, 1u << 27);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u << 27);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_fast_lr[ALPHA0], 0u);
    /* Group on: the value vgic_lr_put() would write (the guest's priority, group 1, HW, pINTID 27). */
    dwrite(PART_ALPHA, CTLR, 4u, 3u);
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 24u, 4u, 0xa0u << 24);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_fast_lr[ALPHA0], TIMER_LR(0xa0u) | LR_G1);
    /* Pending in software: the flush places (or coalesces) it, so the C path. */
    priv(PART_ALPHA, 0u, 27u)->pending = true;
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 24u, 4u, 0x80u << 24);
    assert_int_equal(fake_fast_lr[ALPHA0], 0u);
    priv(PART_ALPHA, 0u, 27u)->pending = false;
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 24u, 4u, 0x80u << 24);
    assert_int_equal(fake_fast_lr[ALPHA0], TIMER_LR(0x80u) | LR_G1);
    /* Not hardware-backed (never so for 27; the predicate still checks it). */
    priv(PART_ALPHA, 0u, 27u)->hw = false;
    rwrite(PART_ALPHA, SGI(0u) + IPRIORITYR + 24u, 4u, 0x80u << 24);
    assert_int_equal(fake_fast_lr[ALPHA0], 0u);
    priv(PART_ALPHA, 0u, 27u)->hw = true;
    /* Disabled by the guest: the C path again, published at once. */
    rwrite(PART_ALPHA, SGI(0u) + ICENABLER, 4u, 1u << 27);
    assert_int_equal(fake_fast_lr[ALPHA0], 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* Alpha's vCPU 0 with its timer PPI enabled and group 0 on, nothing new. */
static void timer_ready(void)
{
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u << 27);
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_fast_lr[ALPHA0], TIMER_LR(0u));
    assert_int_equal(vgic_changed[ALPHA0], 0u);
}

/* @req SRS-IRQ-007 */
static void test_vector_fills_an_empty_lr_and_the_vgic_takes_it_into_its_state(void **state)
{
    (void)state;
    timer_ready();
    /* Not the timer: the C step. */
    assert_false(fake_irq_vector(ALPHA0, 30u));
    assert_false(fake_irq_vector(ALPHA0, 1023u));
    /* The timer: LR 0, priority dropped, no C. */
    assert_true(fake_irq_vector(ALPHA0, 27u));
    assert_int_equal(fake_lrs[0], TIMER_LR(0u));
    assert_int_equal(fake_num_eois, 1u);
    assert_int_equal(fake_eoi[0], 27u);
    assert_int_equal(fake_fast_lrs[ALPHA0], 1u);
    /* Still pending in LR 0: the vector does not write a second LR for the same vINTID. */
    assert_false(fake_irq_vector(ALPHA0, 27u));
    /* An SGI for the vCPU's own exit: the flush takes LR 0 into the vGIC's state first. */
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u << 3);
    vgic_inject(PART_ALPHA, 0u, 3u, VGIC_EDGE, NULL);
    vgic_flush(PART_ALPHA, 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, 0);
    assert_int_equal(fake_fast_lrs[ALPHA0], 0u);
    assert_int_equal(fake_fast_hold[ALPHA0], 1u);
    assert_int_equal(fake_lrs[0], TIMER_LR(0u));
    assert_int_equal(fake_lrs[1], LR(3u, 0u));
    /* Held by the vGIC in LR 0 and still active there: no fast path. */
    fake_lrs[0] = (fake_lrs[0] & ~(3ull << 62)) | LR_ACTIVE;
    assert_false(fake_irq_vector(ALPHA0, 27u));
    /* The guest deactivates it (LR 0 empty) and takes the SGI (LR 1 active). The next tick:
     * the lowest empty LR, 0 again; the vGIC's record of LR 0 is the timer's own. */
    fake_lrs[0] = 0u;
    fake_lrs[1] = (fake_lrs[1] & ~(3ull << 62)) | LR_ACTIVE;
    assert_true(fake_irq_vector(ALPHA0, 27u));
    assert_int_equal(fake_lrs[0], TIMER_LR(0u));
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, 0);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_used, 3u);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_intid[0], 27u);
    assert_true(priv(PART_ALPHA, 0u, 3u)->active);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-007 */
static void test_vector_reuses_an_lr_the_vgic_has_not_collected_and_the_vgic_releases_it(void **state)
{
    (void)state;
    timer_ready();
    /* SGI 3 in LR 0 and the timer in LR 1, both through the C path. */
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, 1u << 3);
    vgic_inject(PART_ALPHA, 0u, 3u, VGIC_EDGE, NULL);
    vgic_flush(PART_ALPHA, 0u);
    inject_local(PART_ALPHA, 0u, 27u);
    assert_int_equal(fake_lrs[1], TIMER_LR(0u));
    assert_int_equal(fake_fast_hold[ALPHA0], 2u);
    /* The guest completes both without an exit; the vector reuses LR 0 for the next tick. */
    fake_lrs[0] = 0u;
    fake_lrs[1] = 0u;
    assert_true(fake_irq_vector(ALPHA0, 27u));
    assert_int_equal(fake_lrs[0], TIMER_LR(0u));
    /* The next exit: SGI 3's record of LR 0 and the timer's old LR 1 are released, LR 0 is the timer's. */
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 3u)->lr, -1);
    assert_false(priv(PART_ALPHA, 0u, 3u)->active);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, 0);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_used, 1u);
    assert_int_equal(fake_fast_hold[ALPHA0], 1u);
    /* A completed emulated level interrupt waiting for its EOI maintenance (ICH_EISR, not
     * ICH_ELRSR) is never overwritten: the vector takes LR 1. */
    fake_lrs[0] = 0u;
    fake_lrs[2] = T_LR_EOI | 33u;
    fake_lrs[1] = T_LR_EOI | 34u;
    assert_int_equal(fake_elrsr(), 0x9u);
    assert_true(fake_irq_vector(ALPHA0, 27u));
    assert_int_equal(fake_lrs[0], TIMER_LR(0u));
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-007 */
static void test_vector_leaves_the_timer_to_c_while_news_or_no_empty_lr(void **state)
{
    (void)state;
    timer_ready();
    /* Something new for the vCPU: the C step flushes it first (no injection delayed). */
    vgic_maintenance(PART_ALPHA, 0u);
    assert_false(fake_irq_vector(ALPHA0, 27u));
    vgic_flush(PART_ALPHA, 0u);
    /* Every list register in use. */
    fake_lrs[0] = LR_ACTIVE | 1u;
    fake_lrs[1] = LR_ACTIVE | 2u;
    fake_lrs[2] = LR_ACTIVE | 4u;
    fake_lrs[3] = LR_ACTIVE | 5u;
    assert_false(fake_irq_vector(ALPHA0, 27u));
    fake_lrs[3] = 0u;
    assert_true(fake_irq_vector(ALPHA0, 27u));
    assert_int_equal(fake_lrs[3], TIMER_LR(0u));
    /* A vector-filled LR not yet taken by the vGIC and still pending: no second one. */
    fake_lrs[2] = 0u;
    assert_false(fake_irq_vector(ALPHA0, 27u));
    assert_int_equal(fake_lrs[2], 0u);
    /* Completed before the vGIC looked: taken and dropped, nothing recorded. */
    fake_lrs[3] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_fast_lrs[ALPHA0], 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, -1);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_used & 8u, 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-007 */
static void test_flush_republishes_the_fast_value_when_the_timer_state_changes(void **state)
{
    (void)state;
    timer_ready();
    /* The C path puts the timer in LR 0 (hold), the guest has not taken it yet. */
    inject_local(PART_ALPHA, 0u, 27u);
    assert_int_equal(fake_fast_hold[ALPHA0], 1u);
    /* Another tick while it still waits there: pending in software, so the C path. */
    inject_local(PART_ALPHA, 0u, 27u);
    assert_true(priv(PART_ALPHA, 0u, 27u)->pending);
    assert_int_equal(fake_fast_lr[ALPHA0], 0u);
    /* The flush coalesces it with the LR (an edge of a pending interrupt): same LR, no longer
     * pending in software, and the vector may take the next tick again. */
    exit_flush(PART_ALPHA, 0u);
    assert_false(priv(PART_ALPHA, 0u, 27u)->pending);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, 0);
    assert_int_equal(fake_fast_lr[ALPHA0], TIMER_LR(0u));
    assert_int_equal(fake_fast_hold[ALPHA0], 1u);
    /* A flush that changes nothing of the timer publishes nothing new. */
    fake_fast_lr[ALPHA0] = 0x55u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_fast_lr[ALPHA0], 0x55u);
    /* The guest completes it; the next flush releases LR 0: hold 0. */
    fake_lrs[0] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_fast_lr[ALPHA0], TIMER_LR(0u));
    assert_int_equal(fake_fast_hold[ALPHA0], 0u);
    /* GICD_CTLR is published where it is written. */
    dwrite(PART_ALPHA, CTLR, 4u, 0u);
    assert_int_equal(fake_fast_lr[ALPHA0], 0u);
}

/* @req SRS-IRQ-007 SRS-IRQ-006 */
static void test_stop_takes_the_vector_filled_timer_lr_and_deactivates_it(void **state)
{
    (void)state;
    timer_ready();
    assert_true(fake_irq_vector(ALPHA0, 27u));
    fake_lrs[0] = (fake_lrs[0] & ~(3ull << 62)) | LR_ACTIVE;
    vgic_vcpu_stop(PART_ALPHA, 0u);
    /* Active in the guest: the physical PPI is released, the LR cleared, nothing left to take. */
    assert_int_equal(fake_num_dirs, 1u);
    assert_int_equal(fake_dir[0], 27u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_fast_lrs[ALPHA0], 0u);
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, -1);
    assert_int_equal(fake_fast_hold[ALPHA0], 0u);
    /* A direct injection takes it too: filled, completed, then the C path places the next. */
    vgic_flush(PART_ALPHA, 0u);
    assert_true(fake_irq_vector(ALPHA0, 27u));
    fake_lrs[0] = 0u;
    rwrite(PART_ALPHA, SGI(0u) + ICENABLER, 4u, 0u);
    inject_local(PART_ALPHA, 0u, 27u);
    assert_int_equal(fake_lrs[0], TIMER_LR(0u));
    assert_int_equal(priv(PART_ALPHA, 0u, 27u)->lr, 0);
    assert_int_equal(vgic_get(PART_ALPHA)->vcpu[0].lr_used, 1u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-006 */
static void test_ispendr_of_a_timer_ppi_shows_the_timer_output_even_while_disabled(void **state)
{
    (void)state;
    fake_timer_output[27] = true;
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISPENDR, 4u) & (1u << 27), 1u << 27);
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISPENDR, 4u) & (1u << 30), 0u);
    fake_timer_output[27] = false;
    assert_int_equal(rread(PART_ALPHA, SGI(0u) + ISPENDR, 4u) & (1u << 27), 0u);
    /* Another vCPU's timer is not this CPU's: its software state only. */
    fake_timer_output[27] = true;
    fake_cpu = 2u;
    assert_int_equal(rread(PART_BETA, SGI(1u) + ISPENDR, 4u) & (1u << 27), 0u);
    assert_int_equal(rread(PART_BETA, SGI(0u) + ISPENDR, 4u) & (1u << 27), 1u << 27);
}

/* @req SRS-IRQ-006 */
static void test_pending_and_active_writes_of_hw_interrupts_reach_the_physical_gic(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, ISPENDR + 4u, 4u, 1u << 8);
    assert_true(fake_irq_pending[48]);
    assert_int_equal(fake_irq_state_cpu[48], 0u);
    /* It fires through the physical GIC and comes back injected, not pended here. */
    assert_false(spi(PART_ALPHA, 40u)->pending);
    assert_int_equal(dread(PART_ALPHA, ISPENDR + 4u, 4u) & (1u << 8), 1u << 8);
    dwrite(PART_ALPHA, ICPENDR + 4u, 4u, 1u << 8);
    assert_false(fake_irq_pending[48]);
    assert_int_equal(dread(PART_ALPHA, ISPENDR + 4u, 4u) & (1u << 8), 0u);
    dwrite(PART_ALPHA, ISACTIVER + 4u, 4u, 1u << 8);
    assert_true(fake_irq_active[48]);
    assert_true(spi(PART_ALPHA, 40u)->active);
    dwrite(PART_ALPHA, ICACTIVER + 4u, 4u, 1u << 8);
    assert_false(fake_irq_active[48]);
    assert_false(spi(PART_ALPHA, 40u)->active);
    /* The timer PPIs on their vCPU's CPU. */
    fake_cpu = 2u;
    rwrite(PART_BETA, SGI(1u) + ICPENDR, 4u, 1u << 30);
    assert_int_equal(fake_irq_state_cpu[30], 3u);
}

/* @req SRS-IRQ-006 */
static void test_icfgr_write_of_an_enabled_interrupt_is_ignored(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    dwrite(PART_ALPHA, ICFGR + 12u, 4u, 2u << 0);  /* INTIDs 48..63: field 0 is 48; 40 is in ICFGR + 8 */
    dwrite(PART_ALPHA, ICFGR + 8u, 4u, 2u << 16);  /* 40 = 32 + 8: field 8 */
    assert_false(spi(PART_ALPHA, 40u)->edge);
    assert_false(fake_irq_edge[48]);
    dwrite(PART_ALPHA, ICENABLER + 4u, 4u, 1u << 8);
    dwrite(PART_ALPHA, ICFGR + 8u, 4u, 2u << 16);
    assert_true(spi(PART_ALPHA, 40u)->edge);
    assert_true(fake_irq_edge[48]);
}

/* @req SRS-IRQ-006 */
static void test_overflow_with_every_lr_active_asks_for_underflow_not_npie(void **state)
{
    uint32_t i;

    (void)state;
    sgis_ready(PART_ALPHA, 0u, 0x1fu, 0x40u);
    for (i = 0u; i < 5u; i++) {
        vgic_inject(PART_ALPHA, 0u, i, VGIC_EDGE, NULL);
    }
    vgic_flush(PART_ALPHA, 0u);
    assert_true(fake_npie);
    assert_false(fake_uie);
    /* The guest takes all four: NPIE fires; with every LR active it would fire for ever. */
    for (i = 0u; i < 4u; i++) {
        fake_lrs[i] = (fake_lrs[i] & ~(3ull << 62)) | LR_ACTIVE;
    }
    exit_flush(PART_ALPHA, 0u);
    assert_false(fake_npie);
    assert_true(fake_uie);
    assert_true(priv(PART_ALPHA, 0u, 4u)->pending);
    /* One completes: the waiting SGI takes its place, nothing left over. */
    fake_lrs[2] = 0u;
    exit_flush(PART_ALPHA, 0u);
    assert_int_equal(LR_VINTID(fake_lrs[2]), 4u);
    assert_false(fake_npie);
    assert_false(fake_uie);
    /* A single list register held by an active interrupt cannot be waited on. */
    fake_num_lrs = 1u;
    sgis_ready(PART_ALPHA, 0u, 1u << 5, 0x40u);
    vgic_inject(PART_ALPHA, 0u, 5u, VGIC_EDGE, NULL);
    fake_lrs[0] = (fake_lrs[0] & ~(3ull << 62)) | LR_ACTIVE;
    exit_flush(PART_ALPHA, 0u);
    assert_false(fake_npie);
    assert_false(fake_uie);
}

/* @req SRS-IRQ-006 */
static void test_stopping_vcpu_returns_unacknowledged_interrupts_and_releases_active_hw_ones(void **state)
{
    (void)state;
    dwrite(PART_ALPHA, CTLR, 4u, 1u);
    dwrite(PART_ALPHA, ISENABLER + 4u, 4u, 1u << 8);
    rwrite(PART_ALPHA, SGI(0u) + ISENABLER, 4u, (1u << 3) | (1u << 4) | (1u << 6));
    vgic_inject(PART_ALPHA, 0u, 40u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 3u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 4u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 6u, VGIC_EDGE, NULL);
    vgic_flush(PART_ALPHA, 0u);
    /* Equal priorities: lowest INTID first. */
    assert_int_equal(LR_VINTID(fake_lrs[0]), 3u);
    assert_int_equal(LR_VINTID(fake_lrs[1]), 4u);
    assert_int_equal(LR_VINTID(fake_lrs[2]), 6u);
    assert_int_equal(LR_VINTID(fake_lrs[3]), 40u);
    /* The guest was handling 4 and 40 when its vCPU went off; 3 was never acknowledged;
     * 6 was completed. */
    fake_lrs[1] = (fake_lrs[1] & ~(3ull << 62)) | LR_ACTIVE;
    fake_lrs[3] = (fake_lrs[3] & ~(3ull << 62)) | LR_ACTIVE;
    fake_lrs[2] = 0u;
    vgic_vcpu_stop(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_lrs[1], 0u);
    assert_int_equal(fake_lrs[3], 0u);
    assert_false(priv(PART_ALPHA, 0u, 4u)->pending);
    assert_false(priv(PART_ALPHA, 0u, 6u)->pending);
    assert_int_equal(fake_num_dirs, 1u);
    assert_int_equal(fake_dir[0], 48u);
    assert_false(spi(PART_ALPHA, 40u)->active);
    assert_true(priv(PART_ALPHA, 0u, 3u)->pending);
    assert_int_equal(priv(PART_ALPHA, 0u, 3u)->lr, -1);
    /* Delivered when it runs again. */
    vgic_flush(PART_ALPHA, 0u);
    assert_int_equal(fake_lrs[0], LR(3u, 0u));
}

/* Beta's vCPU 1 (CPU 3) with SGIs 4-6 enabled in group 1, group 1 on, nothing new. */
#define BETA1 (cfg_partitions[PART_BETA].first_vcpu + 1u)
#define SGI_LR(n, prio) (LR((n), (prio)) | LR_G1)

static void sgis_fast_ready(void)
{
    fake_cpu = 3u;
    dwrite(PART_BETA, CTLR, 4u, 2u);
    rwrite(PART_BETA, SGI(1u) + IGROUPR, 4u, 0xffffu);
    rwrite(PART_BETA, SGI(1u) + ISENABLER, 4u, 0x70u);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(vgic_changed[BETA1], 0u);
}

/* @req SRS-IRQ-008 */
static void test_sgi_fast_value_is_published_only_while_enabled_group1_on_and_not_pending(void **state)
{
    (void)state;
    /* Reset: the C path for every SGI. */
    assert_int_equal(fake_sgi_lr[BETA1][5], 0u);
    sgis_fast_ready();
    assert_int_equal(fake_sgi_lr[BETA1][5], SGI_LR(5u, 0u));
    assert_int_equal(fake_sgi_hold[BETA1][5], 0u);
    assert_int_equal(fake_sgi_lr[BETA1][7], 0u);          /* disabled */
    /* Group 0 at the target: what ICC_SGI1R_EL1 never raises. */
    rwrite(PART_BETA, SGI(1u) + IGROUPR, 4u, 0xffdfu);
    assert_int_equal(fake_sgi_lr[BETA1][5], 0u);
    rwrite(PART_BETA, SGI(1u) + IGROUPR, 4u, 0xffffu);
    assert_int_equal(fake_sgi_lr[BETA1][5], SGI_LR(5u, 0u));
    /* Group 1 off in GICD_CTLR. */
    dwrite(PART_BETA, CTLR, 4u, 1u);
    assert_int_equal(fake_sgi_lr[BETA1][5], 0u);
    dwrite(PART_BETA, CTLR, 4u, 2u);
    assert_int_equal(fake_sgi_lr[BETA1][5], SGI_LR(5u, 0u));
    /* Pending in software (ISPENDR0): the flush places it, so the C path; in its list register: held. */
    rwrite(PART_BETA, SGI(1u) + ISPENDR, 4u, 1u << 5);
    assert_int_equal(fake_sgi_lr[BETA1][5], 0u);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(fake_lrs[0], SGI_LR(5u, 0u));
    assert_int_equal(fake_sgi_lr[BETA1][5], SGI_LR(5u, 0u));
    assert_int_equal(fake_sgi_hold[BETA1][5], 1u << 0);
    /* Its priority is the guest's. */
    rwrite(PART_BETA, SGI(1u) + IPRIORITYR + 4u, 4u, 0x80u << 8);
    assert_int_equal(fake_sgi_lr[BETA1][5], SGI_LR(5u, 0x80u));
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-008 */
static void test_sgi_to_another_vcpu_goes_into_its_inbox_and_its_kick_into_a_free_lr(void **state)
{
    (void)state;
    sgis_fast_ready();
    fake_num_sgis = 0u;
    /* vCPU 0 (CPU 2) sends SGI 5 to vCPU 1: its inbox bit, one kick, no lock. */
    fake_cpu = 2u;
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    assert_int_equal(vgic_changed[BETA1], 1u << 5);
    assert_int_equal(fake_num_sgis, 1u);
    /* A second SGI while the first waits: no second kick (the word was not 0). */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    assert_int_equal(fake_num_sgis, 1u);
    /* The kick on CPU 3: the vector puts SGI 5 into LR 0 and empties the word. */
    fake_cpu = 3u;
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    assert_int_equal(fake_lrs[0], SGI_LR(5u, 0u));
    assert_int_equal(vgic_changed[BETA1], 0u);
    assert_int_equal(fake_fast_lrs[BETA1], 1u << 0);
    assert_int_equal(fake_fast_vintid[BETA1][0], 5u);
    /* Still in LR 0 (not yet completed): the next SGI 5 takes the C path, which coalesces it. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(priv(PART_BETA, 1u, 5u)->lr, 0);
    assert_false(priv(PART_BETA, 1u, 5u)->pending);
    assert_int_equal(fake_lrs[0], SGI_LR(5u, 0u));
    assert_int_equal(fake_sgi_hold[BETA1][5], 1u << 0);
    /* Completed by the guest: the next one goes into the empty LR 0 again, past the vGIC's hold. */
    fake_lrs[0] = 0u;
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    assert_int_equal(fake_lrs[0], SGI_LR(5u, 0u));
    /* While the guest handles it (active), SGI 6 takes the C path (a list register the vector
     * filled is still valid: the vector does not know which vINTIDs such registers may hold)... */
    fake_lrs[0] = (fake_lrs[0] & ~LR_PENDING) | LR_ACTIVE;
    vgic_send_sgi(PART_BETA, 0u, SGI1R(6u, 0x2u), true);
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    /* ... and the flush takes LR 0 into its state (vgic_lr_adopt) and puts SGI 6 into LR 1. */
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(priv(PART_BETA, 1u, 5u)->lr, 0);
    assert_int_equal(priv(PART_BETA, 1u, 6u)->lr, 1);
    assert_int_equal(fake_lrs[1], SGI_LR(6u, 0u));
    assert_int_equal(fake_fast_lrs[BETA1], 0u);
    /* LR 0 completed, LR 1 still pending: SGI 5 again goes past the vGIC's hold of it (LR 0) into
     * LR 0, and the next flush releases its old record there before it records the new one. */
    fake_lrs[0] = 0u;
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    fake_lrs[2] = 0u;
    vgic_maintenance(PART_BETA, 1u);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(priv(PART_BETA, 1u, 5u)->lr, 0);
    assert_int_equal(fake_lrs[0], SGI_LR(5u, 0u));
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-008 */
static void test_kick_takes_the_c_path_unless_it_brings_one_deliverable_sgi(void **state)
{
    (void)state;
    sgis_fast_ready();
    fake_cpu = 2u;
    /* Two SGIs at once: the flush places both. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(4u, 0x2u), true);
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    fake_cpu = 3u;
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(fake_lrs[0], SGI_LR(4u, 0u));
    assert_int_equal(fake_lrs[1], SGI_LR(5u, 0u));
    fake_lrs[0] = 0u;
    fake_lrs[1] = 0u;
    /* Other news beside the SGI: the flush. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(4u, 0x2u), true);
    vgic_maintenance(PART_BETA, 1u);
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_flush(PART_BETA, 1u);
    fake_lrs[0] = 0u;
    vgic_maintenance(PART_BETA, 1u);
    vgic_flush(PART_BETA, 1u);
    /* A disabled SGI (7): the flush makes it pending and places nothing. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(7u, 0x2u), true);
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_flush(PART_BETA, 1u);
    assert_true(priv(PART_BETA, 1u, 7u)->pending);
    assert_int_equal(fake_lrs[0], 0u);
    /* A group-0 SGI at the target: ICC_SGI1R_EL1 does not raise it (12.2.22). */
    rwrite(PART_BETA, SGI(1u) + IGROUPR, 4u, 0xffefu);
    vgic_flush(PART_BETA, 1u);
    vgic_send_sgi(PART_BETA, 0u, SGI1R(4u, 0x2u), true);
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_flush(PART_BETA, 1u);
    assert_false(priv(PART_BETA, 1u, 4u)->pending);
    /* Nothing at all (a stale kick): the C step. */
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    assert_int_equal(fake_kick_done, 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-008 */
static void test_redistributor_access_takes_the_inbox_first(void **state)
{
    uint64_t v = 0u;

    (void)state;
    sgis_fast_ready();
    fake_cpu = 2u;
    fake_num_sgis = 0u;
    /* SGI 5 (enabled) and 7 (disabled) wait in vCPU 1's inbox; vCPU 0 reads vCPU 1's ISPENDR0. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(5u, 0x2u), true);
    vgic_send_sgi(PART_BETA, 0u, SGI1R(7u, 0x2u), true);
    assert_true(vgic_access(true, PART_BETA, SGI(1u) + ISPENDR, 4u, false, &v));
    assert_int_equal(v & 0xffffu, (1u << 5) | (1u << 7));
    /* Taken: the inbox is empty; the enabled one made news for vCPU 1 (kicked again: its word went
     * through 0), the disabled one did not. */
    assert_int_equal(vgic_changed[BETA1], VGIC_NEWS);
    assert_int_equal(fake_num_sgis, 2u);
    /* ICPENDR0 clears one still in the inbox. */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(6u, 0x2u), true);
    rwrite(PART_BETA, SGI(1u) + ICPENDR, 4u, 1u << 6);
    assert_false(priv(PART_BETA, 1u, 6u)->pending);
    assert_int_equal(vgic_changed[BETA1] & VGIC_INBOX, 0u);
    /* To itself and a group-0 SGI: the lock path, as before (no inbox). */
    vgic_send_sgi(PART_BETA, 0u, SGI1R(8u, 0x1u), true);
    assert_int_equal(vgic_changed[cfg_partitions[PART_BETA].first_vcpu] & VGIC_INBOX, 0u);
    vgic_send_sgi(PART_BETA, 0u, SGI1R(9u, 0x2u), false);
    assert_int_equal(vgic_changed[BETA1] & VGIC_INBOX, 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-001 */
static void test_rerouting_a_pending_spi_kicks_its_new_vcpu(void **state)
{
    uint32_t sgis;

    (void)state;
    fake_cpu = 2u;
    dwrite(PART_BETA, ISPENDR + 4u, 4u, 1u << 0);
    assert_true(spi(PART_BETA, 32u)->pending);
    sgis = fake_num_sgis;
    /* Pending on vCPU 0 (CPU 2), routed to vCPU 1 (CPU 3): vCPU 1 must look at it. */
    dwrite(PART_BETA, IROUTER(32u), 8u, 1u);
    assert_int_equal(spi(PART_BETA, 32u)->target, 1u);
    assert_int_equal(fake_num_sgis, sgis + 1u);
    assert_int_equal(fake_sgi_cpu[sgis], 3u);
    assert_true(vgic_has_news(cfg_partitions[PART_BETA].first_vcpu + 1u));
}

/* ---------------------------------------------------------------- posted SPIs (doorbells) */

/* The doorbell SPI of partition p's first channel peer. */
static uint32_t door_of(uint32_t p)
{
    uint32_t i;

    for (i = 0u; i < num_peers; i++) {
        if (cfg_channel_peers[i].partition == p) {
            return cfg_channel_peers[i].vintid;
        }
    }
    fail();
    return 0u;
}

#define DOOR_LR(v) (LR((v), 0u) | LR_G1)
#define ALPHA0_ID (cfg_partitions[PART_ALPHA].first_vcpu)

/* Enable SPI v of p in group 1 (priority 0), group 1 on. */
static void spi_ready(uint32_t p, uint32_t v)
{
    dwrite(p, CTLR, 4u, 2u);
    dwrite(p, IGROUPR + (4u * (v / 32u)), 4u, (uint32_t)dread(p, IGROUPR + (4u * (v / 32u)), 4u) | (1u << (v % 32u)));
    dwrite(p, ISENABLER + (4u * (v / 32u)), 4u, 1u << (v % 32u));
}

/* Beta's doorbell enabled in group 1, routed to vCPU 1 (CPU 3), nothing new anywhere, no kick sent. */
static uint32_t door_ready(void)
{
    uint32_t d = door_of(PART_BETA);

    fake_cpu = 2u;
    spi_ready(PART_BETA, d);
    dwrite(PART_BETA, IROUTER(d), 8u, 1u);
    vgic_flush(PART_BETA, 0u);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(vgic_changed[BETA1], 0u);
    assert_int_equal(spi(PART_BETA, d)->target, 1u);
    fake_num_sgis = 0u;
    return d;
}

/* @req SRS-IRQ-009 */
static void test_doorbell_spi_is_posted_and_its_kick_puts_it_into_a_free_lr(void **state)
{
    struct vgic_part *g = vgic_get(PART_BETA);
    uint32_t d;

    (void)state;
    d = door_ready();
    /* Rung from CPU 0: posted to vCPU 1 with its ICH_LR value, one kick, nothing made pending. */
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_int_equal(vgic_changed[BETA1], VGIC_POSTED);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    assert_int_equal(fake_sgi_lr[BETA1][ARCH_FAST_POSTED], DOOR_LR(d));
    assert_int_equal(fake_sgi_hold[BETA1][ARCH_FAST_POSTED], 0u);
    assert_true(spi(PART_BETA, d)->posted);
    assert_false(spi(PART_BETA, d)->pending);
    assert_int_equal(g->vcpu[1].posted, d);
    assert_int_equal(g->posted, 1u << 1);
    /* Rung again before its CPU took it: one interrupt (edges coalesce), no second kick. */
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_int_equal(fake_num_sgis, 1u);
    /* The kick on CPU 3: the vector puts it into LR 0 and empties the word. */
    fake_cpu = 3u;
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    assert_int_equal(fake_lrs[0], DOOR_LR(d));
    assert_int_equal(vgic_changed[BETA1], 0u);
    assert_int_equal(fake_fast_vintid[BETA1][0], d);
    /* Rung while LR 0 is still pending: posted again (the same SPI); the vector leaves it to the
     * flush (LR 0, which it filled, is not empty), which adopts LR 0 and coalesces the two. */
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_int_equal(vgic_changed[BETA1], VGIC_POSTED);
    fake_cpu = 3u;
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(spi(PART_BETA, d)->lr, 0);
    assert_false(spi(PART_BETA, d)->pending);
    assert_false(spi(PART_BETA, d)->posted);
    assert_int_equal(g->vcpu[1].posted, 0u);
    assert_int_equal(g->posted, 0u);
    assert_int_equal(fake_lrs[0], DOOR_LR(d));
    assert_int_equal(fake_lrs[1], 0u);
    /* Completed by the guest: the next one is posted with the vGIC's hold (LR 0) and goes into the
     * empty LR 0 again; the next flush releases the old record there and adopts the new one. */
    fake_lrs[0] = 0u;
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_int_equal(fake_sgi_hold[BETA1][ARCH_FAST_POSTED], 1u << 0);
    fake_cpu = 3u;
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    assert_int_equal(fake_lrs[0], DOOR_LR(d));
    vgic_maintenance(PART_BETA, 1u);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(spi(PART_BETA, d)->lr, 0);
    assert_false(spi(PART_BETA, d)->posted);
    assert_int_equal(g->vcpu[1].lr_used, 1u << 0);
    assert_int_equal(fake_lrs[0], DOOR_LR(d));
    assert_int_equal(fake_lock_depth, 0);
}

/* Nothing posted anywhere in beta, and vintid v pending in software. */
static void assert_made_pending(uint32_t v)
{
    assert_int_equal(vgic_get(PART_BETA)->posted, 0u);
    assert_int_equal(vgic_changed[BETA1] & VGIC_POSTED, 0u);
    assert_int_equal(vgic_changed[cfg_partitions[PART_BETA].first_vcpu] & VGIC_POSTED, 0u);
    assert_true((v < 32u) ? priv(PART_BETA, 1u, v)->pending : spi(PART_BETA, v)->pending);
}

/* @req SRS-IRQ-009 */
static void test_spi_is_posted_only_when_it_can_be_delivered_at_once(void **state)
{
    uint32_t d;

    (void)state;
    d = door_ready();
    fake_cpu = 0u;
    /* Not owned: nothing at all. */
    vgic_inject(PART_ALPHA, 0u, 60u, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, 100u, VGIC_EDGE, NULL); /* beyond alpha's 64 INTIDs */
    assert_int_equal(vgic_changed[ALPHA0_ID], 0u);
    assert_int_equal(vgic_get(PART_ALPHA)->posted, 0u);
    /* An SGI, a hardware-backed SPI (34) and a level one (33, the vUART): made pending. */
    vgic_inject(PART_BETA, 1u, 5u, VGIC_EDGE, NULL);
    assert_made_pending(5u);
    vgic_inject(PART_BETA, 0u, 34u, VGIC_EDGE, NULL);
    assert_made_pending(34u);
    vgic_inject(PART_BETA, 0u, 33u, VGIC_EDGE, NULL);
    assert_made_pending(33u);
    /* The doorbell with group 1 off, then disabled: made pending. */
    fake_cpu = 2u;
    dwrite(PART_BETA, CTLR, 4u, 0u);
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_made_pending(d);
    fake_cpu = 2u;
    dwrite(PART_BETA, ICPENDR + (4u * (d / 32u)), 4u, 1u << (d % 32u));
    dwrite(PART_BETA, CTLR, 4u, 2u);
    dwrite(PART_BETA, ICENABLER + (4u * (d / 32u)), 4u, 1u << (d % 32u));
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_made_pending(d);
    /* Enabled again and still pending: it stays pending (the flush places it). */
    fake_cpu = 2u;
    dwrite(PART_BETA, ISENABLER + (4u * (d / 32u)), 4u, 1u << (d % 32u));
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_made_pending(d);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-009 */
static void test_one_spi_is_posted_per_vcpu_and_never_beside_another_vcpus_list_register(void **state)
{
    struct vgic_part *a = vgic_get(PART_ALPHA);
    uint32_t n = cfg_health[PART_ALPHA].notify_vintid;
    uint32_t ad = door_of(PART_ALPHA);
    uint32_t d;

    (void)state;
    /* Alpha's health notification is posted to its vCPU 0; its doorbell, rung next, is made pending. */
    fake_cpu = 0u;
    spi_ready(PART_ALPHA, n);
    spi_ready(PART_ALPHA, ad);
    vgic_flush(PART_ALPHA, 0u);
    fake_cpu = 2u;
    vgic_inject(PART_ALPHA, 0u, n, VGIC_EDGE, NULL);
    vgic_inject(PART_ALPHA, 0u, ad, VGIC_EDGE, NULL);
    assert_int_equal(a->vcpu[0].posted, n);
    assert_false(spi(PART_ALPHA, ad)->posted);
    assert_true(spi(PART_ALPHA, ad)->pending);
    assert_int_equal(vgic_changed[ALPHA0_ID], VGIC_POSTED | VGIC_NEWS);
    /* Alpha's flush: the posted one is pending again, and both are placed. */
    fake_cpu = 0u;
    vgic_flush(PART_ALPHA, 0u);
    assert_false(spi(PART_ALPHA, n)->posted);
    assert_int_equal(a->posted, 0u);
    assert_true((spi(PART_ALPHA, n)->lr >= 0) && (spi(PART_ALPHA, ad)->lr >= 0));
    /* Beta's doorbell delivered on vCPU 1 by its vector, then routed to vCPU 0 before vCPU 1 settled
     * it: rung again, it is made pending (vCPU 1 may still have it in a list register). */
    memset(fake_lrs, 0, sizeof(fake_lrs));
    d = door_ready();
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    fake_cpu = 3u;
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    fake_cpu = 2u;
    dwrite(PART_BETA, IROUTER(d), 8u, 0u);
    assert_true(spi(PART_BETA, d)->posted);
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_int_equal(vgic_get(PART_BETA)->vcpu[0].posted, 0u);
    assert_true(spi(PART_BETA, d)->pending);
    /* vCPU 1 adopts it (LR 0) and settles it; cleared, then rung again: still in vCPU 1's LR 0, so
     * made pending for vCPU 0 rather than posted. */
    fake_cpu = 3u;
    vgic_maintenance(PART_BETA, 1u);
    vgic_flush(PART_BETA, 1u);
    assert_false(spi(PART_BETA, d)->posted);
    assert_int_equal(spi(PART_BETA, d)->lr, 0);
    fake_cpu = 2u;
    dwrite(PART_BETA, ICPENDR + (4u * (d / 32u)), 4u, 1u << (d % 32u));
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    assert_false(spi(PART_BETA, d)->posted);
    assert_true(spi(PART_BETA, d)->pending);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-009 */
static void test_distributor_access_takes_a_posted_spi_back_and_shows_a_delivered_one(void **state)
{
    uint32_t d;
    uint32_t w;
    uint32_t bit;

    (void)state;
    d = door_ready();
    w = 4u * (d / 32u);
    bit = 1u << (d % 32u);
    /* Posted, not yet taken: a distributor access (vCPU 0) takes it back: pending, vCPU 1 told. */
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    fake_cpu = 2u;
    assert_int_equal(dread(PART_BETA, ISPENDR + w, 4u) & bit, bit);
    assert_true(spi(PART_BETA, d)->pending);
    assert_false(spi(PART_BETA, d)->posted);
    assert_int_equal(vgic_get(PART_BETA)->posted, 0u);
    assert_int_equal(vgic_changed[BETA1], VGIC_NEWS);
    /* The kick finds other news: the flush places it. */
    fake_cpu = 3u;
    assert_false(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(fake_lrs[0], DOOR_LR(d));
    /* Completed; posted again and delivered by the vector into LR 0, not yet settled. */
    fake_lrs[0] = 0u;
    vgic_maintenance(PART_BETA, 1u);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(spi(PART_BETA, d)->lr, -1);
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    fake_cpu = 3u;
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    /* ISPENDR shows it pending and has vCPU 1 collect it; so do an ICENABLER and an ICPENDR write. */
    fake_cpu = 2u;
    fake_num_sgis = 0u;
    assert_int_equal(dread(PART_BETA, ISPENDR + w, 4u) & bit, bit);
    assert_true(spi(PART_BETA, d)->posted);
    assert_int_equal(vgic_changed[BETA1], VGIC_NEWS);
    assert_int_equal(fake_num_sgis, 1u);
    vgic_changed[BETA1] = 0u;
    dwrite(PART_BETA, ICENABLER + w, 4u, bit);
    assert_int_equal(fake_num_sgis, 2u);
    vgic_changed[BETA1] = 0u;
    dwrite(PART_BETA, ICPENDR + w, 4u, bit);
    assert_int_equal(fake_num_sgis, 3u);
    /* Its flush withdraws it (disabled and cleared) and settles it. */
    fake_cpu = 3u;
    vgic_flush(PART_BETA, 1u);
    assert_false(spi(PART_BETA, d)->posted);
    assert_false(spi(PART_BETA, d)->pending);
    assert_int_equal(spi(PART_BETA, d)->lr, -1);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* Another CPU rings beta's doorbell (CPU 0), while vCPU 1's flush (CPU 3) waits for the lock. */
static void ring_beta_door_from_cpu0(void)
{
    uint32_t cpu = fake_cpu;

    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, door_of(PART_BETA), VGIC_EDGE, NULL);
    fake_cpu = cpu;
}

/* @req SRS-IRQ-009 */
static void test_a_spi_posted_after_the_flush_emptied_the_word_is_taken_by_that_flush(void **state)
{
    uint32_t d;

    (void)state;
    d = door_ready();
    /* vCPU 1's flush empties its word (other news), then the doorbell is posted before it takes the lock. */
    fake_cpu = 3u;
    vgic_maintenance(PART_BETA, 1u);
    fake_lock_acquire_hook = ring_beta_door_from_cpu0;
    vgic_flush(PART_BETA, 1u);
    /* The flush took the posting with the lock: delivered, nothing left posted or in the word. */
    assert_int_equal(fake_lrs[0], DOOR_LR(d));
    assert_int_equal(spi(PART_BETA, d)->lr, 0);
    assert_false(spi(PART_BETA, d)->posted);
    assert_int_equal(vgic_get(PART_BETA)->vcpu[1].posted, 0u);
    assert_int_equal(vgic_changed[BETA1], 0u);
    assert_int_equal(fake_lock_depth, 0);
}

/* @req SRS-IRQ-009 */
static void test_stopping_a_vcpu_keeps_its_posted_spi_pending_for_its_return(void **state)
{
    uint32_t d;

    (void)state;
    d = door_ready();
    /* Posted and not taken: pending at the stop. */
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    fake_cpu = 3u;
    vgic_vcpu_stop(PART_BETA, 1u);
    assert_true(spi(PART_BETA, d)->pending);
    assert_false(spi(PART_BETA, d)->posted);
    assert_int_equal(vgic_changed[BETA1], VGIC_NEWS);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(fake_lrs[0], DOOR_LR(d));
    fake_lrs[0] = 0u;
    vgic_maintenance(PART_BETA, 1u);
    vgic_flush(PART_BETA, 1u);
    /* Delivered by the vector and never acknowledged: pending again at the stop too. */
    fake_cpu = 0u;
    vgic_inject(PART_BETA, 0u, d, VGIC_EDGE, NULL);
    fake_cpu = 3u;
    assert_true(fake_irq_vector(BETA1, ARCH_SGI_KICK));
    vgic_vcpu_stop(PART_BETA, 1u);
    assert_true(spi(PART_BETA, d)->pending);
    assert_false(spi(PART_BETA, d)->posted);
    assert_int_equal(spi(PART_BETA, d)->lr, -1);
    assert_int_equal(fake_lrs[0], 0u);
    assert_int_equal(vgic_get(PART_BETA)->posted, 0u);
    assert_int_equal(fake_lock_depth, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_flush_with_nothing_changed_takes_no_lock_and_reads_no_list_register, setup),
        cmocka_unit_test_setup(test_kick_only_when_the_target_goes_from_nothing_new_to_something_new, setup),
        cmocka_unit_test_setup(test_local_timer_ppi_goes_straight_into_a_free_lr, setup),
        cmocka_unit_test_setup(test_one_injection_function_fills_a_list_register_only_on_the_targets_own_exit, setup),
        cmocka_unit_test_setup(test_ispendr_of_a_timer_ppi_shows_the_timer_output_even_while_disabled, setup),
        cmocka_unit_test_setup(test_pending_and_active_writes_of_hw_interrupts_reach_the_physical_gic, setup),
        cmocka_unit_test_setup(test_icfgr_write_of_an_enabled_interrupt_is_ignored, setup),
        cmocka_unit_test_setup(test_overflow_with_every_lr_active_asks_for_underflow_not_npie, setup),
        cmocka_unit_test_setup(test_stopping_vcpu_returns_unacknowledged_interrupts_and_releases_active_hw_ones, setup),
        cmocka_unit_test_setup(test_gicd_ctlr_keeps_only_group_enables_and_reads_are_and_ds, setup),
        cmocka_unit_test_setup(test_gicd_ctlr_write_kicks_the_partitions_other_cpus_only, setup),
        cmocka_unit_test_setup(test_gicd_typer_reports_this_partitions_lines_and_cpus, setup),
        cmocka_unit_test_setup(test_gicd_iidr_and_pidr2_identify_an_arm_gicv3, setup),
        cmocka_unit_test_setup(test_gicd_unsupported_offsets_are_raz_wi_and_counted, setup),
        cmocka_unit_test_setup(test_gicd_registers_of_intids_below_32_are_raz_wi, setup),
        cmocka_unit_test_setup(test_gicd_unowned_spis_are_raz_wi, setup),
        cmocka_unit_test_setup(test_enable_set_and_clear_change_only_the_bits_written_as_one, setup),
        cmocka_unit_test_setup(test_an_enable_write_that_changes_nothing_takes_no_lock, setup),
        cmocka_unit_test_setup(test_enable_of_a_hw_interrupt_is_mirrored_on_its_targets_cpu, setup),
        cmocka_unit_test_setup(test_pending_set_and_clear_read_back_and_kick_the_target, setup),
        cmocka_unit_test_setup(test_active_set_and_clear_read_back_without_kicks, setup),
        cmocka_unit_test_setup(test_group_register_is_plain_read_write_of_owned_bits, setup),
        cmocka_unit_test_setup(test_priority_byte_and_word_accesses_skip_unowned_intids, setup),
        cmocka_unit_test_setup(test_rerouting_a_pending_spi_kicks_its_new_vcpu, setup),
        cmocka_unit_test_setup(test_icfgr_sets_spi_trigger_and_mirrors_hw_spis, setup),
        cmocka_unit_test_setup(test_icfgr_keeps_sgis_edge_and_configures_owned_ppis_only, setup),
        cmocka_unit_test_setup(test_irouter_targets_the_matching_vcpu_and_reroutes_hw_spis, setup),
        cmocka_unit_test_setup(test_irouter_any_pe_mode_delivers_to_vcpu0_and_masks_reserved_bits, setup),
        cmocka_unit_test_setup(test_irouter_without_a_matching_vcpu_keeps_the_target, setup),
        cmocka_unit_test_setup(test_irouter_of_unowned_or_private_intids_is_raz_wi, setup),
        cmocka_unit_test_setup(test_irouter_32bit_accesses_reach_each_half, setup),
        cmocka_unit_test_setup(test_gicd_malformed_accesses_are_rejected, setup),
        cmocka_unit_test_setup(test_gicr_typer_gives_affinity_processor_number_and_last, setup),
        cmocka_unit_test_setup(test_gicr_waker_reports_children_asleep_with_processor_sleep, setup),
        cmocka_unit_test_setup(test_gicr_ctlr_iidr_pidr2_and_unsupported_offsets, setup),
        cmocka_unit_test_setup(test_gicr_frames_beyond_the_last_vcpu_are_raz_wi, setup),
        cmocka_unit_test_setup(test_gicr_sgi_frame_banks_are_per_vcpu_and_owned_only, setup),
        cmocka_unit_test_setup(test_gicr_malformed_accesses_are_rejected, setup),
        cmocka_unit_test_setup(test_hw_interrupt_enters_a_list_register_with_hw_bit_group_and_priority, setup),
        cmocka_unit_test_setup(test_timer_ppi_enters_with_the_hw_bit_to_its_own_vcpu, setup),
        cmocka_unit_test_setup(test_flush_skips_disabled_ungrouped_and_other_vcpus_interrupts, setup),
        cmocka_unit_test_setup(test_pending_interrupt_moved_into_an_enabled_group_is_delivered, setup),
        cmocka_unit_test_setup(test_group_change_of_a_pending_interrupt_kicks_its_vcpu, setup),
        cmocka_unit_test_setup(test_flush_fills_best_priority_first_and_asks_for_npie_on_overflow, setup),
        cmocka_unit_test_setup(test_flush_evicts_the_lowest_priority_pending_lr_for_a_better_one, setup),
        cmocka_unit_test_setup(test_flush_never_evicts_active_or_better_lrs, setup),
        cmocka_unit_test_setup(test_lr_sync_keeps_active_lrs_and_frees_completed_ones, setup),
        cmocka_unit_test_setup(test_pending_again_while_active_becomes_pending_and_active_in_its_lr, setup),
        cmocka_unit_test_setup(test_edge_while_pending_in_its_lr_coalesces, setup),
        cmocka_unit_test_setup(test_hw_interrupt_pending_again_while_active_waits_for_its_eoi, setup),
        cmocka_unit_test_setup(test_level_source_still_asserted_is_pending_again_after_eoi, setup),
        cmocka_unit_test_setup(test_level_source_dropped_before_ack_is_withdrawn, setup),
        cmocka_unit_test_setup(test_emulated_level_interrupt_with_its_line_low_is_withdrawn, setup),
        cmocka_unit_test_setup(test_disabled_pending_hw_lr_is_withdrawn_and_deactivated, setup),
        cmocka_unit_test_setup(test_disabled_then_repended_lr_is_still_withdrawn, setup),
        cmocka_unit_test_setup(test_sgi_disabled_while_pending_in_its_lr_stays_pending_until_enabled, setup),
        cmocka_unit_test_setup(test_cleared_pending_lr_is_withdrawn, setup),
        cmocka_unit_test_setup(test_reenabling_an_enabled_interrupt_changes_nothing, setup),
        cmocka_unit_test_setup(test_list_registers_beyond_16_are_never_used, setup),
        cmocka_unit_test_setup(test_inject_of_an_unowned_intid_is_dropped, setup),
        cmocka_unit_test_setup(test_set_level_kicks_the_target_only_when_the_line_changes, setup),
        cmocka_unit_test_setup(test_spi_target_is_vcpu0_for_unowned_and_private_intids, setup),
        cmocka_unit_test_setup(test_sgi_target_list_selects_vcpus_by_aff0, setup),
        cmocka_unit_test_setup(test_sgi_upper_affinity_and_range_selector_must_match, setup),
        cmocka_unit_test_setup(test_sgi_irm_is_res0_because_the_vgic_reports_no1n, setup),
        cmocka_unit_test_setup(test_send_sgi_pends_on_named_vcpus_only_and_kicks_other_cpus, setup),
        cmocka_unit_test_setup(test_inject_kicks_only_a_vcpu_on_another_cpu, setup),
        cmocka_unit_test_setup(test_init_resets_state_and_ownership, setup),
        cmocka_unit_test_setup(test_first_init_of_a_cleared_state_does_not_clear_it_again, setup),
        cmocka_unit_test_setup(test_timer_fast_value_is_published_only_while_enabled_group_on_and_not_pending, setup),
        cmocka_unit_test_setup(test_sgi_fast_value_is_published_only_while_enabled_group1_on_and_not_pending, setup),
        cmocka_unit_test_setup(test_sgi_to_another_vcpu_goes_into_its_inbox_and_its_kick_into_a_free_lr, setup),
        cmocka_unit_test_setup(test_kick_takes_the_c_path_unless_it_brings_one_deliverable_sgi, setup),
        cmocka_unit_test_setup(test_redistributor_access_takes_the_inbox_first, setup),
        cmocka_unit_test_setup(test_doorbell_spi_is_posted_and_its_kick_puts_it_into_a_free_lr, setup),
        cmocka_unit_test_setup(test_spi_is_posted_only_when_it_can_be_delivered_at_once, setup),
        cmocka_unit_test_setup(test_one_spi_is_posted_per_vcpu_and_never_beside_another_vcpus_list_register, setup),
        cmocka_unit_test_setup(test_distributor_access_takes_a_posted_spi_back_and_shows_a_delivered_one, setup),
        cmocka_unit_test_setup(test_stopping_a_vcpu_keeps_its_posted_spi_pending_for_its_return, setup),
        cmocka_unit_test_setup(test_a_spi_posted_after_the_flush_emptied_the_word_is_taken_by_that_flush, setup),
        cmocka_unit_test_setup(test_vector_fills_an_empty_lr_and_the_vgic_takes_it_into_its_state, setup),
        cmocka_unit_test_setup(test_vector_reuses_an_lr_the_vgic_has_not_collected_and_the_vgic_releases_it, setup),
        cmocka_unit_test_setup(test_vector_leaves_the_timer_to_c_while_news_or_no_empty_lr, setup),
        cmocka_unit_test_setup(test_stop_takes_the_vector_filled_timer_lr_and_deactivates_it, setup),
        cmocka_unit_test_setup(test_flush_republishes_the_fast_value_when_the_timer_state_changes, setup),
    };

    return cmocka_run_group_tests_name("vgic", tests, NULL, NULL);
}
