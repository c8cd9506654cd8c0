/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error-path scenario (tests/integration/systems/errors.yaml): a partition that
 * misuses every interface Septum offers it and checks each answer: bad
 * hypercalls and SMCCC calls, bad PSCI calls, malformed accesses to its vGIC,
 * vUART and channel control page, run-time control of another partition, its own
 * SGIs through the list-register states (cleared, disabled and enabled again while
 * pending, raised again while active, priorities, a disabled group, more than the
 * list registers), then
 * faults past its injection budget (a restart) and a PSCI SYSTEM_RESET (a
 * second restart). One "PASS name" / "FAIL name ..." line per check, a summary
 * "errors: N passed, M failed" of the first run and "errors: done" at the
 * start of the third, after which it asks for the end of a coverage run
 * (SEPTUM_COV_DONE: an unknown hypercall, NOT_SUPPORTED, in the production
 * image) and powers off.
 */
#include "partition.h"
#include "septum.h"

/* SMCCC (Arm DEN0028) and PSCI (Arm DEN0022) function IDs. */
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffu
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0xc4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_INVALID_ADDRESS (-9)
/* Asks the coverage build to write its profile and end QEMU (verification/target-profile). */
#define SEPTUM_COV_DONE 0xc600ffffu

/* GICv3 registers (Arm IHI 0069, 12.9 and 12.11). */
#define GICD_CTLR 0x0000u
#define GICD_TYPER 0x0004u
#define GICD_IIDR 0x0008u
#define GICD_ISENABLER 0x0100u
#define GICD_IPRIORITYR 0x0400u
#define GICD_ICFGR 0x0c00u
#define GICD_IROUTER 0x6000u
#define GICD_PIDR2 0xffe8u
#define GICR_TYPER 0x0008u
#define GICR_WAKER 0x0014u
#define GICR_SGI_ISENABLER0 0x10100u
#define GICR_SGI_IPRIORITYR 0x10400u
#define GICD_IGROUPR1 0x0084u
#define GICD_ISENABLER1 0x0104u
#define GICD_ICENABLER1 0x0184u
#define GICD_ISPENDR1 0x0204u
#define GICD_ICPENDR1 0x0284u
#define GICD_ISACTIVER1 0x0304u
#define GICD_ICACTIVER1 0x0384u
#define GICR_SGI_ISPENDR0 0x10200u
#define GICR_SGI_ICFGR0 0x10c00u
#define GICR_SGI_ICFGR1 0x10c04u
/* ICC_SGI1R_EL1 fields (12.2.22): Aff1 [23:16], Aff2 [39:32], RS [47:44], Aff3 [55:48]. */
#define SGIR_AFF1(x) ((uint64_t)(x) << 16)
#define SGIR_AFF2(x) ((uint64_t)(x) << 32)
#define SGIR_RS(x) ((uint64_t)(x) << 44)
#define SGIR_AFF3(x) ((uint64_t)(x) << 48)

/* PL011 registers (Arm DDI 0183). */
#define UART_DR 0x000u
#define UART_FR 0x018u
#define UART_IMSC 0x038u
#define UART_RIS 0x03cu
#define UART_ICR 0x044u
#define UART_PERIPHID0 0xfe0u

extern char err_skip_vectors[];
extern char __ram_end[];
volatile uint64_t err_aborts;

static uint32_t passed;
static uint32_t failed;

static void check(const char *name, int64_t got, int64_t want)
{
    /* Only failures are printed: the console sends a partition's lines on its own CPU's exits, after
     * that CPU's hypervisor lines (the fault reports of the injection budget), and the run ends
     * itself soon after "errors: done" (a backlog of PASS lines made the last lines miss the end). */
    if (got == want) {
        passed++;
    } else {
        failed++;
        sp_printf("FAIL %s: got %ld, want %ld\n", name, (long)got, (long)want);
    }
}

static void check_true(const char *name, int ok)
{
    check(name, ok ? 1 : 0, 1);
}

static int64_t hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return sp_hvc(fid, a1, a2, a3).x0;
}

static int64_t smc(uint32_t fid)
{
    register uint64_t x0 __asm__("x0") = fid;

    __asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
    return (int64_t)x0;
}

/* ---- accesses that may be refused: with the skip vectors in place ---- */

static void probing(int on)
{
    uint64_t v = (uint64_t)(uintptr_t)(on ? err_skip_vectors : sp_vectors);

    __asm__ volatile("msr vbar_el1, %0\n isb" : : "r"(v) : "memory");
}

static uint32_t rd8(uint64_t a)
{
    return *(volatile uint8_t *)(uintptr_t)a;
}

static uint32_t rd16(uint64_t a)
{
    return *(volatile uint16_t *)(uintptr_t)a;
}

static uint64_t rd64(uint64_t a)
{
    return *(volatile uint64_t *)(uintptr_t)a;
}

static void wr8(uint64_t a, uint8_t v)
{
    *(volatile uint8_t *)(uintptr_t)a = v;
}

static void wr64(uint64_t a, uint64_t v)
{
    *(volatile uint64_t *)(uintptr_t)a = v;
}

/* Was the access just made refused (one abort more)? */
static int refused(uint64_t before)
{
    __asm__ volatile("dsb sy" : : : "memory");
    return err_aborts == before + 1u;
}

static void hypercalls(void)
{
    struct sp_hvc_result r;
    uint64_t outside = (uint64_t)(uintptr_t)__ram_end;
    int64_t w;

    sp_printf("errors: a byte outside ASCII (\xe9) is shown escaped\n");
    check("smccc version 1.1", hvc(SMCCC_VERSION, 0u, 0u, 0u), 0x10001);
    check("arch_features of smccc_version", hvc(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0u, 0u), 0);
    check("arch_features of psci_version", hvc(SMCCC_ARCH_FEATURES, PSCI_VERSION, 0u, 0u), 0);
    check("arch_features of a septum call on hvc", hvc(SMCCC_ARCH_FEATURES, SEPTUM_HVC_CONSOLE_WRITE, 0u, 0u), 0);
    check("arch_features of an unknown call", hvc(SMCCC_ARCH_FEATURES, 0x8000ff7fu, 0u, 0u), -1);
    sp_printf("arch_features of workaround_1 -> %ld\n", (long)hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u, 0u));
    /* Workaround calls answer as their features say (SMCCC 1.1, DEN0028, 7.5-7.6): CPU-dependent, so compared. */
    w = hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0u, 0u);
    check("workaround_3 call agrees with its features", hvc(SMCCC_ARCH_WORKAROUND_3, 0u, 0u, 0u), (w >= 0) ? 0 : -1);
    w = hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0u, 0u);
    check("workaround_1 call agrees with its features", hvc(SMCCC_ARCH_WORKAROUND_1, 0u, 0u, 0u), (w >= 0) ? 0 : -1);
    check("unknown arch call", hvc(0x8000ff7fu, 0u, 0u, 0u), -1);
    check("smc is not this partition's conduit", smc(SMCCC_VERSION), -1);
    check("psci over smc refused", smc(PSCI_VERSION), -1);
    check("septum call over smc refused", smc(SEPTUM_HVC_VERSION), -1);
    check("unknown septum call", hvc(SEPTUM_HVC_BASE + 0x7fu, 0u, 0u, 0u), -1);
    r = sp_hvc(SEPTUM_HVC_VERSION, 0u, 0u, 0u);
    check("septum version", r.x0, (int64_t)((SEPTUM_ABI_MAJOR << 16) | SEPTUM_ABI_MINOR));
    sp_printf("call count %ld, revision %ld\n", (long)hvc(SEPTUM_HVC_CALL_COUNT, 0u, 0u, 0u),
              (long)hvc(SEPTUM_HVC_REVISION, 0u, 0u, 0u));
    /* Constant answers (hypercall_answers: the HVC vector's fast path or C, the same registers). */
    r = sp_hvc(SEPTUM_HVC_CALL_UID, 0u, 0u, 0u);
    check("call uid x0", r.x0, 0x53455054);
    check("call uid x1", r.x1, 0x554d0000);
    check("call uid x2", r.x2, 0x9a1d4c3b);
    check("call uid x3", r.x3, 0x7e21f005);
    r = sp_hvc(SEPTUM_HVC_REVISION, 0u, 0u, 0u);
    check("revision minor in x1", r.x1, SEPTUM_ABI_MINOR);
    check("call count", hvc(SEPTUM_HVC_CALL_COUNT, 0u, 0u, 0u), 6);
    check("console_write outside memory", hvc(SEPTUM_HVC_CONSOLE_WRITE, outside, 8u, 0u), SMCCC_INVALID_PARAMETER);
    check("console_write wrapping", hvc(SEPTUM_HVC_CONSOLE_WRITE, UINT64_MAX - 3u, 8u, 0u), SMCCC_INVALID_PARAMETER);
    check("console_write of nothing", hvc(SEPTUM_HVC_CONSOLE_WRITE, SP_RAM_BASE, 0u, 0u), 0);
    check("heartbeat", hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u), 0);
    check("ready", hvc(SEPTUM_HVC_READY, 0u, 0u, 0u), 0);
    check("state of no partition", hvc(SEPTUM_HVC_PARTITION_STATE, 99u, 0u, 0u), SMCCC_INVALID_PARAMETER);
    r = sp_hvc(SEPTUM_HVC_PARTITION_STATE, SP_PARTITION_INDEX, 0u, 0u);
    check("own state is running", r.x0, SEPTUM_STATE_RUNNING);
    r = sp_hvc(SEPTUM_HVC_PARTITION_STATE, SP_WATCH_PROBE, 0u, 0u);
    check_true("state of the probe it watches", (r.x0 >= 0) && (r.x0 <= (int64_t)SEPTUM_STATE_STARTING));
    check("control of no partition", hvc(SEPTUM_HVC_PARTITION_CONTROL, 99u, SEPTUM_CTL_QUERY, 0u),
          SMCCC_INVALID_PARAMETER);
    check("control of itself (not its controller)",
          hvc(SEPTUM_HVC_PARTITION_CONTROL, SP_PARTITION_INDEX, SEPTUM_CTL_QUERY, 0u), SMCCC_INVALID_PARAMETER);
    check("control with an unknown operation", hvc(SEPTUM_HVC_PARTITION_CONTROL, SP_WATCH_PROBE, 9u, 0u),
          SMCCC_INVALID_PARAMETER);
    check_true("control query of the probe", hvc(SEPTUM_HVC_PARTITION_CONTROL, SP_WATCH_PROBE, SEPTUM_CTL_QUERY, 0u) >= 0);
    sp_printf("stop probe -> %ld\n", (long)hvc(SEPTUM_HVC_PARTITION_CONTROL, SP_WATCH_PROBE, SEPTUM_CTL_STOP, 0u));
    sp_printf("stop probe again -> %ld\n", (long)hvc(SEPTUM_HVC_PARTITION_CONTROL, SP_WATCH_PROBE, SEPTUM_CTL_STOP, 0u));
    sp_printf("start probe -> %ld\n", (long)hvc(SEPTUM_HVC_PARTITION_CONTROL, SP_WATCH_PROBE, SEPTUM_CTL_START, 0u));
    sp_printf("restart probe -> %ld\n",
              (long)hvc(SEPTUM_HVC_PARTITION_CONTROL, SP_WATCH_PROBE, SEPTUM_CTL_RESTART, 0u));
}

static volatile uint32_t second_done;

static void second(void)
{
    uint64_t gicr = sp_gicr_base(1u);

    /* The second vCPU's own redistributor, and a suspend that returns at once. */
    sp_printf("vcpu 1: gicr typer 0x%lx\n", (unsigned long)rd64(gicr + GICR_TYPER));
    (void)sp_psci(PSCI_CPU_SUSPEND, 0u, 0u, 0u);
    second_done = 1u;
}

/* Wait (at most 2 s) until AFFINITY_INFO says vCPU 1 is off. */
static int64_t wait_off(void)
{
    uint64_t end = sp_counter() + 2u * sp_counter_hz();
    int64_t s;

    do {
        s = sp_psci(PSCI_AFFINITY_INFO, 1u, 0u, 0u);
    } while ((s != 1) && (sp_counter() < end));
    return s;
}

static void psci(void)
{
    int64_t rc;

    check("psci version 1.1", sp_psci(PSCI_VERSION, 0u, 0u, 0u), 0x10001);
    check("psci features of cpu_on", sp_psci(PSCI_FEATURES, PSCI_CPU_ON, 0u, 0u), 0);
    check("psci features of an unknown call", sp_psci(PSCI_FEATURES, 0x8400001fu, 0u, 0u), PSCI_NOT_SUPPORTED);
    check("unknown psci call", sp_psci(0x8400001fu, 0u, 0u, 0u), PSCI_NOT_SUPPORTED);
    check("migrate_info_type", sp_psci(PSCI_MIGRATE_INFO_TYPE, 0u, 0u, 0u), 2);
    check("cpu_on of no vcpu", sp_psci(PSCI_CPU_ON, 7u, SP_RAM_BASE, 0u), PSCI_INVALID_PARAMETERS);
    check("cpu_on entry outside memory", sp_psci(PSCI_CPU_ON, 1u, (uint64_t)(uintptr_t)__ram_end, 0u),
          PSCI_INVALID_ADDRESS);
    check("cpu_on of itself", sp_psci(PSCI_CPU_ON, 0u, SP_RAM_BASE, 0u), -4);
    check("affinity_info of no vcpu", sp_psci(PSCI_AFFINITY_INFO, 7u, 0u, 0u), PSCI_INVALID_PARAMETERS);
    check("affinity_info at level 1", sp_psci(PSCI_AFFINITY_INFO, 0u, 1u, 0u), PSCI_INVALID_PARAMETERS);
    check("affinity_info of itself", sp_psci(PSCI_AFFINITY_INFO, 0u, 0u, 0u), 0);
    check("cpu_suspend with reserved bits", sp_psci(PSCI_CPU_SUSPEND, 0x80000000u, 0u, 0u), PSCI_INVALID_PARAMETERS);
    check("cpu_suspend powerdown entry outside memory",
          sp_psci(PSCI_CPU_SUSPEND, 1u << 16, (uint64_t)(uintptr_t)__ram_end, 0u), PSCI_INVALID_ADDRESS);
    check("cpu_suspend standby", sp_psci(PSCI_CPU_SUSPEND, 0u, 0u, 0u), 0);
    check("cpu_on of vcpu 1", sp_cpu_on(1u, second), 0);
    rc = sp_psci(PSCI_CPU_ON, 1u, SP_RAM_BASE, 0u);
    check_true("cpu_on of vcpu 1 again: already on or on pending", (rc == -4) || (rc == -5));
    check("vcpu 1 powers itself off", wait_off(), 1);
    check("vcpu 1 ran", second_done, 1);
    second_done = 0u;
    check("cpu_on of vcpu 1 after cpu_off", sp_cpu_on(1u, second), 0);
    check("vcpu 1 off again", wait_off(), 1);
}

static void vgic(void)
{
    uint64_t d = SP_GICD_BASE;
    uint64_t r = SP_GICR_BASE;
    uint64_t n;
    uint32_t v;

    check_true("gicd typer names the vINTIDs", ((sp_mmio_read32(d + GICD_TYPER) & 0x1fu) + 1u) * 32u == SP_NUM_VIRQS);
    sp_printf("gicd iidr 0x%x pidr2 0x%x\n", sp_mmio_read32(d + GICD_IIDR), sp_mmio_read32(d + GICD_PIDR2));
    v = sp_mmio_read32(d + GICD_TYPER);
    sp_mmio_write32(d + GICD_TYPER, 0u);
    check("gicd typer ignores writes", sp_mmio_read32(d + GICD_TYPER), v);
    /* Banks of INTIDs the vGIC does not implement: RAZ/WI. */
    sp_mmio_write32(d + GICD_ISENABLER + 0x7cu, 0xffffffffu);
    check("isenabler beyond the vINTIDs is RAZ/WI", sp_mmio_read32(d + GICD_ISENABLER + 0x7cu), 0);
    check("isenabler0 (private, in the redistributor) reads 0", sp_mmio_read32(d + GICD_ISENABLER), 0);
    check("ipriorityr of SGIs reads 0", sp_mmio_read32(d + GICD_IPRIORITYR), 0);
    check("icfgr of SGIs reads 0", sp_mmio_read32(d + GICD_ICFGR), 0);
    sp_printf("gicd reserved 0xc000 -> 0x%x\n", sp_mmio_read32(d + 0xc000u));
    probing(1);
    n = err_aborts;
    /* SPI 32 (the channel's doorbell) is the partition's; SPI 40 is not (RAZ/WI). */
    wr8(d + GICD_IPRIORITYR + SP_CHAN_PIPE_INTID, 0xa0u);
    check("ipriorityr byte write", rd8(d + GICD_IPRIORITYR + SP_CHAN_PIPE_INTID), 0xa0);
    wr8(d + GICD_IPRIORITYR + 40u, 0xa0u);
    check("ipriorityr of an SPI not its own is RAZ/WI", rd8(d + GICD_IPRIORITYR + 40u), 0);
    check_true("ipriorityr byte accesses allowed", err_aborts == n);
    wr64(d + GICD_IROUTER + 8u * SP_CHAN_PIPE_INTID, 1u);
    check("irouter 64-bit access", (int64_t)rd64(d + GICD_IROUTER + 8u * SP_CHAN_PIPE_INTID), 1);
    wr64(d + GICD_IROUTER + 8u * SP_CHAN_PIPE_INTID, 0u);
    /* A route naming no vCPU of the partition is kept as written; the SPI stays with vCPU 0. */
    wr64(d + GICD_IROUTER + 8u * SP_CHAN_PIPE_INTID, 7u);
    check("irouter naming no vcpu kept as written", (int64_t)rd64(d + GICD_IROUTER + 8u * SP_CHAN_PIPE_INTID), 7);
    wr64(d + GICD_IROUTER + 8u * SP_CHAN_PIPE_INTID, 0u);
    check("irouter of a private interrupt reads 0", (int64_t)rd64(d + GICD_IROUTER + 8u * 27u), 0);
    wr64(d + GICD_IROUTER + 8u * 40u, 1u);
    check("irouter of an SPI not its own is RAZ/WI", (int64_t)rd64(d + GICD_IROUTER + 8u * 40u), 0);
    n = err_aborts;
    (void)rd16(d + GICD_CTLR);
    check_true("gicd 16-bit access refused", refused(n));
    n = err_aborts;
    (void)rd8(d + GICD_CTLR);
    check_true("gicd byte access to ctlr refused", refused(n));
    n = err_aborts;
    (void)rd64(d + GICD_ISENABLER);
    check_true("gicd 64-bit access to isenabler refused", refused(n));
    n = err_aborts;
    (void)rd64(r + GICR_TYPER);
    check_true("gicr typer 64-bit allowed", err_aborts == n);
    n = err_aborts;
    (void)rd16(r + GICR_WAKER);
    check_true("gicr 16-bit access refused", refused(n));
    n = err_aborts;
    wr8(r + GICR_SGI_IPRIORITYR + 1u, 0x80u);
    check("gicr ipriorityr byte", rd8(r + GICR_SGI_IPRIORITYR + 1u), 0x80);
    check_true("gicr byte access to ipriorityr allowed", err_aborts == n);
    probing(0);
    sp_mmio_write32(r + GICR_WAKER, 2u);
    sp_printf("gicr waker after sleep 0x%x\n", sp_mmio_read32(r + GICR_WAKER));
    sp_mmio_write32(r + GICR_WAKER, 0u);
    check("gicr waker awake", sp_mmio_read32(r + GICR_WAKER), 0);
    sp_printf("gicr sgi isenabler0 0x%x\n", sp_mmio_read32(r + GICR_SGI_ISENABLER0));
}

/* One bit of the doorbell SPI (32 + i of bank 1) in a distributor register. */
static uint32_t spi_bit(void)
{
    return 1u << (SP_CHAN_PIPE_INTID - 32u);
}

/*
 * The set/clear banks and the group register on its own SPI, disabled so that
 * nothing is delivered: pending while disabled, a group change of a pending
 * and of an idle interrupt, active set and clear; then the SGI frame's banks and
 * configuration registers (SGIs' configuration is read-only).
 */
static void vgic_bits(void)
{
    uint64_t d = SP_GICD_BASE;
    uint64_t r = SP_GICR_BASE;
    uint32_t b = spi_bit();
    uint32_t en = sp_mmio_read32(d + GICD_ISENABLER1) & b;
    uint32_t grp = sp_mmio_read32(d + GICD_IGROUPR1);
    uint32_t cfg0 = sp_mmio_read32(r + GICR_SGI_ICFGR0);
    uint32_t cfg1 = sp_mmio_read32(r + GICR_SGI_ICFGR1);

    sp_mmio_write32(d + GICD_ICENABLER1, b);
    check("spi disabled", sp_mmio_read32(d + GICD_ISENABLER1) & b, 0);
    sp_mmio_write32(d + GICD_ISPENDR1, b);
    check("spi pending while disabled", sp_mmio_read32(d + GICD_ISPENDR1) & b, b);
    sp_mmio_write32(d + GICD_ICENABLER1, b);
    sp_mmio_write32(d + GICD_IGROUPR1, grp ^ b);
    check("group of a pending spi changed", sp_mmio_read32(d + GICD_IGROUPR1) & b, (grp ^ b) & b);
    sp_mmio_write32(d + GICD_IGROUPR1, grp);
    sp_mmio_write32(d + GICD_ICPENDR1, b);
    check("spi pending cleared", sp_mmio_read32(d + GICD_ISPENDR1) & b, 0);
    sp_mmio_write32(d + GICD_ICENABLER1, b);
    sp_mmio_write32(d + GICD_IGROUPR1, grp ^ b);
    sp_mmio_write32(d + GICD_IGROUPR1, grp);
    check("group of the spi restored", sp_mmio_read32(d + GICD_IGROUPR1) & b, grp & b);
    sp_mmio_write32(d + GICD_ISACTIVER1, b);
    check("spi active set", sp_mmio_read32(d + GICD_ISACTIVER1) & b, b);
    sp_mmio_write32(d + GICD_ICACTIVER1, b);
    check("spi active cleared", sp_mmio_read32(d + GICD_ISACTIVER1) & b, 0);
    if (en != 0u) {
        sp_mmio_write32(d + GICD_ISENABLER1, en);
    }
    sp_mmio_write32(r + GICR_SGI_ICFGR0, ~cfg0);
    check("sgi configuration is read-only", sp_mmio_read32(r + GICR_SGI_ICFGR0), cfg0);
    sp_mmio_write32(r + GICR_SGI_ICFGR1, cfg1);
    check("ppi configuration rewritten", sp_mmio_read32(r + GICR_SGI_ICFGR1), cfg1);
    sp_printf("gicr ispendr0 0x%x, second word 0x%x, unknown 0x%x\n", sp_mmio_read32(r + GICR_SGI_ISPENDR0),
              sp_mmio_read32(r + GICR_SGI_ISPENDR0 + 4u), sp_mmio_read32(r + 0x10800u));
}

/* Loads the hypervisor emulates: sign-extending ones (SSE, 32- and 64-bit targets) and one into the zero register. */
static void loads(void)
{
    uint64_t d = SP_GICD_BASE;
    uint64_t u = SP_VUART_BASE;
    uint64_t prio = d + GICD_IPRIORITYR + SP_CHAN_PIPE_INTID;
    uint32_t old = rd8(prio);
    int64_t x;
    int32_t w;

    wr8(prio, 0xa0u);
    __asm__ volatile("ldrsb %0, [%1]" : "=r"(x) : "r"(prio) : "memory");
    check("ldrsb x of a priority 0xa0", x, -96);
    __asm__ volatile("ldrsb %w0, [%1]" : "=r"(w) : "r"(prio) : "memory");
    check("ldrsb w of a priority 0xa0", (int64_t)(uint32_t)w, 0xffffffa0);
    __asm__ volatile("ldrh %w0, [%1]" : "=r"(w) : "r"(u + UART_FR) : "memory");
    check("ldrh w of uart fr", w, (int64_t)(sp_mmio_read32(u + UART_FR) & 0xffffu));
    __asm__ volatile("ldr wzr, [%0]" : : "r"(d + GICD_TYPER) : "memory");
    wr8(prio, (uint8_t)old);
}

/* Trapped system registers: set/way maintenance, ACTLR_EL1, the SGI registers with targets that match no vCPU. */
static void sysregs(void)
{
    uint64_t v = 1u;
    uint64_t me = 1u; /* TargetList bit of vCPU 0 (Aff0 0) */

    __asm__ volatile("dc isw, %0\n dc csw, %0\n dc cisw, %0" : : "r"(0ull) : "memory");
    __asm__ volatile("mrs %0, actlr_el1" : "=r"(v));
    check("actlr_el1 reads as zero", (int64_t)v, 0);
    __asm__ volatile("mrs xzr, actlr_el1\n msr actlr_el1, %0" : : "r"(0xffull));
    /* Each write names vCPU 0 in its target list, but in another cluster or range: no SGI arrives. */
    __asm__ volatile("msr s3_0_c12_c11_5, %0" : : "r"(me | SGIR_AFF1(1u)) : "memory");
    __asm__ volatile("msr s3_0_c12_c11_5, %0" : : "r"(me | SGIR_AFF2(1u)) : "memory");
    __asm__ volatile("msr s3_0_c12_c11_5, %0" : : "r"(me | SGIR_AFF3(1u)) : "memory");
    __asm__ volatile("msr s3_0_c12_c11_5, %0" : : "r"(me | SGIR_RS(1u)) : "memory");
    __asm__ volatile("msr s3_0_c12_c11_6, %0" : : "r"(me | SGIR_AFF1(1u)) : "memory");
    __asm__ volatile("msr s3_0_c12_c11_7, %0" : : "r"(me | SGIR_AFF1(1u)) : "memory");
    __asm__ volatile("isb" : : : "memory");
}

/* virtio-mmio registers (virtio 1.1, 4.2.2). */
#define VIRTIO_QUEUE_SEL 0x030u
#define VIRTIO_QUEUE_NUM 0x038u
#define VIRTIO_QUEUE_READY 0x044u
#define VIRTIO_QUEUE_NOTIFY 0x050u
#define VIRTIO_STATUS 0x070u
#define VIRTIO_QUEUE_DESC_LOW 0x080u
#define VIRTIO_QUEUE_DRIVER_LOW 0x090u
#define VIRTIO_QUEUE_DEVICE_LOW 0x0a0u
#define VIRTIO_CONFIG 0x100u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u

/* Queue 0 made ready with num and ring addresses: is it refused (device needs a reset)? Resets it after. */
static int vnet_ring_refused(uint64_t v, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    int refused_ring;

    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    sp_mmio_write32(v + VIRTIO_QUEUE_SEL, 0u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NUM, num);
    sp_mmio_write32(v + VIRTIO_QUEUE_DESC_LOW, (uint32_t)desc);
    sp_mmio_write32(v + VIRTIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    sp_mmio_write32(v + VIRTIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    sp_mmio_write32(v + VIRTIO_QUEUE_READY, 1u);
    refused_ring = (sp_mmio_read32(v + VIRTIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) != 0u;
    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    return refused_ring;
}

/* The link's virtio-net device: refused access sizes, and rings it must refuse (2.7). */
static void vnet(void)
{
    uint64_t v = SP_LINK_WIRE_BASE;
    uint64_t ring = SP_RAM_BASE + 0x100000u;
    uint64_t n;

    check("virtio magic", sp_mmio_read32(v), 0x74726976);
    probing(1);
    n = err_aborts;
    (void)rd16(v + VIRTIO_STATUS);
    check_true("virtio 16-bit register access refused", refused(n));
    n = err_aborts;
    (void)rd64(v + VIRTIO_CONFIG);
    check_true("virtio 64-bit config access refused", refused(n));
    n = err_aborts;
    (void)rd8(v + VIRTIO_CONFIG + 1u);
    check_true("virtio config byte access allowed", err_aborts == n);
    probing(0);
    check_true("ring of 0 entries refused", vnet_ring_refused(v, 0u, ring, ring + 0x1000u, ring + 0x2000u));
    check_true("ring longer than the queue refused",
               vnet_ring_refused(v, 2u * SP_LINK_WIRE_QUEUE_SIZE, ring, ring + 0x1000u, ring + 0x2000u));
    check_true("ring of 3 entries refused", vnet_ring_refused(v, 3u, ring, ring + 0x1000u, ring + 0x2000u));
    check_true("misaligned descriptors refused", vnet_ring_refused(v, 8u, ring + 8u, ring + 0x1000u, ring + 0x2000u));
    check_true("misaligned driver ring refused", vnet_ring_refused(v, 8u, ring, ring + 0x1001u, ring + 0x2000u));
    check_true("misaligned device ring refused", vnet_ring_refused(v, 8u, ring, ring + 0x1000u, ring + 0x2002u));
    check_true("ring outside memory refused", vnet_ring_refused(v, 8u, (uint64_t)(uintptr_t)__ram_end, ring + 0x1000u,
                                                                ring + 0x2000u));
    check("ring inside memory accepted", vnet_ring_refused(v, 8u, ring, ring + 0x1000u, ring + 0x2000u), 0);
}

/* One frame of len bytes offered on the transmit queue (1) of a live device: is it refused? Resets it after. */
static int vnet_offer_refused(uint64_t v, uint32_t len, uint16_t head, uint16_t idx);

static int vnet_frame_refused(uint64_t v, uint32_t len)
{
    return vnet_offer_refused(v, len, 0u, 1u);
}

/* As vnet_frame_refused(), with the avail ring's entry (head) and index (idx) given. */
static int vnet_offer_refused(uint64_t v, uint32_t len, uint16_t head, uint16_t idx)
{
    uint64_t ring = SP_RAM_BASE + 0x100000u;
    volatile uint64_t *desc = (volatile uint64_t *)(uintptr_t)ring;
    volatile uint16_t *avail = (volatile uint16_t *)(uintptr_t)(ring + 0x1000u);
    int refused_frame;

    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    sp_mmio_write32(v + VIRTIO_QUEUE_SEL, 1u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NUM, 8u);
    sp_mmio_write32(v + VIRTIO_QUEUE_DESC_LOW, (uint32_t)ring);
    sp_mmio_write32(v + VIRTIO_QUEUE_DRIVER_LOW, (uint32_t)(ring + 0x1000u));
    sp_mmio_write32(v + VIRTIO_QUEUE_DEVICE_LOW, (uint32_t)(ring + 0x2000u));
    sp_mmio_write32(v + VIRTIO_QUEUE_READY, 1u);
    sp_mmio_write32(v + VIRTIO_STATUS, 7u); /* ACKNOWLEDGE | DRIVER | DRIVER_OK */
    /* virtq_desc (2.7.5): addr, len, flags 0 (one device-readable buffer), next. */
    desc[0] = ring + 0x3000u;
    desc[1] = len;
    avail[0] = 0u;
    avail[2] = head;
    __asm__ volatile("dmb ish" : : : "memory");
    avail[1] = idx;
    __asm__ volatile("dsb sy" : : : "memory");
    sp_mmio_write32(v + VIRTIO_QUEUE_NOTIFY, 1u);
    refused_frame = (sp_mmio_read32(v + VIRTIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET) != 0u;
    if (refused_frame) {
        /* A device that needs a reset ignores notifications until it is reset. */
        avail[1] = (uint16_t)(idx + 1u);
        __asm__ volatile("dsb sy" : : : "memory");
        sp_mmio_write32(v + VIRTIO_QUEUE_NOTIFY, 1u);
        check("notify while the device needs a reset is ignored",
              sp_mmio_read32(v + VIRTIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, VIRTIO_STATUS_NEEDS_RESET);
    }
    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    return refused_frame;
}

#define VIRTIO_DEVICE_FEATURES 0x010u
#define VIRTIO_DEVICE_FEATURES_SEL 0x014u
#define VIRTIO_DRIVER_FEATURES 0x020u
#define VIRTIO_DRIVER_FEATURES_SEL 0x024u
#define VIRTIO_STATUS_FEATURES_OK 0x08u

/* The driver's features (high word, low word) offered with FEATURES_OK: does the device keep FEATURES_OK (3.1.1)? */
static int vnet_features_ok(uint64_t v, uint32_t hi, uint32_t lo)
{
    int ok;

    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    sp_mmio_write32(v + VIRTIO_STATUS, 3u); /* ACKNOWLEDGE | DRIVER */
    sp_mmio_write32(v + VIRTIO_DRIVER_FEATURES_SEL, 1u);
    sp_mmio_write32(v + VIRTIO_DRIVER_FEATURES, hi);
    sp_mmio_write32(v + VIRTIO_DRIVER_FEATURES_SEL, 0u);
    sp_mmio_write32(v + VIRTIO_DRIVER_FEATURES, lo);
    sp_mmio_write32(v + VIRTIO_STATUS, 3u | VIRTIO_STATUS_FEATURES_OK);
    ok = (sp_mmio_read32(v + VIRTIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) != 0u;
    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    return ok;
}

/*
 * Feature negotiation (virtio 1.1, 3.1.1 and 6.1): VERSION_1 (bit 32) alone is accepted, a
 * feature the device does not offer or a driver without VERSION_1 is refused; queue
 * registers of a queue that does not exist read 0 and ignore writes, those of a ready
 * queue ignore writes (4.2.2).
 */
static void vnet_regs(void)
{
    uint64_t v = SP_LINK_WIRE_BASE;
    uint64_t ring = SP_RAM_BASE + 0x100000u;
    uint32_t offered;

    sp_mmio_write32(v + VIRTIO_DEVICE_FEATURES_SEL, 0u);
    offered = sp_mmio_read32(v + VIRTIO_DEVICE_FEATURES);
    check("features: version_1 alone accepted", vnet_features_ok(v, 1u, 0u), 1);
    check("features: one the device does not offer refused", vnet_features_ok(v, 1u, ~offered & (0u - ~offered)), 0);
    check("features: a driver without version_1 refused", vnet_features_ok(v, 0u, 0u), 0);
    sp_mmio_write32(v + VIRTIO_QUEUE_SEL, 7u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NUM, 8u);
    sp_mmio_write32(v + VIRTIO_QUEUE_DESC_LOW, (uint32_t)ring);
    check("ring address of a queue that does not exist reads 0", sp_mmio_read32(v + VIRTIO_QUEUE_DESC_LOW), 0);
    sp_mmio_write32(v + VIRTIO_QUEUE_SEL, 0u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NUM, 8u);
    sp_mmio_write32(v + VIRTIO_QUEUE_DESC_LOW, (uint32_t)ring);
    sp_mmio_write32(v + VIRTIO_QUEUE_DRIVER_LOW, (uint32_t)(ring + 0x1000u));
    sp_mmio_write32(v + VIRTIO_QUEUE_DEVICE_LOW, (uint32_t)(ring + 0x2000u));
    sp_mmio_write32(v + VIRTIO_QUEUE_READY, 1u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NUM, 4u);
    sp_mmio_write32(v + VIRTIO_QUEUE_DESC_LOW, (uint32_t)(ring + 0x4000u));
    check("ring address of a ready queue unchanged", sp_mmio_read32(v + VIRTIO_QUEUE_DESC_LOW), (int64_t)(uint32_t)ring);
    check("ready queue still ready", sp_mmio_read32(v + VIRTIO_QUEUE_READY), 1);
    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
}

/* Transmit notifications: before the driver is ready, with the queue not ready, and frames of bad lengths. */
static void vnet_tx(void)
{
    uint64_t v = SP_LINK_WIRE_BASE;

    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NOTIFY, 1u);
    sp_mmio_write32(v + VIRTIO_STATUS, 7u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NOTIFY, 1u);
    check("notify of a queue not ready is ignored", sp_mmio_read32(v + VIRTIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    check_true("frame no longer than its header refused", vnet_frame_refused(v, 4u));
    check_true("frame longer than the mtu refused", vnet_frame_refused(v, 4000u));
    /* A frame of a good length is taken (the peer's driver is not live: dropped there). */
    check("frame of 64 bytes taken", vnet_frame_refused(v, 64u), 0);
    check_true("buffer larger than the partition's memory refused", vnet_frame_refused(v, 0x400000u));
    check_true("frame of an empty buffer refused", vnet_frame_refused(v, 0u));
    check_true("descriptor index beyond the queue refused", vnet_offer_refused(v, 64u, 9u, 1u));
    check_true("avail index more than a queue ahead refused", vnet_offer_refused(v, 64u, 0u, 100u));
}

static void vuart(void)
{
    uint64_t u = SP_VUART_BASE;
    uint64_t n;
    uint32_t imsc;

    sp_printf("uart fr 0x%x periphid0 0x%x ris 0x%x\n", sp_mmio_read32(u + UART_FR),
              sp_mmio_read32(u + UART_PERIPHID0), sp_mmio_read32(u + UART_RIS));
    probing(1);
    n = err_aborts;
    check("uart byte read of fr allowed", (int64_t)(rd8(u + UART_FR) == (sp_mmio_read32(u + UART_FR) & 0xffu)), 1);
    (void)rd16(u + UART_FR);
    check_true("uart 8- and 16-bit accesses allowed", err_aborts == n);
    check("uart byte inside a register reads 0", rd8(u + UART_FR + 1u), 0);
    wr8(u + UART_FR + 1u, 0xffu);
    n = err_aborts;
    (void)rd64(u + UART_FR);
    check_true("uart 64-bit access refused", refused(n));
    n = err_aborts;
    (void)rd16(u + UART_FR + 1u);
    sp_printf("uart misaligned 16-bit access: %lu abort(s)\n", (unsigned long)(err_aborts - n));
    probing(0);
    imsc = sp_mmio_read32(u + UART_IMSC);
    sp_mmio_write32(u + UART_IMSC, 0x7ffu);
    sp_printf("uart imsc all -> 0x%x, mis 0x%x\n", sp_mmio_read32(u + UART_IMSC), sp_mmio_read32(u + 0x40u));
    sp_mmio_write32(u + UART_ICR, 0x7ffu);
    sp_mmio_write32(u + UART_IMSC, imsc);
    sp_mmio_write32(u + UART_FR, 0xffu);
    sp_printf("uart fr after a write 0x%x\n", sp_mmio_read32(u + UART_FR));
}

/*
 * One console line, with control bytes, ESC, DEL, a byte >= 0x80 and more than a line's 160
 * bytes, written twice: byte by byte to the vUART's DR (1-, 2- and 4-byte stores: the sync
 * vector's byte path takes the printable ones, C the rest) and through CONSOLE_WRITE (C only).
 * test_errors.py checks that both come out byte for byte the same (SRS-CON-005).
 */
static void console_paths(void)
{
    static const char head[] = "errors: console path %u: ok \x01\t\x1b[2J\x7f\xe9 ~ ";
    char line[256];
    size_t n;
    size_t i;
    uint32_t path;

    for (path = 1u; path <= 2u; path++) {
        n = sp_snprintf(line, sizeof(line), head, (unsigned)path);
        for (i = 0u; i < 190u; i++) {
            line[n + i] = (char)('a' + (i % 26u));
        }
        n += 190u;
        line[n] = '\n';
        n++;
        if (path == 2u) {
            (void)sp_console_write(line, n);
            break;
        }
        for (i = 0u; i < n; i++) {
            uint64_t dr = SP_VUART_BASE + UART_DR;

            if ((i % 3u) == 0u) {
                wr8(dr, (uint8_t)line[i]);
            } else if ((i % 3u) == 1u) {
                *(volatile uint16_t *)(uintptr_t)dr = (uint16_t)(uint8_t)line[i];
            } else {
                sp_mmio_write32(dr, (uint32_t)(uint8_t)line[i]);
            }
        }
    }
}

static void channel(void)
{
    uint64_t c = SP_CHAN_PIPE_CTL;
    uint64_t n;
    uint32_t i;

    check("channel self", sp_chan_self(c), SP_CHAN_PIPE_SELF);
    check("channel peers", sp_chan_peers(c), 2);
    check("channel size", sp_mmio_read32(c + SEPTUM_CHAN_SIZE_LO), SP_CHAN_PIPE_SIZE);
    check("channel size hi", sp_mmio_read32(c + SEPTUM_CHAN_SIZE_HI), 0);
    sp_printf("channel perm 0x%x peer state 0x%x pending 0x%x\n", sp_mmio_read32(c + SEPTUM_CHAN_PERM),
              sp_chan_peer_state(c), sp_chan_pending(c));
    check("channel unknown register reads 0", sp_mmio_read32(c + 0x80u), 0);
    sp_mmio_write32(c + SEPTUM_CHAN_PEERS, 7u);
    check("channel peers ignores writes", sp_chan_peers(c), 2);
    sp_chan_notify(c, 0u);
    sp_chan_notify(c, 0xfffffffcu);
    for (i = 0u; i < 50u; i++) {
        sp_chan_notify(c, 1u << SP_CHAN_PIPE_PEER_PROBE);
    }
    check_true("doorbells past the burst are throttled", sp_mmio_read32(c + SEPTUM_CHAN_THROTTLED) > 0u);
    probing(1);
    n = err_aborts;
    (void)rd16(c + SEPTUM_CHAN_SELF);
    check_true("channel 16-bit access refused", refused(n));
    n = err_aborts;
    (void)rd64(c + SEPTUM_CHAN_SELF);
    check_true("channel 64-bit access refused", refused(n));
    n = err_aborts;
    (void)rd8(c + SEPTUM_CHAN_SELF + 1u);
    check_true("channel misaligned access refused", refused(n));
    probing(0);
}


/* ---- interrupts of its own vGIC: list-register states (GICv3, Arm IHI 0069, 4.1 and 11.2) ---- */
#define GICR_SGI_IGROUPR0 0x10080u
#define GICR_SGI_ICENABLER0 0x10180u
#define GICR_SGI_ICPENDR0 0x10280u

static volatile uint32_t irq_seen[16];
static volatile uint32_t irq_order[16];
static volatile uint32_t irq_taken;
static volatile uint32_t irq_again;

#define VIRTIO_INTERRUPT_STATUS 0x060u
#define VIRTIO_INTERRUPT_ACK 0x064u

static volatile uint32_t vnet_irqs;
static volatile uint32_t vnet_ack_from;

static volatile uint32_t ptimer_irqs;

static void err_irq(uint32_t intid)
{
    if (intid == 30u) {
        /* The EL1 physical timer: stopped here, so its output (level) drops before the EOI. */
        ptimer_irqs++;
        __asm__ volatile("msr cntp_ctl_el0, %0\n isb" : : "r"(0ull) : "memory");
    }
    if (intid == SP_LINK_WIRE_INTID) {
        /* The link's level interrupt: acknowledged at the device from the vnet_ack_from-th on. */
        vnet_irqs++;
        if (vnet_irqs >= vnet_ack_from) {
            sp_mmio_write32(SP_LINK_WIRE_BASE + VIRTIO_INTERRUPT_ACK,
                            sp_mmio_read32(SP_LINK_WIRE_BASE + VIRTIO_INTERRUPT_STATUS));
        }
    }
    if (intid < 16u) {
        irq_seen[intid]++;
        if (irq_taken < 16u) {
            irq_order[irq_taken] = intid;
        }
        irq_taken++;
        if (intid == irq_again) {
            /* Raised again while it is active: active and pending in its list register. */
            irq_again = 0u;
            sp_sgi_send(0u, intid);
        }
    }
}

/* IRQs open for a while: every exit lets the hypervisor refill the list registers. */
static void irq_window(uint32_t want)
{
    uint32_t i;

    sp_irq_unmask();
    for (i = 0u; (i < 200u) && (irq_taken < want); i++) {
        (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    }
    sp_irq_mask();
}

/*
 * SGIs to itself on vCPU 0 with IRQs masked, so that each waits in a list register:
 * cleared while pending (withdrawn, never taken), disabled while pending (kept, taken
 * once enabled again), raised again from its own handler (active and pending: taken
 * twice), two at different priorities (the higher first), one in group 0 while only
 * group 1 is enabled (ICC_SGI1R_EL1 raises only group 1 SGIs, 12.2.22; made pending
 * through GICR_ISPENDR0, not taken until it is moved to group 1), and more at once than
 * there are list registers (all taken, as each frees one).
 */
static void irqs(void)
{
    uint64_t r = SP_GICR_BASE;
    uint32_t i;
    uint32_t grp;
    uint32_t cfg1;
    uint64_t now;

    sp_irq_mask();
    sp_gic_init_dist();
    sp_gic_init_cpu(err_irq);
    for (i = 3u; i < 16u; i++) {
        sp_irq_enable(i);
    }
    sp_sgi_send(0u, 3u);
    (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    /* Now in a list register: still pending and enabled to the guest's eyes. */
    check("sgi in its list register reads pending", sp_mmio_read32(r + GICR_SGI_ISPENDR0) & (1u << 3), 1u << 3);
    check("sgi in its list register reads enabled", sp_mmio_read32(r + GICR_SGI_ISENABLER0) & (1u << 3), 1u << 3);
    sp_mmio_write32(r + GICR_SGI_ICPENDR0, 1u << 3);
    irq_window(1u);
    check("sgi cleared while pending is never taken", irq_seen[3], 0);
    sp_sgi_send(0u, 4u);
    (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    sp_mmio_write32(r + GICR_SGI_ICENABLER0, 1u << 4);
    irq_window(1u);
    check("sgi disabled while pending is not taken", irq_seen[4], 0);
    check("sgi disabled while pending stays pending", sp_mmio_read32(r + GICR_SGI_ISPENDR0) & (1u << 4), 1u << 4);
    sp_irq_enable(4u);
    irq_taken = 0u;
    irq_window(1u);
    check("sgi taken once enabled again", irq_seen[4], 1);
    irq_again = 5u;
    irq_taken = 0u;
    sp_sgi_send(0u, 5u);
    irq_window(2u);
    check("sgi raised again from its handler is taken twice", irq_seen[5], 2);
    wr8(r + GICR_SGI_IPRIORITYR + 6u, 0xa0u);
    wr8(r + GICR_SGI_IPRIORITYR + 7u, 0x40u);
    irq_taken = 0u;
    sp_sgi_send(0u, 6u);
    sp_sgi_send(0u, 7u);
    irq_window(2u);
    check("two pending sgis: the higher priority first", (int64_t)irq_order[0] * 16 + irq_order[1], 7 * 16 + 6);
    grp = sp_mmio_read32(r + GICR_SGI_IGROUPR0);
    sp_mmio_write32(r + GICR_SGI_IGROUPR0, grp & ~(1u << 8));
    irq_taken = 0u;
    sp_sgi_send(0u, 8u);
    check("sgi1r write of a group 0 sgi raises nothing", sp_mmio_read32(r + GICR_SGI_ISPENDR0) & (1u << 8), 0);
    sp_mmio_write32(r + GICR_SGI_ISPENDR0, 1u << 8);
    irq_window(1u);
    check("sgi of a disabled group is not taken", irq_seen[8], 0);
    sp_mmio_write32(r + GICR_SGI_IGROUPR0, grp);
    irq_window(1u);
    check("sgi taken once its group is enabled", irq_seen[8], 1);
    irq_taken = 0u;
    for (i = 9u; i < 16u; i++) {
        sp_sgi_send(0u, i);
    }
    /* Sent again while still pending (waiting for a free list register): one interrupt. */
    sp_sgi_send(0u, 15u);
    irq_window(7u);
    check("more sgis than list registers: all taken", irq_taken, 7);
    check("an sgi sent twice while pending is taken once", irq_seen[15], 1);
    /* Not enabled: stays pending, not taken (SGI 2 is never enabled here). */
    irq_taken = 0u;
    sp_sgi_send(0u, 2u);
    irq_window(1u);
    check("sgi not enabled is not taken", irq_seen[2], 0);
    sp_mmio_write32(r + GICR_SGI_ICPENDR0, 1u << 2);
    /* Group 1 disabled at the distributor (GICD_CTLR.EnableGrp1): held until enabled again. */
    grp = sp_mmio_read32(SP_GICD_BASE + GICD_CTLR);
    sp_mmio_write32(SP_GICD_BASE + GICD_CTLR, grp & ~2u);
    sp_sgi_send(0u, 3u);
    irq_window(1u);
    check("sgi while its group is disabled in the distributor is not taken", irq_seen[3], 0);
    sp_mmio_write32(SP_GICD_BASE + GICD_CTLR, grp);
    irq_window(1u);
    check("sgi taken once the distributor enables its group", irq_seen[3], 1);
    sp_mmio_write32(r + GICR_SGI_ICENABLER0, 0xfff8u);
    /* The EL1 virtual timer's PPI 27 (timer not armed): its trigger bit (ICFGR1 bit 23) is
     * kept while it is enabled and changes while it is disabled (12.11.8). */
    cfg1 = sp_mmio_read32(r + GICR_SGI_ICFGR1);
    sp_irq_enable(27u);
    sp_mmio_write32(r + GICR_SGI_ICFGR1, cfg1 ^ (1u << 23));
    check("icfgr of an enabled ppi is kept", sp_mmio_read32(r + GICR_SGI_ICFGR1), cfg1);
    sp_mmio_write32(r + GICR_SGI_ICENABLER0, 1u << 27);
    sp_mmio_write32(r + GICR_SGI_ICFGR1, cfg1 ^ (1u << 23));
    check("icfgr of a disabled ppi changes", sp_mmio_read32(r + GICR_SGI_ICFGR1), cfg1 ^ (1u << 23));
    sp_mmio_write32(r + GICR_SGI_ICFGR1, cfg1);
    /* It is hardware-backed: set and clear pending reach the physical GIC; its ISPENDR bit is
     * the timer's output (not armed: 0), on this vCPU and when read from another one's frame. */
    sp_mmio_write32(r + GICR_SGI_ISPENDR0, 1u << 27);
    sp_mmio_write32(r + GICR_SGI_ICPENDR0, 1u << 27);
    check("timer ppi not pending once cleared", sp_mmio_read32(r + GICR_SGI_ISPENDR0) & (1u << 27), 0);
    check("timer ppi of vcpu 1 read from vcpu 0", sp_mmio_read32(sp_gicr_base(1u) + GICR_SGI_ISPENDR0) & (1u << 27),
          0);
    /* The EL1 physical timer (PPI 30, hardware-backed too): armed in the past, it fires once. */
    sp_irq_enable(30u);
    __asm__ volatile("mrs %0, cntpct_el0" : "=r"(now));
    __asm__ volatile("msr cntp_cval_el0, %0\n msr cntp_ctl_el0, %1\n isb" : : "r"(now), "r"(1ull) : "memory");
    sp_irq_unmask();
    for (i = 0u; (i < 200u) && (ptimer_irqs == 0u); i++) {
        (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    }
    sp_irq_mask();
    check("physical timer interrupt taken once", ptimer_irqs, 1);
    sp_mmio_write32(r + GICR_SGI_ICENABLER0, 1u << 30);
}
/* Read outside its memory until the injection budget is used up and the next fault restarts it. */
/* One more 64-byte frame on the transmit queue set up by vnet_irq(): avail index idx. */
static void vnet_post(uint64_t v, uint16_t idx)
{
    uint64_t ring = SP_RAM_BASE + 0x100000u;
    volatile uint16_t *avail = (volatile uint16_t *)(uintptr_t)(ring + 0x1000u);

    avail[2u + ((idx - 1u) % 8u)] = 0u;
    __asm__ volatile("dmb ish" : : : "memory");
    avail[1] = idx;
    __asm__ volatile("dsb sy" : : : "memory");
    sp_mmio_write32(v + VIRTIO_QUEUE_NOTIFY, 1u);
}

/* IRQs open until the link's interrupt was taken want times (or a while passed). */
static void vnet_irq_window(uint32_t want)
{
    uint32_t i;

    sp_irq_unmask();
    for (i = 0u; (i < 200u) && (vnet_irqs < want); i++) {
        (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    }
    sp_irq_mask();
}

/*
 * The link's virtio-net interrupt, level-sensitive and emulated (virtio 1.1, 4.2.3.4;
 * GICv3 4.1.2): raised by a sent frame and held in a list register with IRQs masked,
 * its line dropped by acknowledging it at the device (withdrawn: never taken); raised
 * again and disabled while in its list register (kept pending by its line, taken once
 * enabled); its line left high through the first EOI (taken again).
 */
static void vnet_irq(void)
{
    uint64_t v = SP_LINK_WIRE_BASE;
    uint64_t d = SP_GICD_BASE;
    uint64_t ring = SP_RAM_BASE + 0x100000u;
    volatile uint64_t *desc = (volatile uint64_t *)(uintptr_t)ring;
    volatile uint16_t *avail = (volatile uint16_t *)(uintptr_t)(ring + 0x1000u);
    uint32_t b = 1u << (SP_LINK_WIRE_INTID % 32u);

    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
    sp_mmio_write32(v + VIRTIO_QUEUE_SEL, 1u);
    sp_mmio_write32(v + VIRTIO_QUEUE_NUM, 8u);
    sp_mmio_write32(v + VIRTIO_QUEUE_DESC_LOW, (uint32_t)ring);
    sp_mmio_write32(v + VIRTIO_QUEUE_DRIVER_LOW, (uint32_t)(ring + 0x1000u));
    sp_mmio_write32(v + VIRTIO_QUEUE_DEVICE_LOW, (uint32_t)(ring + 0x2000u));
    sp_mmio_write32(v + VIRTIO_QUEUE_READY, 1u);
    sp_mmio_write32(v + VIRTIO_STATUS, 7u);
    desc[0] = ring + 0x3000u;
    desc[1] = 64u;
    avail[0] = 0u;
    avail[1] = 0u;
    sp_irq_route(SP_LINK_WIRE_INTID, 0u);
    sp_irq_enable(SP_LINK_WIRE_INTID);
    vnet_irqs = 0u;
    vnet_ack_from = 1u;
    vnet_post(v, 1u);
    check("a sent frame raises the link's interrupt", sp_mmio_read32(v + VIRTIO_INTERRUPT_STATUS) != 0u, 1);
    (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    sp_mmio_write32(v + VIRTIO_INTERRUPT_ACK, sp_mmio_read32(v + VIRTIO_INTERRUPT_STATUS));
    vnet_irq_window(1u);
    check("level interrupt whose line dropped before it was taken is not taken", vnet_irqs, 0);
    vnet_post(v, 2u);
    (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    sp_mmio_write32(d + GICD_ICENABLER1, b);
    vnet_irq_window(1u);
    check("disabled level interrupt is not taken", vnet_irqs, 0);
    vnet_ack_from = 2u;
    sp_mmio_write32(d + GICD_ISENABLER1, b);
    vnet_irq_window(2u);
    check("level interrupt still asserted after its eoi is taken again", vnet_irqs, 2);
    check("its line is low once acknowledged", sp_mmio_read32(v + VIRTIO_INTERRUPT_STATUS), 0);
    sp_mmio_write32(d + GICD_ICENABLER1, b);
    sp_mmio_write32(v + VIRTIO_STATUS, 0u);
}

/* vCPU 1 busy (making hypercalls) while vCPU 0 faults its way to a restart: the restart waits for it. */
static void busy(void)
{
    for (;;) {
        (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
    }
}

static void fault_until_restart(void)
{
    volatile const uint8_t *outside = (volatile const uint8_t *)(uintptr_t)__ram_end;
    uint64_t n = err_aborts;

    check("cpu_on of vcpu 1 to keep it busy through the restart", sp_cpu_on(1u, busy), 0);

    probing(1);
    (void)*outside;
    check_true("read outside memory: an abort given to the guest", refused(n));
    sp_printf("errors: %u passed, %u failed\n", (unsigned)passed, (unsigned)failed);
    /* Run outside it: instruction aborts, each skipped onto the next word, until the budget is used up. */
    ((void (*)(void))(uintptr_t)__ram_end)();
    for (;;) {
        (void)*outside;
    }
}

int main(void)
{
    struct sp_hvc_result r = sp_hvc(SEPTUM_HVC_PARTITION_STATE, SP_PARTITION_INDEX, 0u, 0u);

    sp_printf("errors up (restarts %lu)\n", (unsigned long)r.x1);
    if (r.x1 == 0u) {
        hypercalls();
        psci();
        vgic();
        vgic_bits();
        loads();
        sysregs();
        vnet();
        vnet_regs();
        vnet_tx();
        vuart();
        console_paths();
        channel();
        irqs();
        vnet_irq();
        fault_until_restart();
    }
    if (r.x1 == 1u) {
        /* A reset request: a restart that is not a fault. */
        (void)sp_psci(PSCI_SYSTEM_RESET, 0u, 0u, 0u);
        sp_printf("errors: FAIL system_reset returned\n");
    }
    sp_printf("errors: done\n");
    /* The coverage build ends the run a second after this; until then keep exiting so that it can. */
    (void)hvc(SEPTUM_COV_DONE, 0u, 0u, 0u);
    {
        uint64_t end = sp_counter() + 2u * sp_counter_hz();

        while (sp_counter() < end) {
            (void)hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
            sp_wait_until(sp_counter() + sp_counter_hz() / 1000u);
        }
    }
    sp_system_off();
    return 0;
}
