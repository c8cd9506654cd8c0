/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Channel control pages (see chan.h). The shared regions themselves are
 * plain stage-2 mappings made by the generator; only the doorbell is
 * emulated here.
 */
#include "arch.h"
#include "chan.h"
#include "config.h"
#include "health.h"
#include "vgic.h"

/* CFG_NUM_CHANNEL_PEERS as an object: an empty table then compiles without warnings. */
static const uint32_t chan_num_peers = CFG_NUM_CHANNEL_PEERS;
/* Per peer: bit i = peer i of its channel signaled it since its last PENDING read. */
static uint32_t chan_pending[CFG_NUM_CHANNEL_PEERS];
static struct arch_lock chan_lock;

/* Raise the doorbells named by mask, on behalf of peer (its index in the channel is self). */
static void chan_notify(const struct cfg_channel *c, uint32_t self, uint32_t mask)
{
    uint32_t i;

    for (i = 0u; i < c->num_peers; i++) {
        const struct cfg_channel_peer *t = &cfg_channel_peers[c->first_peer + i];

        if (((mask >> i) & 1u) == 0u) {
            continue;
        }
        arch_lock_acquire(&chan_lock);
        chan_pending[c->first_peer + i] |= 1u << self;
        arch_lock_release(&chan_lock);
        if ((c->notify != 0u) && (t->vintid != CFG_NO_VINTID)) {
            vgic_inject(t->partition, 0u, t->vintid);
        }
    }
}

bool chan_mmio(uint32_t peer, struct mmio_access *a)
{
    const struct cfg_channel_peer *pe;
    const struct cfg_channel *c;
    uint32_t self;

    if ((peer >= chan_num_peers) || (a->size != 4u) || ((a->offset & 3u) != 0u)) {
        return false;
    }
    pe = &cfg_channel_peers[peer];
    c = &cfg_channels[pe->channel];
    self = peer - c->first_peer;
    if (a->write) {
        if (a->offset == CHAN_NOTIFY) {
            chan_notify(c, self, (uint32_t)a->value);
        } else if (a->offset == CHAN_READY) {
            health_ready(pe->partition);
        } else {
            /* other offsets ignore writes */
        }
        return true;
    }
    switch (a->offset) {
    case CHAN_PENDING:
        arch_lock_acquire(&chan_lock);
        a->value = chan_pending[peer];
        chan_pending[peer] = 0u;
        arch_lock_release(&chan_lock);
        break;
    case CHAN_SELF:
        a->value = self;
        break;
    case CHAN_PEERS:
        a->value = c->num_peers;
        break;
    case CHAN_SIZE_LO:
        a->value = c->size & 0xffffffffu;
        break;
    case CHAN_SIZE_HI:
        a->value = c->size >> 32;
        break;
    case CHAN_PERM:
        a->value = pe->perm;
        break;
    default:
        a->value = 0u;
        break;
    }
    return true;
}

void chan_reset(uint32_t p)
{
    uint32_t i;

    arch_lock_acquire(&chan_lock);
    for (i = 0u; i < chan_num_peers; i++) {
        if (cfg_channel_peers[i].partition == p) {
            chan_pending[i] = 0u;
        }
    }
    arch_lock_release(&chan_lock);
}
