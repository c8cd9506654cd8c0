/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes a trapped access to the emulated device whose window (from the
 * generated cfg_vdevs table) contains it, and connects the vUARTs to the
 * console multiplexer and to their virtual interrupt lines. Windows are never
 * mapped at stage 2, so every access to them arrives here.
 */
#include "arch.h"
#include "chan.h"
#include "config.h"
#include "console.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic.h"
#include "virtio_net.h"
#include "vuart.h"

_Static_assert((VUART_CR_LBE >> ARCH_VUART_CR_LBE_BIT) == 1u, "the sync vector's vUART path tests CR.LBE by its bit");

static struct vuart vdev_vuarts[CFG_NUM_PARTITIONS];
/* One lock per vUART across access, level sampling and the line update (vuart.h). */
static struct arch_lock vdev_vuart_locks[CFG_NUM_PARTITIONS];
/* The level last driven on each vUART's line (false after a reset, as the vGIC's); written under the
 * vUART's lock, read without it by a DR write (vdev_mmio), which changes no level. */
static bool vdev_vuart_levels[CFG_NUM_PARTITIONS];

void vdev_console_putc(uint32_t p, char c)
{
    console_part_putc(p, c);
}

void vdev_report_fault(uint32_t p, const char *kind, const char *name, const char *what,
                       const char *effect)
{
    console_hyp_printf("partition '%s': %s '%s': %s " CONSOLE_EMDASH " %s", cfg_partitions[p].name, kind,
                       name, what, effect);
}

/* The window of kind in partition p, or NULL. */
static const struct cfg_vdev *vdev_find(uint32_t p, uint32_t kind)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    uint32_t i;

    for (i = cp->first_vdev; i < (cp->first_vdev + cp->num_vdevs); i++) {
        if (cfg_vdevs[i].kind == kind) {
            return &cfg_vdevs[i];
        }
    }
    return NULL;
}

/* Access, or push input into, partition p's vUART and update its interrupt line. */
static bool vdev_vuart_access(uint32_t p, uint32_t intid, struct mmio_access *a, int input)
{
    struct vuart *u = &vdev_vuarts[p];
    bool ok;
    bool level;

    arch_lock_acquire(&vdev_vuart_locks[p]);
    if (a != NULL) {
        ok = vuart_mmio(u, a);
    } else {
        ok = vuart_rx_push(u, (uint8_t)input);
    }
    level = vuart_irq_level(u);
    /* A line that stays low needs no vGIC work (the common case: a byte written, no interrupt unmasked);
     * a high level is driven again each time, so the vGIC re-pends it after the guest's EOI. */
    if (level || vdev_vuart_levels[p]) {
        vgic_inject(p, 0u, intid, level ? VGIC_HIGH : VGIC_LOW, NULL);
        __atomic_store_n(&vdev_vuart_levels[p], level, __ATOMIC_RELAXED);
    }
    arch_lock_release(&vdev_vuart_locks[p]);
    return ok;
}

/*
 * A guest's access to partition p's vUART. A byte written while the line is low needs neither
 * the lock nor the level (vuart_tx_direct); a high line is driven again by each access. Out of
 * line, so that the other windows' dispatch in vdev_mmio() keeps its short frame.
 */
static bool __attribute__((noinline)) vdev_vuart_mmio(uint32_t p, uint32_t intid, struct mmio_access *a)
{
    struct vuart *u = &vdev_vuarts[p];

    if (__atomic_load_n(&vdev_vuart_levels[p], __ATOMIC_RELAXED) || !vuart_tx_direct(u, a)) {
        return vdev_vuart_access(p, intid, a, 0);
    }
    vuart_tx(u, (uint8_t)(a->value & 0xffu));
    return true;
}

/*
 * The sync vector's path for a printable byte stored to partition p's vUART DR (arch.h,
 * arch_vuart_fast_bind): what vdev_vuart_mmio() and vuart_tx() read and write for it. Before
 * p's vCPUs run (its reset); the same addresses each time.
 */
/* @req SRS-CON-005 */
static void vdev_vuart_fast_bind(uint32_t p)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    struct vuart *u = &vdev_vuarts[p];
    uint64_t dr = ARCH_VUART_NONE;
    uint32_t i;

    /* Its vUART's window (at most one), if it has one. */
    for (i = cp->first_vdev; i < (cp->first_vdev + cp->num_vdevs); i++) {
        if (cfg_vdevs[i].kind == CFG_VDEV_VUART) {
            dr = cfg_vdevs[i].ipa + VUART_DR;
        }
    }
    arch_vuart_fast_bind(p, dr, &u->cr, &vdev_vuart_levels[p], &u->tx_bytes);
}

/* @req SRS-VDEV-001 */
enum vdev_result vdev_mmio(struct vcpu *v, uint64_t ipa, struct mmio_access *a)
{
    const struct cfg_partition *cp = &cfg_partitions[v->partition];
    uint32_t end = cp->first_vdev + cp->num_vdevs;
    uint32_t i;

    /* Only this partition's windows (generated consecutive): no scan of the others'. */
    for (i = cp->first_vdev; i < end; i++) {
        const struct cfg_vdev *d = &cfg_vdevs[i];
        /* Below the window, the subtraction wraps far above any window's size. */
        uint64_t off = ipa - d->ipa;
        bool ok;

        if (off >= d->size) {
            continue;
        }
        a->offset = off;
        switch (d->kind) {
        case CFG_VDEV_VGICD:
            ok = vgic_handlers.dist_mmio(v->partition, a);
            break;
        case CFG_VDEV_VGICR:
            ok = vgic_handlers.redist_mmio(v->partition, a);
            break;
        case CFG_VDEV_VUART:
            ok = vdev_vuart_mmio(v->partition, d->intid, a);
            break;
        case CFG_VDEV_CHANCTL:
            ok = chan_mmio(d->arg, a);
            break;
        case CFG_VDEV_VIRTIO_NET:
            ok = virtio_net_mmio(d->arg, a);
            break;
        default:
            ok = false;
            break;
        }
        return ok ? VDEV_HANDLED : VDEV_REJECTED;
    }
    return VDEV_NONE;
}

/* @req SRS-CON-002 */
bool vdev_console_input(uint32_t p, int c)
{
    const struct cfg_vdev *d = vdev_find(p, CFG_VDEV_VUART);

    if (d == NULL) {
        return false;
    }
    if (c < 0) {
        return true;
    }
    return vdev_vuart_access(p, d->intid, NULL, c);
}

bool vdev_exit_work(uint32_t p)
{
    return virtio_net_receive(p);
}

void vdev_reset(uint32_t p)
{
    vgic_handlers.reset(p);
    chan_reset(p);
    virtio_net_reset_partition(p);
    arch_lock_acquire(&vdev_vuart_locks[p]);
    vuart_init(&vdev_vuarts[p], p);
    __atomic_store_n(&vdev_vuart_levels[p], false, __ATOMIC_RELAXED);
    arch_lock_release(&vdev_vuart_locks[p]);
    vdev_vuart_fast_bind(p);
}
