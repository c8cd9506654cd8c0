/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of kernel/core/trap.c: syndrome decoding and the partition fault policy. */
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
#include "septum/hvc_abi.h"
#include "trap.h"
#include "vcpu.h"
#include "vgic_priv.h"

#define EC(x) ((uint64_t)(x) << ESR_EC_SHIFT)
#define IL (1ull << 25)
/* Data-abort ISS (Arm ARM D17.2.40): ISV, SAS, SSE, SRT, SF, WnR; DFSC 0x07 = translation fault level 3. */
#define ISV (1ull << 24)
#define SAS(log2) ((uint64_t)(log2) << 22)
#define SSE (1ull << 21)
#define SRT(n) ((uint64_t)(n) << 16)
#define SF (1ull << 15)
#define WNR (1ull << 6)
#define DFSC_L3 0x7u
/* Trapped MSR/MRS ISS (D17.2.44): Op0, Op2, Op1, CRn, Rt, CRm, Direction (1 = read). */
#define SYSREG(op0, op1, crn, crm, op2, rt)                                                                       \
    (EC(ESR_EC_SYSREG) | IL | ((uint64_t)(op0) << 20) | ((uint64_t)(op2) << 17) | ((uint64_t)(op1) << 14) | \
     ((uint64_t)(crn) << 10) | ((uint64_t)(rt) << 5) | ((uint64_t)(crm) << 1))
#define SYSREG_READ 1ull
#define ICC_SGI1R(rt) SYSREG(3u, 0u, 12u, 11u, 5u, rt)
#define ICC_ASGI1R(rt) SYSREG(3u, 0u, 12u, 11u, 6u, rt)
#define ICC_SGI0R(rt) SYSREG(3u, 0u, 12u, 11u, 7u, rt)
/* alpha's distributor window and some of its registers. */
#define GICD 0x8000000u
#define T_GICD_CTLR 0x0u
#define T_GICD_TYPER 0x4u
#define T_GICD_IPRIORITYR(n) (0x400u + (n))
#define T_GICD_IROUTER(n) (0x6000u + (8u * (n)))

static struct vcpu *alpha;
static struct vcpu *beta;

static int setup(void **state)
{
    (void)state;
    fake_reset();
    part_init_all();
    console_init();
    health_init();
    assert_true(part_load(PART_ALPHA));
    assert_true(part_load(PART_BETA));
    alpha = vcpu_get(cfg_partitions[PART_ALPHA].first_vcpu);
    beta = vcpu_get(cfg_partitions[PART_BETA].first_vcpu);
    return 0;
}

/* @req SRS-HVC-001 */
static void test_hvc_is_handled_and_resumes(void **state)
{
    struct trap_info t = { EC(ESR_EC_HVC64) | IL, 0u, 0u };

    (void)state;
    alpha->regs.pc = 0x40400104u;
    alpha->regs.x[0] = SEPTUM_HVC_VERSION;
    assert_int_equal(trap_sync(alpha, &t), TRAP_RESUME);
    assert_int_equal(alpha->regs.x[0], (SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR);
    assert_int_equal(alpha->regs.pc, 0x40400104u);
}

/* @req SRS-HVC-001 */
static void test_trapped_smc_skips_the_instruction(void **state)
{
    struct trap_info t = { EC(ESR_EC_SMC64) | IL, 0u, 0u };
    struct trap_info t16 = { EC(ESR_EC_SMC64), 0u, 0u };

    (void)state;
    alpha->regs.pc = 0x40400100u;
    alpha->regs.x[0] = 0x82000000u;
    assert_int_equal(trap_sync(alpha, &t), TRAP_RESUME);
    assert_int_equal(alpha->regs.pc, 0x40400104u);
    assert_int_equal((int64_t)alpha->regs.x[0], SMCCC_NOT_SUPPORTED);
    assert_int_equal(trap_sync(alpha, &t16), TRAP_RESUME);
    assert_int_equal(alpha->regs.pc, 0x40400106u);
}

/* @req SRS-ISO-004 */
static void test_data_abort_halts_only_the_faulting_partition(void **state)
{
    /* Translation fault level 1, read, IPA 0x40500010. */
    struct trap_info t = { EC(ESR_EC_DABT_LOW) | IL | 0x5u, 0x40500010u, 0x40500u << 4 };

    (void)state;
    assert_int_equal(trap_sync(alpha, &t), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_int_equal(alpha->state, VCPU_HALTED);
    assert_int_equal(part_get(PART_ALPHA)->faults, 1u);
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
    assert_int_equal(beta->state, VCPU_RUNNING);
    assert_string_equal(fake_console, "[septum] partition 'alpha' fault: data abort, translation fault level 1, "
                                      "read at IPA 0x40500010 (ESR 0x92000005) \xe2\x80\x94 halted\r\n");
}

/* @req SRS-ISO-004 */
static void test_write_permission_fault_is_described(void **state)
{
    struct trap_info t = { EC(ESR_EC_DABT_LOW) | IL | (1u << 6) | 0xfu, 0x80000008u, 0x80000u << 4 };

    (void)state;
    /* beta injects its first two aborts into the guest (on_fault: inject), then restarts. */
    assert_int_equal(trap_sync(beta, &t), TRAP_RESUME);
    assert_int_equal(trap_sync(beta, &t), TRAP_RESUME);
    assert_int_equal(trap_sync(beta, &t), TRAP_STOP);
    assert_non_null(strstr(fake_console, "[septum] partition 'beta' fault: data abort, permission fault level 3, "
                                         "write at IPA 0x80000008"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_RESTARTING);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
}

/* @req SRS-ISO-004 */
static void test_instruction_abort_and_other_classes_fault(void **state)
{
    struct trap_info iabt = { EC(ESR_EC_IABT_LOW) | IL | 0x9u, 0x90000000u, 0x90000u << 4 };
    struct trap_info sysreg = { EC(ESR_EC_SYSREG) | IL, 0u, 0u };
    char buf[96];

    (void)state;
    trap_describe_fault(&iabt, buf, sizeof(buf));
    assert_string_equal(buf, "instruction abort, access flag fault level 1");
    trap_describe_fault(&sysreg, buf, sizeof(buf));
    assert_string_equal(buf, "unhandled exception class 0x18");
    iabt.esr = EC(ESR_EC_IABT_LOW) | 0x10u; /* synchronous external abort */
    trap_describe_fault(&iabt, buf, sizeof(buf));
    assert_string_equal(buf, "instruction abort, abort level 0");

    alpha->regs.pc = 0x40400200u;
    assert_int_equal(trap_sync(alpha, &sysreg), TRAP_STOP);
    assert_string_equal(fake_console, "[septum] partition 'alpha' fault: unhandled exception class 0x18 at PC "
                                      "0x40400200 (ESR 0x62000000) \xe2\x80\x94 halted\r\n");
}

/* @req SRS-ISO-004 */
static void test_serror_is_a_partition_fault(void **state)
{
    (void)state;
    assert_int_equal(trap_serror(alpha, EC(0x2fu)), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_non_null(strstr(fake_console, "partition 'alpha' fault: unhandled exception class 0x2f"));
}

static void test_fault_ipa_combines_hpfar_and_far(void **state)
{
    struct trap_info t = { 0u, 0xffff000012345abcull, 0x0000000000abcde0ull };

    (void)state;
    assert_int_equal(trap_fault_ipa(&t), 0xabcde000ull | 0xabcu);
}

/* A data abort of an access to ipa with the given ISS bits. */
static struct trap_info dabt(uint64_t ipa, uint64_t iss)
{
    struct trap_info t = { EC(ESR_EC_DABT_LOW) | IL | iss | DFSC_L3, 0xffff000000000000ull | ipa,
                           (ipa >> 12) << 4 };

    return t;
}

/* Run one trapped access of alpha and check that it resumed after the instruction. */
static void alpha_mmio(uint64_t ipa, uint64_t iss)
{
    struct trap_info t = dabt(ipa, iss);
    uint64_t pc = alpha->regs.pc;

    assert_int_equal(trap_sync(alpha, &t), TRAP_RESUME);
    assert_int_equal(alpha->regs.pc, pc + 4u);
}

static bool trap_test_sink(uint32_t p, int c)
{
    (void)p;
    (void)c;
    return true;
}

/* @req SRS-CON-003 */
static void test_exit_sends_its_cpus_queued_console_line_and_nothing_when_none(void **state)
{
    (void)state;
    fake_cpu = 0u;
    assert_int_equal(trap_exit_done(alpha, TRAP_RESUME), TRAP_RESUME);
    assert_int_equal(fake_console_len, 0u);
    console_part_write(PART_ALPHA, "x\n", 2u);
    assert_int_equal(trap_exit_done(alpha, TRAP_RESUME), TRAP_RESUME);
    assert_string_equal(fake_console, "[alpha] x\r\n");
    /* Nothing queued, but a person typed to the focus (alpha): its unfinished line is echoed. */
    console_set_input(trap_test_sink);
    console_input('k');
    console_part_write(PART_ALPHA, "ab", 2u);
    assert_int_equal(trap_exit_done(alpha, TRAP_RESUME), TRAP_RESUME);
    assert_string_equal(fake_console, "[alpha] x\r\n[alpha] ab");
}

/* @req SRS-VDEV-001 */
static void test_light_step_takes_mmio_only_through_registers_it_saved(void **state)
{
    (void)state;
    /* x0-x19, x30 and xzr: saved by the light step (vectors.S). */
    assert_true(trap_dabt_light(dabt(GICD, ISV | SAS(2u) | SRT(0u)).esr));
    assert_true(trap_dabt_light(dabt(GICD, ISV | SAS(2u) | SRT(19u) | WNR).esr));
    assert_true(trap_dabt_light(dabt(GICD, ISV | SAS(2u) | SRT(30u)).esr));
    assert_true(trap_dabt_light(dabt(GICD, ISV | SAS(2u) | SRT(31u) | WNR).esr));
    /* x20-x29 are only saved by the full step. */
    assert_false(trap_dabt_light(dabt(GICD, ISV | SAS(2u) | SRT(20u)).esr));
    assert_false(trap_dabt_light(dabt(GICD, ISV | SAS(2u) | SRT(29u) | WNR).esr));
    /* No syndrome: a fault, the full step. */
    assert_false(trap_dabt_light(dabt(GICD, SAS(2u) | SRT(3u)).esr));
}

/* @req SRS-VDEV-001 */
static void test_light_step_of_a_data_abort_emulates_and_finishes_the_exit(void **state)
{
    struct trap_info t = dabt(GICD + T_GICD_TYPER, ISV | SAS(2u) | SRT(3u));
    struct trap_info x20 = dabt(GICD + T_GICD_TYPER, ISV | SAS(2u) | SRT(20u));
    struct trap_info hole = dabt(0x30000000u, ISV | SAS(2u) | SRT(3u));
    uint64_t pc = alpha->regs.pc;

    (void)state;
    /* Through x20: nothing done, the full step takes it. */
    alpha->regs.x[20] = 0x55u;
    assert_int_equal(trap_dabt_exit(alpha, x20.esr, x20.far, x20.hpfar), TRAP_FULL);
    assert_int_equal(alpha->regs.pc, pc);
    assert_int_equal(alpha->regs.x[20], 0x55u);
    /* Through x3: emulated as trap_sync() does, the exit finished, resumed after the load. */
    alpha->regs.x[3] = ~0ull;
    assert_int_equal(trap_dabt_exit(alpha, t.esr, t.far, t.hpfar), TRAP_RESUME);
    assert_int_equal(alpha->regs.pc, pc + 4u);
    assert_int_equal(alpha->regs.x[3], 0x02480001u);
    /* Outside every window: a fault of the partition, the exit stops it. */
    assert_int_equal(trap_dabt_exit(alpha, hole.esr, hole.far, hole.hpfar), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
}

/* @req SRS-VDEV-001 */
static void test_mmio_load_fills_its_register_zero_extended(void **state)
{
    (void)state;
    alpha->regs.x[3] = UINT64_MAX;
    alpha_mmio(GICD + T_GICD_TYPER, ISV | SAS(2u) | SRT(3u));
    assert_int_equal(alpha->regs.x[3], 0x02480001u);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_STARTING);
    assert_int_equal(part_get(PART_ALPHA)->faults, 0u);
}

/* @req SRS-VDEV-001 */
static void test_mmio_store_takes_only_the_access_size_from_its_register(void **state)
{
    (void)state;
    /* STR W4 of 0xffffffff_00000002: the distributor sees 2. */
    alpha->regs.x[4] = 0xffffffff00000002ull;
    alpha_mmio(GICD + T_GICD_CTLR, ISV | SAS(2u) | SRT(4u) | WNR);
    assert_int_equal(vgic_get(PART_ALPHA)->ctlr, 2u);
    /* STRB W5 of 0x1234: the byte 0x34. */
    alpha->regs.x[5] = 0x1234u;
    alpha_mmio(GICD + T_GICD_IPRIORITYR(40u), ISV | SAS(0u) | SRT(5u) | WNR);
    assert_int_equal(vgic_get(PART_ALPHA)->spi[40u - 32u].priority, 0x34u);
    /* STR X6: all 64 bits (IROUTER Aff3 is bits [39:32]). */
    alpha->regs.x[6] = 0x1200000000ull;
    alpha_mmio(GICD + T_GICD_IROUTER(40u), ISV | SAS(3u) | SRT(6u) | WNR | SF);
    assert_int_equal(vgic_get(PART_ALPHA)->spi[40u - 32u].irouter, 0x1200000000ull);
    /* STR WZR: register 31 is the zero register, not x30. */
    alpha->regs.x[30] = 3u;
    alpha_mmio(GICD + T_GICD_CTLR, ISV | SAS(2u) | SRT(31u) | WNR);
    assert_int_equal(vgic_get(PART_ALPHA)->ctlr, 0u);
}

/* @req SRS-VDEV-001 */
static void test_mmio_signed_loads_are_sign_extended_to_w_or_x(void **state)
{
    (void)state;
    vgic_get(PART_ALPHA)->spi[40u - 32u].priority = 0x90u;
    vgic_get(PART_ALPHA)->spi[40u - 32u].irouter = 0x80000000u;
    /* LDRSB X6, LDRSB W7, LDRB W8. */
    alpha_mmio(GICD + T_GICD_IPRIORITYR(40u), ISV | SAS(0u) | SSE | SF | SRT(6u));
    assert_int_equal(alpha->regs.x[6], 0xffffffffffffff90ull);
    alpha_mmio(GICD + T_GICD_IPRIORITYR(40u), ISV | SAS(0u) | SSE | SRT(7u));
    assert_int_equal(alpha->regs.x[7], 0xffffff90u);
    alpha_mmio(GICD + T_GICD_IPRIORITYR(40u), ISV | SAS(0u) | SRT(8u));
    assert_int_equal(alpha->regs.x[8], 0x90u);
    /* LDRSW X9 of IROUTER's low word (bit 31 = IRM), and LDR X10 of all of it. */
    alpha_mmio(GICD + T_GICD_IROUTER(40u), ISV | SAS(2u) | SSE | SF | SRT(9u));
    assert_int_equal(alpha->regs.x[9], 0xffffffff80000000ull);
    alpha_mmio(GICD + T_GICD_IROUTER(40u), ISV | SAS(3u) | SSE | SF | SRT(10u));
    assert_int_equal(alpha->regs.x[10], 0x80000000u);
}

/* @req SRS-VDEV-001 */
static void test_mmio_load_into_xzr_changes_no_register(void **state)
{
    struct vcpu_regs before;

    (void)state;
    alpha->regs.x[30] = 0x3030u;
    before = alpha->regs;
    alpha_mmio(GICD + T_GICD_TYPER, ISV | SAS(2u) | SRT(31u));
    before.pc += 4u;
    assert_memory_equal(&alpha->regs, &before, sizeof(before));
}

/* @req SRS-VDEV-001 */
static void test_mmio_without_syndrome_is_a_partition_fault(void **state)
{
    struct trap_info t = dabt(GICD + T_GICD_TYPER, SAS(2u) | SRT(3u));

    (void)state;
    alpha->regs.x[3] = 7u;
    assert_int_equal(trap_sync(alpha, &t), TRAP_STOP);
    assert_int_equal(alpha->regs.x[3], 7u);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_int_equal(part_get(PART_ALPHA)->faults, 1u);
    assert_non_null(strstr(fake_console, "partition 'alpha' fault: data abort, translation fault level 3, read at "
                                         "IPA 0x8000004"));
    assert_int_equal(part_get(PART_BETA)->state, PART_STATE_STARTING);
}

/* @req SRS-VDEV-001 */
static void test_mmio_outside_every_window_is_a_partition_fault(void **state)
{
    struct trap_info t = dabt(0x7000000u, ISV | SAS(2u) | SRT(3u) | WNR);

    (void)state;
    assert_int_equal(trap_sync(alpha, &t), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_non_null(strstr(fake_console, "write at IPA 0x7000000"));
}

/* @req SRS-VDEV-001 */
static void test_mmio_rejected_by_the_device_is_a_partition_fault(void **state)
{
    /* A halfword access to the distributor. */
    struct trap_info t = dabt(GICD + T_GICD_CTLR, ISV | SAS(1u) | SRT(3u) | WNR);

    (void)state;
    alpha->regs.x[3] = 3u;
    assert_int_equal(trap_sync(alpha, &t), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_int_equal(vgic_get(PART_ALPHA)->ctlr, 0u);
}

/* @req SRS-IRQ-003 */
static void test_sgi_register_writes_reach_the_named_vcpus_of_the_partition(void **state)
{
    struct vcpu *beta1 = vcpu_get(cfg_partitions[PART_BETA].first_vcpu + 1u);
    struct trap_info t = { ICC_SGI1R(5u), 0u, 0u };
    struct trap_info ta = { ICC_ASGI1R(6u), 0u, 0u };
    struct trap_info t0 = { ICC_SGI0R(7u), 0u, 0u };

    (void)state;
    fake_cpu = 2u;
    fake_num_sgis = 0u;
    /* SGI1R / ASGI1R raise group-1 SGIs: 3 and 4 are group 1 (3 enabled on vCPU 1); 5 stays group 0. */
    vgic_get(PART_BETA)->vcpu[1].priv[3].group1 = true;
    vgic_get(PART_BETA)->vcpu[1].priv[3].enabled = true;
    vgic_get(PART_BETA)->vcpu[0].priv[4].group1 = true;
    beta->regs.pc = 0x40800000u;
    beta->regs.x[5] = (3ull << 24) | 0x2u;
    assert_int_equal(trap_sync(beta, &t), TRAP_RESUME);
    assert_int_equal(beta->regs.pc, 0x40800004u);
    /* Another vCPU's group-1 SGI waits in its inbox (its changed word) until its flush. */
    assert_int_equal(vgic_changed[beta1->id], 1u << 3);
    vgic_flush(PART_BETA, 1u);
    assert_int_equal(vgic_changed[beta1->id], 0u);
    assert_true(vgic_get(PART_BETA)->vcpu[1].priv[3].pending);
    assert_false(vgic_get(PART_BETA)->vcpu[0].priv[3].pending);
    assert_false(vgic_get(PART_ALPHA)->vcpu[0].priv[3].pending);
    assert_int_equal(fake_num_sgis, 1u);
    assert_int_equal(fake_sgi_cpu[0], 3u);
    /* ASGI1R and SGI0R are SGI writes too; SGI0R of a group-1 SGI is not delivered. */
    beta->regs.x[6] = (4ull << 24) | 0x1u;
    assert_int_equal(trap_sync(beta, &ta), TRAP_RESUME);
    assert_true(vgic_get(PART_BETA)->vcpu[0].priv[4].pending);
    beta1->regs.x[7] = (5ull << 24) | 0x1u;
    assert_int_equal(trap_sync(beta1, &t0), TRAP_RESUME);
    assert_true(vgic_get(PART_BETA)->vcpu[0].priv[5].pending);
    assert_false(vgic_get(PART_BETA)->vcpu[1].priv[5].pending);
    beta1->regs.x[7] = (4ull << 24) | 0x1u;
    vgic_get(PART_BETA)->vcpu[0].priv[4].pending = false;
    assert_int_equal(trap_sync(beta1, &t0), TRAP_RESUME);
    assert_false(vgic_get(PART_BETA)->vcpu[0].priv[4].pending);
}

/* @req SRS-IRQ-003 */
static void test_sgi_register_write_of_xzr_names_nobody(void **state)
{
    struct trap_info t = { ICC_SGI1R(31u), 0u, 0u };

    (void)state;
    beta->regs.x[30] = (1ull << 24) | 0x3u;
    assert_int_equal(trap_sync(beta, &t), TRAP_RESUME);
    assert_false(vgic_get(PART_BETA)->vcpu[0].priv[1].pending);
    assert_false(vgic_get(PART_BETA)->vcpu[1].priv[1].pending);
    assert_false(vgic_get(PART_BETA)->vcpu[0].priv[0].pending);
}

/* @req SRS-ISO-004 */
static void test_other_system_register_traps_are_partition_faults(void **state)
{
    struct trap_info rd = { ICC_SGI1R(5u) | SYSREG_READ, 0u, 0u };
    /* CNTP_CTL_EL0 written. */
    struct trap_info other = { SYSREG(3u, 3u, 14u, 2u, 1u, 5u), 0u, 0u };

    (void)state;
    assert_int_equal(trap_sync(alpha, &rd), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->state, PART_STATE_HALTED);
    assert_false(vgic_get(PART_ALPHA)->vcpu[0].priv[0].pending);
    assert_true(part_load(PART_ALPHA));
    assert_int_equal(trap_sync(alpha, &other), TRAP_STOP);
    assert_int_equal(part_get(PART_ALPHA)->faults, 2u);
}

/* @req SRS-ISO-005 */
static void test_set_way_maintenance_becomes_bounded_by_address_maintenance_of_own_memory(void **state)
{
    struct trap_info cisw = { SYSREG(1u, 0u, 7u, 14u, 2u, 3u), 0u, 0u };
    struct trap_info isw = { SYSREG(1u, 0u, 7u, 6u, 2u, 3u), 0u, 0u };
    struct trap_info csw = { SYSREG(1u, 0u, 7u, 10u, 2u, 3u), 0u, 0u };
    const struct cfg_partition *cp = &cfg_partitions[PART_ALPHA];
    uint64_t total = 0u;
    uint32_t ops = 0u;
    uint32_t i;

    (void)state;
    for (i = 0u; i < cp->num_regions; i++) {
        total += cfg_regions[cp->first_region + i].size;
    }
    alpha->regs.pc = 0x40400000u;
    assert_int_equal(trap_sync(alpha, &cisw), TRAP_RESUME);
    assert_int_equal(alpha->regs.pc, 0x40400004u);
    /* One slice of alpha's first region, by address; never a global flush. */
    assert_int_equal(fake_cleans, 1u);
    assert_int_equal(fake_clean_bytes, TRAP_SW_SLICE);
    assert_int_equal(fake_clean_pa, cfg_regions[cp->first_region].pa);
    assert_int_equal(trap_sync(alpha, &isw), TRAP_RESUME);
    assert_int_equal(trap_sync(alpha, &csw), TRAP_RESUME);
    assert_int_equal(fake_clean_pa, cfg_regions[cp->first_region].pa + (2u * TRAP_SW_SLICE));
    /* A sweep of set/way operations sweeps alpha's memory, every exit bounded by a slice. */
    ops = 3u;
    while (fake_clean_bytes < total) {
        uint64_t before = fake_clean_bytes;

        assert_int_equal(trap_sync(alpha, &cisw), TRAP_RESUME);
        assert_true((fake_clean_bytes - before) <= TRAP_SW_SLICE);
        assert_true(fake_clean_pa >= cfg_regions[cp->first_region].pa);
        ops++;
        assert_true(ops < 1000u);
    }
    assert_int_equal(fake_clean_bytes, total);
    /* ... then it starts again at the first region. */
    assert_int_equal(trap_sync(alpha, &cisw), TRAP_RESUME);
    assert_int_equal(fake_clean_pa, cfg_regions[cp->first_region].pa);
    assert_int_equal(part_get(PART_ALPHA)->faults, 0u);
}

/* @req SRS-ISO-005 */
static void test_actlr_el1_reads_as_zero_and_ignores_writes(void **state)
{
    struct trap_info rd = { SYSREG(3u, 0u, 1u, 0u, 1u, 4u) | SYSREG_READ, 0u, 0u };
    struct trap_info wr = { SYSREG(3u, 0u, 1u, 0u, 1u, 4u), 0u, 0u };
    struct trap_info rd_xzr = { SYSREG(3u, 0u, 1u, 0u, 1u, 31u) | SYSREG_READ, 0u, 0u };

    (void)state;
    alpha->regs.x[4] = 0xffffu;
    assert_int_equal(trap_sync(alpha, &wr), TRAP_RESUME);
    assert_int_equal(trap_sync(alpha, &rd), TRAP_RESUME);
    assert_int_equal(alpha->regs.x[4], 0u);
    assert_int_equal(trap_sync(alpha, &rd_xzr), TRAP_RESUME);
    assert_int_equal(part_get(PART_ALPHA)->faults, 0u);
    /* A set/way "read" does not exist: a fault. */
    {
        struct trap_info bad = { SYSREG(1u, 0u, 7u, 14u, 2u, 3u) | SYSREG_READ, 0u, 0u };

        assert_int_equal(trap_sync(alpha, &bad), TRAP_STOP);
        assert_int_equal(fake_cleans, 0u);
    }
}

/* One encoding of a trapped MSR/MRS and whether it is a debug or PMU register. */
struct dbg_pmu_case {
    uint32_t op0, op1, crn, crm, op2;
    bool debug_pmu;
};

/* @req SRS-SCHED-007 */
static void test_debug_and_pmu_registers_read_as_zero_and_ignore_writes_everything_else_faults(void **state)
{
    static const struct dbg_pmu_case cases[] = {
        {2u, 0u, 0u, 2u, 2u, true},    /* MDSCR_EL1 (op0 2: the debug space) */
        {2u, 0u, 0u, 0u, 5u, true},    /* DBGBCR0_EL1 */
        {2u, 0u, 1u, 0u, 4u, true},    /* OSLAR_EL1 (TDOSA) */
        {2u, 0u, 1u, 0u, 0u, true},    /* MDRAR_EL1 (TDRA) */
        {3u, 3u, 9u, 12u, 0u, true},   /* PMCR_EL0 */
        {3u, 3u, 9u, 13u, 0u, true},   /* PMCCNTR_EL0 */
        {3u, 3u, 9u, 14u, 0u, true},   /* PMUSERENR_EL0 */
        {3u, 0u, 9u, 14u, 1u, true},   /* PMINTENSET_EL1 */
        {3u, 3u, 14u, 8u, 0u, true},   /* PMEVCNTR0_EL0 */
        {3u, 3u, 14u, 15u, 7u, true},  /* PMCCFILTR_EL0 */
        {3u, 0u, 9u, 12u, 0u, false},  /* op1 0, CRm 12: not the PMU */
        {3u, 4u, 9u, 14u, 0u, false},  /* op1 4 (EL2's) */
        {3u, 3u, 9u, 11u, 0u, false},  /* CRm below the PMU's */
        {3u, 3u, 9u, 15u, 0u, false},  /* CRm above the PMU's */
        {3u, 3u, 13u, 12u, 0u, false}, /* CRn 13 */
        {3u, 3u, 13u, 8u, 0u, false},  /* CRn 13, the event counters' CRm */
        {3u, 0u, 14u, 8u, 0u, false},  /* CRn 14 at op1 0 */
        {3u, 3u, 14u, 2u, 1u, false},  /* CNTP_CTL_EL0: the timer, not the PMU */
        {1u, 0u, 7u, 5u, 0u, false},   /* op0 1: a system instruction */
    };
    uint32_t i;

    (void)state;
    for (i = 0u; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct dbg_pmu_case *c = &cases[i];
        struct trap_info rd = { SYSREG(c->op0, c->op1, c->crn, c->crm, c->op2, 7u) | SYSREG_READ, 0u, 0u };
        struct trap_info wr = { SYSREG(c->op0, c->op1, c->crn, c->crm, c->op2, 7u), 0u, 0u };
        struct trap_info rd_xzr = { SYSREG(c->op0, c->op1, c->crn, c->crm, c->op2, 31u) | SYSREG_READ, 0u, 0u };

        assert_true(part_load(PART_ALPHA));
        alpha->regs.pc = 0x40400000u;
        alpha->regs.x[7] = 0x1234u;
        if (c->debug_pmu) {
            /* A write changes nothing, a read gives zero; each goes on after the instruction. */
            assert_int_equal(trap_sync(alpha, &wr), TRAP_RESUME);
            assert_int_equal(alpha->regs.x[7], 0x1234u);
            assert_int_equal(trap_sync(alpha, &rd), TRAP_RESUME);
            assert_int_equal(alpha->regs.x[7], 0u);
            assert_int_equal(trap_sync(alpha, &rd_xzr), TRAP_RESUME);
            assert_int_equal(alpha->regs.pc, 0x40400000u + 12u);
            assert_int_equal(part_get(PART_ALPHA)->faults, 0u);
        } else {
            uint32_t before = part_get(PART_ALPHA)->faults;

            assert_int_equal(trap_sync(alpha, &rd), TRAP_STOP);
            assert_int_equal(part_get(PART_ALPHA)->faults, before + 1u);
        }
    }
}

/* @req SRS-ISO-004 */
static void test_instruction_abort_and_unknown_class_from_the_guest_are_faults(void **state)
{
    struct trap_info iabt = { EC(ESR_EC_IABT_LOW) | IL | 0x6u, 0x90000123u, 0x90000u << 4 };
    struct trap_info unknown = { EC(ESR_EC_UNKNOWN) | IL, 0u, 0u };

    (void)state;
    assert_int_equal(trap_sync(alpha, &iabt), TRAP_STOP);
    assert_non_null(strstr(fake_console, "partition 'alpha' fault: instruction abort, translation fault level 2 at "
                                         "IPA 0x90000123"));
    assert_true(part_load(PART_ALPHA));
    alpha->regs.pc = 0x40400300u;
    assert_int_equal(trap_sync(alpha, &unknown), TRAP_STOP);
    assert_non_null(strstr(fake_console, "unhandled exception class 0x0 at PC 0x40400300"));
    assert_int_equal(part_get(PART_ALPHA)->faults, 2u);
    assert_int_equal(part_get(PART_BETA)->faults, 0u);
}

/* @req SRS-IRQ-002 */
static void test_exit_done_flushes_list_registers_only_of_a_running_vcpu(void **state)
{
    struct mmio_access en = { 0x10100u, 4u, true, 1u };
    struct mmio_access grp = { 0x0u, 4u, true, 1u };

    (void)state;
    assert_true(vgic_redist_mmio(PART_ALPHA, &en));
    assert_true(vgic_dist_mmio(PART_ALPHA, &grp));
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    assert_int_equal(trap_exit_done(alpha, TRAP_STOP), TRAP_STOP);
    assert_int_equal(fake_lrs[0], 0u);
    alpha->state = VCPU_OFF;
    assert_int_equal(trap_exit_done(alpha, TRAP_RESUME), TRAP_STOP);
    assert_int_equal(fake_lrs[0], 0u);
    alpha->state = VCPU_RUNNING;
    assert_int_equal(trap_exit_done(alpha, TRAP_RESUME), TRAP_RESUME);
    assert_int_equal(fake_lrs[0] & 0xffffffffu, 0u);
    assert_int_equal(fake_lrs[0] >> 62, 1u);
    /* Nothing changed since that flush: the next exit leaves the list registers and the
     * maintenance interrupts alone (both requested at once is a state no flush leaves). */
    fake_npie = true;
    fake_uie = true;
    assert_int_equal(trap_exit_done(alpha, TRAP_RESUME), TRAP_RESUME);
    assert_true(fake_npie && fake_uie);
    assert_int_equal(fake_lrs[0] >> 62, 1u);
    /* The interrupt raised again: news, flushed again. */
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    assert_int_equal(trap_exit_done(alpha, TRAP_RESUME), TRAP_RESUME);
    assert_false(fake_npie && fake_uie);
}

/* Each thing an exit may have to do, seen by the data abort's light step on its own. */
/* @req SRS-VDEV-001 SRS-IRQ-002 SRS-CON-003 */
static void test_light_data_abort_exit_does_what_any_exit_does(void **state)
{
    struct mmio_access en = { 0x10100u, 4u, true, 1u };
    struct mmio_access grp = { 0x0u, 4u, true, 1u };
    struct trap_info t = dabt(GICD + T_GICD_TYPER, ISV | SAS(2u) | SRT(3u));

    (void)state;
    /* A queued console line of this CPU: sent by the exit. */
    console_part_write(PART_ALPHA, "x\n", 2u);
    assert_int_equal(trap_dabt_exit(alpha, t.esr, t.far, t.hpfar), TRAP_RESUME);
    assert_string_equal(fake_console, "[alpha] x\r\n");
    /* News for the vCPU: its list registers are filled. */
    assert_true(vgic_redist_mmio(PART_ALPHA, &en));
    assert_true(vgic_dist_mmio(PART_ALPHA, &grp));
    vgic_inject(PART_ALPHA, 0u, 0u, VGIC_EDGE, NULL);
    assert_int_equal(trap_dabt_exit(alpha, t.esr, t.far, t.hpfar), TRAP_RESUME);
    assert_int_equal(fake_lrs[0] >> 62, 1u);
    /* A vCPU no longer running: the exit stops it. */
    alpha->state = VCPU_OFF;
    assert_int_equal(trap_dabt_exit(alpha, t.esr, t.far, t.hpfar), TRAP_STOP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hvc_is_handled_and_resumes, setup),
        cmocka_unit_test_setup(test_trapped_smc_skips_the_instruction, setup),
        cmocka_unit_test_setup(test_data_abort_halts_only_the_faulting_partition, setup),
        cmocka_unit_test_setup(test_write_permission_fault_is_described, setup),
        cmocka_unit_test_setup(test_instruction_abort_and_other_classes_fault, setup),
        cmocka_unit_test_setup(test_serror_is_a_partition_fault, setup),
        cmocka_unit_test_setup(test_fault_ipa_combines_hpfar_and_far, setup),
        cmocka_unit_test_setup(test_exit_sends_its_cpus_queued_console_line_and_nothing_when_none, setup),
        cmocka_unit_test_setup(test_light_step_takes_mmio_only_through_registers_it_saved, setup),
        cmocka_unit_test_setup(test_light_step_of_a_data_abort_emulates_and_finishes_the_exit, setup),
        cmocka_unit_test_setup(test_light_data_abort_exit_does_what_any_exit_does, setup),
        cmocka_unit_test_setup(test_mmio_load_fills_its_register_zero_extended, setup),
        cmocka_unit_test_setup(test_mmio_store_takes_only_the_access_size_from_its_register, setup),
        cmocka_unit_test_setup(test_mmio_signed_loads_are_sign_extended_to_w_or_x, setup),
        cmocka_unit_test_setup(test_mmio_load_into_xzr_changes_no_register, setup),
        cmocka_unit_test_setup(test_mmio_without_syndrome_is_a_partition_fault, setup),
        cmocka_unit_test_setup(test_mmio_outside_every_window_is_a_partition_fault, setup),
        cmocka_unit_test_setup(test_mmio_rejected_by_the_device_is_a_partition_fault, setup),
        cmocka_unit_test_setup(test_sgi_register_writes_reach_the_named_vcpus_of_the_partition, setup),
        cmocka_unit_test_setup(test_sgi_register_write_of_xzr_names_nobody, setup),
        cmocka_unit_test_setup(test_other_system_register_traps_are_partition_faults, setup),
        cmocka_unit_test_setup(test_set_way_maintenance_becomes_bounded_by_address_maintenance_of_own_memory, setup),
        cmocka_unit_test_setup(test_actlr_el1_reads_as_zero_and_ignores_writes, setup),
        cmocka_unit_test_setup(test_debug_and_pmu_registers_read_as_zero_and_ignore_writes_everything_else_faults,
                               setup),
        cmocka_unit_test_setup(test_instruction_abort_and_unknown_class_from_the_guest_are_faults, setup),
        cmocka_unit_test_setup(test_exit_done_flushes_list_registers_only_of_a_running_vcpu, setup),
    };

    return cmocka_run_group_tests_name("trap", tests, NULL, NULL);
}
