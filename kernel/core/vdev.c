/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes a trapped access to the emulated device whose window (from the
 * generated cfg_vdevs table) contains it. Windows are never mapped at
 * stage 2, so every access to them arrives here.
 */
#include "config.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic.h"

/* CFG_NUM_VDEVS as an object: an empty table then compiles without warnings. */
static const uint32_t vdev_count = CFG_NUM_VDEVS;

enum vdev_result vdev_mmio(struct vcpu *v, uint64_t ipa, struct mmio_access *a)
{
    uint32_t i;

    for (i = 0u; i < vdev_count; i++) {
        const struct cfg_vdev *d = &cfg_vdevs[i];
        bool ok;

        if ((d->partition != v->partition) || (ipa < d->ipa) || ((ipa - d->ipa) >= d->size)) {
            continue;
        }
        a->offset = ipa - d->ipa;
        switch (d->kind) {
        case CFG_VDEV_VGICD:
            ok = vgic_dist_mmio(v->partition, a);
            break;
        case CFG_VDEV_VGICR:
            ok = vgic_redist_mmio(v->partition, a);
            break;
        default:
            ok = false;
            break;
        }
        return ok ? VDEV_HANDLED : VDEV_REJECTED;
    }
    return VDEV_NONE;
}

void vdev_reset(uint32_t p)
{
    vgic_init(p);
}
