/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Channel control pages (see chan.h). The shared regions themselves are
 * plain stage-2 mappings made by the generator; only the doorbell is
 * emulated here.
 */
#include "arch.h"
#include "chan.h"
#include "config.h"
#include "vcpu.h"
#include "vgic.h"

/* A channel's peers are distinct partitions, so at most CFG_NUM_PARTITIONS of them: bit 31 stays free. */
_Static_assert(CFG_NUM_PARTITIONS <= SEPTUM_CHAN_MAX_PEERS, "CHAN_PENDING_STATE needs PENDING bit 31 free of peers");
_Static_assert((CFG_PERM_R == SEPTUM_CHAN_PERM_R) && (CFG_PERM_W == SEPTUM_CHAN_PERM_W), "PERM reads cfg perm bits");

/* CFG_NUM_CHANNEL_PEERS as an object: an empty table then compiles without warnings. */
static const uint32_t chan_num_peers = CFG_NUM_CHANNEL_PEERS;
/* Per peer: bit i = peer i of its channel signaled it since its last PENDING read. */
static uint32_t chan_pending[CFG_NUM_CHANNEL_PEERS];
static struct arch_lock chan_lock;

/* Set bits in the PENDING of channel c's peer i and raise its doorbell. */
static void chan_ring(const struct cfg_channel *c, uint32_t i, uint32_t bits)
{
    const struct cfg_channel_peer *t = &cfg_channel_peers[c->first_peer + i];

    arch_lock_acquire(&chan_lock);
    chan_pending[c->first_peer + i] |= bits;
    arch_lock_release(&chan_lock);
    if ((c->notify != 0u) && (t->vintid != CFG_NO_VINTID)) {
        vgic_inject(t->partition, 0u, t->vintid);
    }
}

/* Raise the doorbells named by mask, on behalf of peer (its index in the channel is self). */
static void chan_notify(const struct cfg_channel *c, uint32_t self, uint32_t mask)
{
    uint32_t i;

    for (i = 0u; i < c->num_peers; i++) {
        if (((mask >> i) & 1u) != 0u) {
            chan_ring(c, i, 1u << self);
        }
    }
}

/* Bit i set: peer i of channel c belongs to a running partition. */
static uint32_t chan_peer_state(const struct cfg_channel *c)
{
    uint32_t mask = 0u;
    uint32_t i;

    for (i = 0u; i < c->num_peers; i++) {
        if (part_get(cfg_channel_peers[c->first_peer + i].partition)->state == PART_STATE_RUNNING) {
            mask |= 1u << i;
        }
    }
    return mask;
}

void chan_peer_state_changed(uint32_t p)
{
    uint32_t k;
    uint32_t i;

    /* Each channel peer that p is: ring the other peers of its channel (bounded: peers x peers). */
    for (k = 0u; k < chan_num_peers; k++) {
        const struct cfg_channel *c;

        if (cfg_channel_peers[k].partition != p) {
            continue;
        }
        c = &cfg_channels[cfg_channel_peers[k].channel];
        for (i = 0u; i < c->num_peers; i++) {
            if ((c->first_peer + i) != k) {
                chan_ring(c, i, CHAN_PENDING_STATE);
            }
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
    case CHAN_PEER_STATE:
        a->value = chan_peer_state(c);
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
