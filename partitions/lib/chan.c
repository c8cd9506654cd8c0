/* SPDX-License-Identifier: Apache-2.0 */
/* Channels from a bare-metal partition: the control page (septum/chan_abi.h). */
#include "septum.h"

uint32_t sp_chan_pending(uint64_t ctl)
{
    return sp_mmio_read32(ctl + SEPTUM_CHAN_PENDING);
}

void sp_chan_notify(uint64_t ctl, uint32_t mask)
{
    sp_mmio_write32(ctl + SEPTUM_CHAN_NOTIFY, mask);
}

uint32_t sp_chan_peer_state(uint64_t ctl)
{
    return sp_mmio_read32(ctl + SEPTUM_CHAN_PEER_STATE);
}

uint32_t sp_chan_self(uint64_t ctl)
{
    return sp_mmio_read32(ctl + SEPTUM_CHAN_SELF);
}

uint32_t sp_chan_peers(uint64_t ctl)
{
    return sp_mmio_read32(ctl + SEPTUM_CHAN_PEERS);
}
