/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A partition's view of its GICv3: the distributor and redistributors that
 * Septum emulates (addresses from the generated partition.h) and the CPU
 * interface registers ICC_* (the hardware ICV_* interface under Septum).
 */
#include "partition.h"
#include "septum.h"
/* Register offsets and bits from the hypervisor's one GICv3 header (IHI 0069). */
#include "gicv3.h"

/* The SGI_base frame's IGROUPR0 / ISENABLER0 sit at the distributor's offsets (12.11). */
#define SP_GICR_IGROUPR0 (GICR_SGI_BASE + GICD_IGROUPR)
#define SP_GICR_ISENABLER0 (GICR_SGI_BASE + GICD_ISENABLER)

static sp_irq_fn sp_irq_handler;

/* Plain LDR/STR without writeback, as Linux's readl/writel: a trapped access with writeback
 * (which the compiler may choose in a loop) has no instruction syndrome (ESR_EL2.ISV = 0) and
 * cannot be emulated. */
uint32_t sp_mmio_read32(uint64_t addr)
{
    uint32_t v;

    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

void sp_mmio_write32(uint64_t addr, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

uint64_t sp_gicd_base(void)
{
    return SP_GICD_BASE;
}

uint64_t sp_gicr_base(uint32_t cpu)
{
    return SP_GICR_BASE + ((uint64_t)cpu * GICR_STRIDE);
}

uint32_t sp_cpu_id(void)
{
    uint64_t m;

    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(m));
    return (uint32_t)(m & 0xffu);
}

void sp_gic_init_dist(void)
{
    uint32_t i;

    /* Every SPI in group 1, as Linux does; then ARE | EnableGrp1 (single security state view). */
    for (i = 1u; i < (SP_NUM_VIRQS / 32u); i++) {
        sp_mmio_write32(SP_GICD_BASE + GICD_IGROUPR + (4u * i), 0xffffffffu);
    }
    sp_mmio_write32(SP_GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
}

void sp_gic_init_cpu(sp_irq_fn handler)
{
    uint64_t rd = sp_gicr_base(sp_cpu_id());
    uint64_t v;

    sp_irq_handler = handler;
    sp_mmio_write32(rd + GICR_WAKER, sp_mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
    sp_mmio_write32(rd + SP_GICR_IGROUPR0, 0xffffffffu);
    __asm__ volatile("mrs %0, S3_0_C12_C12_5" : "=r"(v)); /* ICC_SRE_EL1 */
    __asm__ volatile("msr S3_0_C12_C12_5, %0; isb" : : "r"(v | 1u));
    __asm__ volatile("msr S3_0_C4_C6_0, %0" : : "r"(0xffULL)); /* ICC_PMR_EL1 */
    __asm__ volatile("msr S3_0_C12_C12_7, %0; isb" : : "r"(1ULL)); /* ICC_IGRPEN1_EL1 */
    __asm__ volatile("msr vbar_el1, %0; isb" : : "r"((uint64_t)(uintptr_t)sp_vectors));
}

void sp_irq_enable(uint32_t intid)
{
    if (intid < 32u) {
        sp_mmio_write32(sp_gicr_base(sp_cpu_id()) + SP_GICR_ISENABLER0, (uint32_t)1u << intid);
    } else {
        sp_mmio_write32(SP_GICD_BASE + GICD_ISENABLER + (4u * (intid / 32u)), 1u << (intid % 32u));
    }
}

void sp_irq_route(uint32_t intid, uint32_t cpu)
{
    *(volatile uint64_t *)(uintptr_t)(SP_GICD_BASE + GICD_IROUTER + (8u * (uint64_t)intid)) = cpu;
}

void sp_irq_unmask(void)
{
    __asm__ volatile("msr daifclr, #2; isb" : : : "memory");
}

void sp_irq_mask(void)
{
    __asm__ volatile("msr daifset, #2" : : : "memory");
}

void sp_sgi_send(uint32_t cpu, uint32_t intid)
{
    /* ICC_SGI1R_EL1: Aff3.Aff2.Aff1 = 0, RS = cpu / 16, target list bit cpu % 16. */
    uint64_t rs = (uint64_t)cpu / 16u;
    uint64_t id = (uint64_t)intid & 0xfu;
    uint32_t bit = cpu % 16u;
    uint64_t target = 1ULL << bit;
    uint64_t v = (rs << 44) | (id << 24) | target;

    __asm__ volatile("dsb sy; msr S3_0_C12_C11_5, %0; isb" : : "r"(v) : "memory");
}

void sp_sgi_broadcast(uint32_t intid)
{
    uint64_t v = (1ULL << 40) | (((uint64_t)intid & 0xfu) << 24);

    __asm__ volatile("dsb sy; msr S3_0_C12_C11_5, %0; isb" : : "r"(v) : "memory");
}

void sp_irq_dispatch(void)
{
    uint64_t iar;

    __asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar)); /* ICC_IAR1_EL1 */
    if ((iar & 0xffffffu) >= 1020u) {
        return;
    }
    if (sp_irq_handler != NULL) {
        sp_irq_handler((uint32_t)(iar & 0xffffffu));
    }
    __asm__ volatile("msr S3_0_C12_C12_1, %0; isb" : : "r"(iar)); /* ICC_EOIR1_EL1 */
}

void sp_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
    sp_printf("%s: unexpected exception %lu: ESR 0x%lx ELR 0x%lx FAR 0x%lx\n", SP_PARTITION_NAME,
              (unsigned long)kind, (unsigned long)esr, (unsigned long)elr, (unsigned long)far);
}
