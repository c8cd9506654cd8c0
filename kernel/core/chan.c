/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Channel control pages (see chan.h). The shared regions themselves are
 * plain stage-2 mappings made by the generator; only the doorbell is
 * emulated here.
 *
 * Doorbells are bounded so that no peer can flood another (freedom from
 * interference): a NOTIFY raises a peer's virtual interrupt only when its
 * PENDING bit for the sender goes from 0 to 1 (a doorbell already rung and
 * not yet read is not rung again: the interrupt would tell nothing new), and
 * each peer, read-only ones included (an acknowledgement is legitimate), may
 * ring at most cfg_channels[].notify_rate doorbells a second, with a burst
 * of 1/100 s of them (a token bucket). A NOTIFY beyond the bound is refused
 * as a whole and counted (THROTTLED). Each channel has its own lock, so the
 * peers of one channel never contend with another channel's.
 *
 * Peer-state knowledge (QNX's attach/detach notification, in static form):
 * PEER_STATE reads which peers' partitions are running, and a peer's start,
 * restart or halt sets CHAN_PENDING_STATE in the other peers' PENDING and
 * rings their doorbells (once until read, like any other PENDING bit).
 */
#include "arch.h"
#include "chan.h"
#include "config.h"
#include "health.h"
#include "vcpu.h"
#include "vgic.h"

/* A channel's peers are distinct partitions, so at most CFG_NUM_PARTITIONS of them: bit 31 stays free. */
_Static_assert(CFG_NUM_PARTITIONS <= SEPTUM_CHAN_MAX_PEERS, "CHAN_PENDING_STATE needs PENDING bit 31 free of peers");
_Static_assert((CFG_PERM_R == SEPTUM_CHAN_PERM_R) && (CFG_PERM_W == SEPTUM_CHAN_PERM_W), "PERM reads cfg perm bits");

/* CFG_NUM_CHANNEL_PEERS as an object: an empty table then compiles without warnings. */
static const uint32_t chan_num_peers = CFG_NUM_CHANNEL_PEERS;

/** Run-time state of one channel peer. Guarded by its channel's lock. */
struct chan_peer_state {
    uint32_t pending;    /**< bit i: peer i of its channel signaled it since its last PENDING read */
    uint32_t credit;     /**< doorbells it may still ring now (token bucket) */
    uint64_t refill;     /**< counter value up to which credit has been earned */
    uint32_t throttled;  /**< NOTIFY writes refused by the rate bound */
    uint32_t burst;      /**< its channel's burst (chan_burst), set at its reset */
    uint64_t per;        /**< counter ticks per doorbell of its channel's rate, set at its reset (0: no bound) */
};

static struct chan_peer_state chan_peers[CFG_NUM_CHANNEL_PEERS];
static struct arch_lock chan_locks[CFG_NUM_CHANNELS];

/* The burst of a channel: 1/100 s of its rate, at least 1. */
static uint32_t chan_burst(const struct cfg_channel *c)
{
    uint32_t b = c->notify_rate / 100u;

    return (b == 0u) ? 1u : b;
}

/* Take one doorbell of s's credit at counter value now; false if none is left. Caller holds the lock.
 * The rate's ticks per doorbell and the burst were worked out at the peer's reset (chan_reset), not on
 * every NOTIFY (a division and a call fewer on the sender's exit). */
static bool chan_rate_take(struct chan_peer_state *s, uint64_t now)
{
    uint64_t per = s->per;
    uint64_t earned;

    if (per == 0u) {
        /* Faster than the counter can tell apart: no bound to apply. */
        return true;
    }
    earned = (now - s->refill) / per;
    if ((s->credit + earned) >= s->burst) {
        s->credit = s->burst;
        s->refill = now;
    } else {
        s->credit += (uint32_t)earned;
        s->refill += earned * per;
    }
    if (s->credit == 0u) {
        s->throttled++;
        return false;
    }
    s->credit--;
    return true;
}

/* Raise the doorbells of channel ci's peers named by ring (bit i: peer i). Called without the lock. */
static void chan_ring(const struct cfg_channel *c, uint32_t ring)
{
    uint32_t i;

    for (i = 0u; (i < c->num_peers) && (c->notify != 0u); i++) {
        const struct cfg_channel_peer *t = &cfg_channel_peers[c->first_peer + i];

        if ((((ring >> i) & 1u) != 0u) && (t->vintid != CFG_NO_VINTID)) {
            vgic_inject(t->partition, 0u, t->vintid, VGIC_EDGE, NULL);
        }
    }
}

/* Set bit in the PENDING of each peer of c named by mask; bit i of the result: peer i's went 0 -> 1. Lock held. */
static uint32_t chan_mark(const struct cfg_channel *c, uint32_t mask, uint32_t bit)
{
    uint32_t ring = 0u;
    uint32_t i;

    for (i = 0u; i < c->num_peers; i++) {
        struct chan_peer_state *t = &chan_peers[c->first_peer + i];

        if ((((mask >> i) & 1u) != 0u) && ((t->pending & bit) == 0u)) {
            t->pending |= bit;
            ring |= 1u << i;
        }
    }
    return ring;
}

/* Raise the doorbells named by mask, on behalf of peer (its index in the channel is self). */
static void chan_notify(uint32_t ci, uint32_t peer, uint32_t self, uint32_t mask)
{
    const struct cfg_channel *c = &cfg_channels[ci];
    uint32_t ring = 0u;

    arch_lock_acquire(&chan_locks[ci]);
    if (((mask & ((1u << (c->num_peers - 1u)) | ((1u << (c->num_peers - 1u)) - 1u))) != 0u) &&
        chan_rate_take(&chan_peers[peer], arch_counter())) {
        ring = chan_mark(c, mask, 1u << self);
    }
    arch_lock_release(&chan_locks[ci]);
    chan_ring(c, ring);
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

    /* Each channel peer that p is: tell the other peers of its channel (bounded: channel peers x peers). */
    for (k = 0u; k < chan_num_peers; k++) {
        const struct cfg_channel_peer *pe = &cfg_channel_peers[k];
        const struct cfg_channel *c = &cfg_channels[pe->channel];
        uint32_t ring;

        if (pe->partition != p) {
            continue;
        }
        arch_lock_acquire(&chan_locks[pe->channel]);
        ring = chan_mark(c, ~(1u << (k - c->first_peer)), CHAN_PENDING_STATE);
        arch_lock_release(&chan_locks[pe->channel]);
        chan_ring(c, ring);
    }
}

/* A read of the control page register at offset of peer pe. */
static uint32_t chan_read(uint32_t peer, const struct cfg_channel *c, uint64_t offset)
{
    const struct cfg_channel_peer *pe = &cfg_channel_peers[peer];
    uint32_t v;

    switch (offset) {
    case CHAN_PENDING:
        arch_lock_acquire(&chan_locks[pe->channel]);
        v = chan_peers[peer].pending;
        chan_peers[peer].pending = 0u;
        arch_lock_release(&chan_locks[pe->channel]);
        return v;
    case CHAN_SELF:
        return peer - c->first_peer;
    case CHAN_PEERS:
        return c->num_peers;
    case CHAN_SIZE_LO:
        return (uint32_t)(c->size & 0xffffffffu);
    case CHAN_SIZE_HI:
        return (uint32_t)(c->size >> 32);
    case CHAN_PERM:
        return pe->perm;
    case CHAN_THROTTLED:
        return chan_peers[peer].throttled;
    case CHAN_PEER_STATE:
        return chan_peer_state(c);
    default:
        return 0u;
    }
}

bool chan_mmio(uint32_t peer, struct mmio_access *a)
{
    const struct cfg_channel_peer *pe;
    const struct cfg_channel *c;

    if ((peer >= chan_num_peers) || (a->size != 4u) || ((a->offset & 3u) != 0u)) {
        return false;
    }
    pe = &cfg_channel_peers[peer];
    c = &cfg_channels[pe->channel];
    if (a->write) {
        if (a->offset == CHAN_NOTIFY) {
            chan_notify(pe->channel, peer, peer - c->first_peer, (uint32_t)a->value);
        } else if (a->offset == CHAN_READY) {
            health_ready(pe->partition);
        } else {
            /* other offsets ignore writes */
        }
        return true;
    }
    a->value = chan_read(peer, c, a->offset);
    return true;
}

void chan_reset(uint32_t p)
{
    uint64_t now = arch_counter();
    uint32_t i;

    for (i = 0u; i < chan_num_peers; i++) {
        const struct cfg_channel_peer *pe = &cfg_channel_peers[i];

        if (pe->partition == p) {
            arch_lock_acquire(&chan_locks[pe->channel]);
            chan_peers[i].pending = 0u;
            chan_peers[i].burst = chan_burst(&cfg_channels[pe->channel]);
            /* notify_rate >= 1 (schema); the counter's frequency is fixed from boot on. */
            chan_peers[i].per = arch_counter_hz() / cfg_channels[pe->channel].notify_rate;
            chan_peers[i].credit = chan_peers[i].burst;
            chan_peers[i].refill = now;
            chan_peers[i].throttled = 0u;
            arch_lock_release(&chan_locks[pe->channel]);
        }
    }
}
