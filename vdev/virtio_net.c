/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net peer links (see virtio_net.h): the virtio-mmio transport
 * (virtio 1.2 section 4.2.2), split virtqueues (2.7) and the network device
 * (5.1), emulated by the hypervisor at both ends of a link.
 *
 * Invariants:
 * - Every guest-physical address a driver gives is translated through its own
 *   partition's generated region table (part_ipa_range_to_pa), each buffer
 *   inside one region granting the access the device makes (read for TX and
 *   rings, write for RX and the used ring). Ring addresses are checked once,
 *   when the queue is made ready (they may not change while it is ready).
 * - No CPU touches another partition's RAM (its EL2 map does not even hold it):
 *   a frame leaves its sender on the sender's CPU, at its QueueNotify, into the
 *   sending end's frame slots in hypervisor memory (cfg_netdevs[].frames), and
 *   enters the receiver on the receiver's CPU, at its next exit (the sender sets
 *   the partition's waiting word and the vCPU's vGIC change flag, which kicks
 *   its CPU) or at its RX QueueNotify. The slots are a single-producer,
 *   single-consumer ring: the sender writes a slot and then publishes head
 *   (release), the receiver reads head (acquire), the slot, then publishes tail.
 * - Each descriptor is read from guest memory exactly once, into a snapshot
 *   (the end's scratch segments), and a frame is copied only after its whole
 *   chain was validated: a violation copies nothing. Indexes from the guest are
 *   masked or range-checked before use.
 * - Work is bounded: a TX QueueNotify walks at most one queue's worth of
 *   descriptors and copies at most one MTU-sized frame per chain; a receive
 *   takes at most the end's slots (CFG_LINK_SLOTS) frames, each chain walk at
 *   most one queue's worth of descriptors. No slot free: the frame is dropped
 *   and counted; no buffer posted: the frames wait in the slots.
 * - A violation by one end puts only that end into DEVICE_NEEDS_RESET with a
 *   configuration interrupt and a [septum] line; the other end only sees a drop.
 * - Each end's state is guarded by its own lock, taken only by its own
 *   partition's CPUs (and, to tell it of a peer's state change, by the CPU
 *   that changes it), held for one access, one send or one receive.
 */
#include "virtio_net.h"

#include "arch.h"
#include "lib.h"
#include "vdev.h"
#include "vcpu.h"
#include "vgic.h"

/* Counts as objects: an empty table then compiles without warnings. */
static const uint32_t vnet_count = CFG_NUM_NETDEVS;

/* One spare element, so that a system without links still compiles. */
#define VNET_ENDS (CFG_NUM_NETDEVS + 1u)

/** One validated buffer of a chain: where the hypervisor reaches it, and its length. */
struct vnet_seg {
    uint64_t pa;
    uint32_t len;
};

/** A position in a snapshot chain. */
struct vnet_cursor {
    const struct vnet_seg *segs;
    uint32_t n;    /* segments */
    uint32_t i;    /* current segment */
    uint32_t off;  /* bytes of it already consumed */
};

/**
 * The frames end s sent, in cfg_netdevs[s].frames: slot k % slots holds frame k
 * (len[] bytes, Ethernet frame without the virtio header) for head - tail < slots.
 * head is the sender's, tail the receiver's; each is read by the other with acquire.
 */
struct vnet_ring {
    uint32_t head;
    uint32_t tail;
    uint32_t len[CFG_LINK_SLOTS];
};

static struct virtio_net vnet_ends[VNET_ENDS];
static struct arch_lock vnet_locks[VNET_ENDS];
/* Snapshot of the chain an end is sending from or receiving into, under its lock. */
static struct vnet_seg vnet_scratch[VNET_ENDS][VIRTIO_NET_MAX_QUEUE];
static struct vnet_ring vnet_rings[VNET_ENDS];
/* Per end: it takes frames (driver live, RX queue ready); written under its lock, read by the sender (acquire).
 * Outside struct virtio_net, which a reset clears with a plain memset while a sender may be reading this. */
static bool vnet_open[VNET_ENDS];
/* Per partition: a peer left frames in its slots since the partition last looked (sequentially consistent). */
static uint32_t vnet_waiting[CFG_NUM_PARTITIONS];

/* ---- guest memory, through the hypervisor's mapping (addresses validated by the caller) ---- */

static uint16_t vnet_rd16(uint64_t pa)
{
    return *(volatile const uint16_t *)arch_phys_to_virt(pa);
}

static uint32_t vnet_rd32(uint64_t pa)
{
    return *(volatile const uint32_t *)arch_phys_to_virt(pa);
}

static uint64_t vnet_rd64(uint64_t pa)
{
    return *(volatile const uint64_t *)arch_phys_to_virt(pa);
}

static void vnet_wr32(uint64_t pa, uint32_t v)
{
    *(volatile uint32_t *)arch_phys_to_virt(pa) = v;
}

/* avail.idx, read before the ring entries it publishes (2.7.13: the driver's write barrier pairs with this). */
static uint16_t vnet_avail_idx(const struct virtio_net_queue *q)
{
    return __atomic_load_n((const uint16_t *)arch_phys_to_virt(q->avail_pa + 2u), __ATOMIC_ACQUIRE);
}

/* ---- state ---- */

static bool vnet_live(const struct virtio_net *e)
{
    return ((e->status & VIRTIO_STATUS_DRIVER_OK) != 0u) && ((e->status & VIRTIO_STATUS_NEEDS_RESET) == 0u);
}

static bool vnet_peer_running(uint32_t dev)
{
    enum part_state st = part_get(cfg_netdevs[cfg_netdevs[dev].peer].partition)->state;

    /* Started (entered, whether or not it has said it is ready) or running: its driver may post buffers. */
    return (st == PART_STATE_RUNNING) || (st == PART_STATE_STARTING);
}

/* Publish whether end dev takes frames now (its driver live, its RX queue ready): the sender drops otherwise. */
static void vnet_publish_open(uint32_t dev)
{
    const struct virtio_net *e = &vnet_ends[dev];

    __atomic_store_n(&vnet_open[dev], vnet_live(e) && (e->q[VIRTIO_NET_RXQ].ready != 0u), __ATOMIC_RELEASE);
}

/* Drive the end's interrupt line from InterruptStatus (a level interrupt: 4.2.2, InterruptACK). */
static void vnet_update_irq(uint32_t dev)
{
    vgic_inject(cfg_netdevs[dev].partition, 0u, cfg_netdevs[dev].vintid, (vnet_ends[dev].isr != 0u) ? VGIC_HIGH : VGIC_LOW,
                NULL);
}

/* Device reset (2.4): everything back to its initial state; the link as it is now. */
static void vnet_reset_locked(uint32_t dev)
{
    struct virtio_net *e = &vnet_ends[dev];

    struct vnet_ring *in = &vnet_rings[cfg_netdevs[dev].peer];

    (void)memset(e, 0, sizeof(*e));
    e->link_up = vnet_peer_running(dev);
    vnet_update_irq(dev);
    /* Frames the peer sent to the old driver are discarded: the receiver's half of the ring. */
    __atomic_store_n(&in->tail, __atomic_load_n(&in->head, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
}

/* The driver broke the rules: NEEDS_RESET, a configuration interrupt and a line (2.1.2). */
static void vnet_fail(uint32_t dev, enum virtio_net_fault f)
{
    static const char *const names[VNET_NUM_FAULTS] = {
        [VNET_OK] = "none",
        [VNET_BAD_RING] = "queue size or ring outside its RAM",
        [VNET_BAD_AVAIL_IDX] = "avail index ran ahead of the queue",
        [VNET_BAD_HEAD] = "descriptor index out of range",
        [VNET_BAD_CHAIN] = "descriptor chain loops or is indirect",
        [VNET_BAD_BUFFER] = "buffer outside its RAM or not accessible",
        [VNET_BAD_LENGTH] = "zero-length buffer or frame over the MTU",
        [VNET_BAD_DIRECTION] = "buffer of the wrong direction",
    };
    struct virtio_net *e = &vnet_ends[dev];

    if ((e->status & VIRTIO_STATUS_NEEDS_RESET) == 0u) {
        vdev_report_fault(cfg_netdevs[dev].partition, "link", cfg_netdevs[dev].link, names[f],
                          "virtio-net device needs reset");
    }
    e->status |= VIRTIO_STATUS_NEEDS_RESET;
    e->fault = f;
    e->faults++;
    e->isr |= VIRTIO_MMIO_INT_CONFIG;
    vnet_update_irq(dev);
    vnet_publish_open(dev);
}

/* ---- virtqueues ---- */

/* Check and translate the rings of queue q of dev (2.7: alignment 16/2/4, sizes from QueueNum). */
static bool vnet_queue_setup(uint32_t dev, struct virtio_net_queue *q)
{
    uint32_t p = cfg_netdevs[dev].partition;
    uint64_t n = q->num;

    if ((n == 0u) || (n > cfg_netdevs[dev].queue_size) || ((n & (n - 1u)) != 0u)) {
        return false;
    }
    if (((q->desc & 15u) != 0u) || ((q->avail & 1u) != 0u) || ((q->used & 3u) != 0u)) {
        return false;
    }
    if (!part_ipa_range_to_pa(p, q->desc, n * VIRTQ_DESC_SIZE, CFG_PERM_R, &q->desc_pa)) {
        return false;
    }
    if (!part_ipa_range_to_pa(p, q->avail, 6u + (2u * n), CFG_PERM_R, &q->avail_pa)) {
        return false;
    }
    return part_ipa_range_to_pa(p, q->used, 6u + (VIRTQ_USED_ELEM_SIZE * n), CFG_PERM_R | CFG_PERM_W,
                                &q->used_pa);
}

/*
 * Snapshot the chain at head of queue q of partition p into segs: every buffer
 * device-writable (write) or device-readable (!write), non-empty, inside one
 * region granting that access. At most *budget descriptors are walked (a chain
 * longer than that loops or reuses descriptors); the budget shrinks by those used.
 */
static enum virtio_net_fault vnet_chain(uint32_t p, const struct virtio_net_queue *q, uint32_t head, bool write,
                                        struct vnet_seg *segs, uint32_t *nsegs, uint64_t *total, uint32_t *budget)
{
    uint32_t idx = head;
    uint64_t sum = 0u;
    uint32_t i;

    /* *budget <= the queue's validated size <= VIRTIO_NET_MAX_QUEUE = the size of segs. */
    for (i = 0u; i < *budget; i++) {
        uint64_t d = q->desc_pa + ((uint64_t)idx * VIRTQ_DESC_SIZE);
        uint64_t addr = vnet_rd64(d);
        uint32_t len = vnet_rd32(d + 8u);
        uint32_t flags = vnet_rd16(d + 12u);
        uint32_t next = vnet_rd16(d + 14u);

        if ((flags & VIRTQ_DESC_F_INDIRECT) != 0u) {
            return VNET_BAD_CHAIN;
        }
        if (((flags & VIRTQ_DESC_F_WRITE) != 0u) != write) {
            return VNET_BAD_DIRECTION;
        }
        if (len == 0u) {
            return VNET_BAD_LENGTH;
        }
        if (!part_ipa_range_to_pa(p, addr, len, write ? CFG_PERM_W : CFG_PERM_R, &segs[i].pa)) {
            return VNET_BAD_BUFFER;
        }
        segs[i].len = len;
        sum += len;
        if ((flags & VIRTQ_DESC_F_NEXT) == 0u) {
            *nsegs = i + 1u;
            *total = sum;
            *budget -= i + 1u;
            return VNET_OK;
        }
        if (next >= q->num) {
            return VNET_BAD_HEAD;
        }
        idx = next;
    }
    return VNET_BAD_CHAIN;
}

/* The head of the next available chain of q, or VIRTIO_NET_MAX_QUEUE if the entry is out of range. */
static uint32_t vnet_next_head(const struct virtio_net_queue *q)
{
    uint32_t slot = (uint32_t)q->last_avail & (q->num - 1u);
    uint32_t head = vnet_rd16(q->avail_pa + 4u + ((uint64_t)2u * slot));

    return (head < q->num) ? head : VIRTIO_NET_MAX_QUEUE;
}

/* Put (id, len) in q's used ring and publish it (2.7.8: entry before index). */
static void vnet_push_used(struct virtio_net_queue *q, uint32_t id, uint32_t len)
{
    uint64_t elem = q->used_pa + 4u + ((uint64_t)VIRTQ_USED_ELEM_SIZE * ((uint32_t)q->used_idx & (q->num - 1u)));

    vnet_wr32(elem, id);
    vnet_wr32(elem + 4u, len);
    q->used_idx++;
    __atomic_store_n((uint16_t *)arch_phys_to_virt(q->used_pa + 2u), q->used_idx, __ATOMIC_RELEASE);
}

/* Interrupt the driver for q unless it asked not to (2.7.10; no event index is offered). */
static void vnet_kick(uint32_t dev, const struct virtio_net_queue *q)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if ((vnet_rd16(q->avail_pa) & VIRTQ_AVAIL_F_NO_INTERRUPT) == 0u) {
        vnet_ends[dev].isr |= VIRTIO_MMIO_INT_VRING;
        vnet_update_irq(dev);
    }
}

/* ---- the copy ---- */

/*
 * Write len bytes of buf at cursor c (the caller made sure they fit). The
 * c->i < c->n guard is defensive: a cursor never runs past its snapshot.
 */
static void vnet_put(struct vnet_cursor *c, const uint8_t *buf, uint32_t len)
{
    uint32_t done = 0u;

    while ((done < len) && (c->i < c->n)) {
        const struct vnet_seg *s = &c->segs[c->i];
        uint32_t k = s->len - c->off;

        if (k > (len - done)) {
            k = len - done;
        }
        (void)memcpy((uint8_t *)arch_phys_to_virt(s->pa) + c->off, buf + done, k);
        done += k;
        c->off += k;
        if (c->off == s->len) {
            c->i++;
            c->off = 0u;
        }
    }
}

/*
 * Gather the validated TX chain segs[0..n) into out, without its first
 * VIRTIO_NET_HDR_SIZE bytes (the sender's virtio_net_hdr: no offload was
 * negotiated, the receiver gets a header of its own). out holds the chain's
 * total minus the header: vnet_tx() checked the total against the MTU.
 */
static void vnet_gather(const struct vnet_seg *segs, uint32_t n, uint8_t *out)
{
    uint32_t skip = VIRTIO_NET_HDR_SIZE;
    uint32_t at = 0u;
    uint32_t i;

    for (i = 0u; i < n; i++) {
        uint32_t drop = (segs[i].len < skip) ? segs[i].len : skip;

        (void)memcpy(out + at, (const uint8_t *)arch_phys_to_virt(segs[i].pa) + drop, segs[i].len - drop);
        at += segs[i].len - drop;
        skip -= drop;
    }
}

/*
 * On the sender's CPU: put the validated frame (the end's snapshot, n segments,
 * total bytes with its header) into a free slot of end s; false if it was
 * dropped (the peer is down or not receiving, or no slot is free).
 */
static bool vnet_send(uint32_t s, uint32_t n, uint64_t total)
{
    const struct cfg_netdev *c = &cfg_netdevs[s];
    struct vnet_ring *ring = &vnet_rings[s];
    uint8_t *frames = c->frames;
    uint32_t head = ring->head;
    uint32_t slot;

    if (!vnet_peer_running(s) || !__atomic_load_n(&vnet_open[c->peer], __ATOMIC_ACQUIRE)) {
        return false;
    }
    if ((head - __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE)) >= c->slots) {
        return false;  /* the receiver has not taken the frames before: dropped, like a full NIC FIFO */
    }
    slot = head % c->slots;
    vnet_gather(vnet_scratch[s], n, &frames[(size_t)slot * c->slot_size]);
    ring->len[slot] = (uint32_t)total - VIRTIO_NET_HDR_SIZE;
    __atomic_store_n(&ring->head, head + 1u, __ATOMIC_RELEASE);
    return true;
}

/* Tell the receiver of end s's frames: its partition's waiting word, then its vCPU's change flag (a kick). */
static void vnet_wake(uint32_t s)
{
    const struct cfg_netdev *r = &cfg_netdevs[cfg_netdevs[s].peer];

    /* Sequentially consistent, before the change flag: see virtio_net_receive(). */
    __atomic_store_n(&vnet_waiting[r->partition], 1u, __ATOMIC_SEQ_CST);
    vgic_wake(r->partition, vgic_spi_target(r->partition, r->vintid));
}

/* What became of one frame offered to a receiver. */
enum vnet_rx_result {
    VNET_RX_DELIVERED = 0,  /**< in a buffer, on the used ring */
    VNET_RX_DROPPED,        /**< the posted buffer is too small: dropped, the buffer stays posted */
    VNET_RX_WAIT,           /**< no buffer posted, or the receiver broke a rule: the frame stays */
};

/* On the receiver's CPU: copy frame (len bytes) into the next buffer end r posted. */
static enum vnet_rx_result vnet_rx_one(uint32_t r, const uint8_t *frame, uint32_t len)
{
    struct virtio_net *re = &vnet_ends[r];
    struct virtio_net_queue *rq = &re->q[VIRTIO_NET_RXQ];
    /* virtio_net_hdr (5.1.6): no offloads negotiated, so all zero but num_buffers = 1. */
    static const uint8_t hdr[VIRTIO_NET_HDR_SIZE] = { 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 1u, 0u };
    struct vnet_cursor dst = { vnet_scratch[r], 0u, 0u, 0u };
    enum virtio_net_fault f;
    uint64_t cap = 0u;
    uint32_t budget = rq->num;
    uint32_t head;
    uint16_t pending = (uint16_t)(vnet_avail_idx(rq) - rq->last_avail);

    if (pending > rq->num) {
        vnet_fail(r, VNET_BAD_AVAIL_IDX);
        return VNET_RX_WAIT;
    }
    if (pending == 0u) {
        return VNET_RX_WAIT;  /* no buffer posted: the frame waits for the next RX notify */
    }
    head = vnet_next_head(rq);
    if (head >= rq->num) {
        vnet_fail(r, VNET_BAD_HEAD);
        return VNET_RX_WAIT;
    }
    /* One queue's worth of descriptors per chain: a longer chain loops. */
    f = vnet_chain(cfg_netdevs[r].partition, rq, head, true, vnet_scratch[r], &dst.n, &cap, &budget);
    if (f != VNET_OK) {
        vnet_fail(r, f);
        return VNET_RX_WAIT;
    }
    if (cap < ((uint64_t)len + VIRTIO_NET_HDR_SIZE)) {
        return VNET_RX_DROPPED;
    }
    vnet_put(&dst, hdr, VIRTIO_NET_HDR_SIZE);
    vnet_put(&dst, frame, len);
    rq->last_avail++;
    vnet_push_used(rq, head, len + VIRTIO_NET_HDR_SIZE);
    re->rx_frames++;
    return VNET_RX_DELIVERED;
}

/*
 * On the receiver's CPU, end r's lock held: take the frames its peer left in
 * its slots, at most the slots' count, into r's posted buffers. A receiver not
 * taking frames (driver not live, RX queue off) drops them. True if a frame
 * was delivered (the RX interrupt may have been raised).
 */
static bool vnet_rx(uint32_t r)
{
    const struct cfg_netdev *sc = &cfg_netdevs[cfg_netdevs[r].peer];
    struct vnet_ring *ring = &vnet_rings[cfg_netdevs[r].peer];
    struct virtio_net *re = &vnet_ends[r];
    uint32_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
    uint32_t tail = ring->tail;
    uint32_t delivered = 0u;
    uint32_t waiting = head - tail;
    uint32_t i;
    /* waiting <= slots: the sender never publishes more; the bound keeps the loop bounded regardless. */
    uint32_t n = (waiting < sc->slots) ? waiting : sc->slots;

    if (!vnet_live(re) || (re->q[VIRTIO_NET_RXQ].ready == 0u)) {
        re->rx_dropped += n;
        __atomic_store_n(&ring->tail, tail + n, __ATOMIC_RELEASE);
        return false;
    }
    for (i = 0u; i < n; i++) {
        uint32_t slot = tail % sc->slots;
        enum vnet_rx_result res = vnet_rx_one(r, sc->frames + ((size_t)slot * sc->slot_size), ring->len[slot]);

        if (res == VNET_RX_WAIT) {
            break;
        }
        if (res == VNET_RX_DELIVERED) {
            delivered++;
        } else {
            re->rx_dropped++;
        }
        tail++;
    }
    __atomic_store_n(&ring->tail, tail, __ATOMIC_RELEASE);
    if (delivered > 0u) {
        vnet_kick(r, &re->q[VIRTIO_NET_RXQ]);
    }
    return delivered > 0u;
}

/* QueueNotify of end s's TX queue: send every available frame, at most one queue's worth of descriptors. */
static void vnet_tx(uint32_t s)
{
    struct virtio_net *e = &vnet_ends[s];
    struct virtio_net_queue *q = &e->q[VIRTIO_NET_TXQ];
    uint64_t max = VIRTIO_NET_HDR_SIZE + VIRTIO_NET_ETH_HDR + (uint64_t)cfg_netdevs[s].mtu;
    uint32_t tx_budget = q->num;
    uint16_t pending;
    uint32_t done = 0u;
    uint32_t sent = 0u;
    uint32_t i;

    if (!vnet_live(e) || (q->ready == 0u)) {
        return;
    }
    pending = (uint16_t)(vnet_avail_idx(q) - q->last_avail);
    if (pending > q->num) {
        vnet_fail(s, VNET_BAD_AVAIL_IDX);
        return;
    }
    for (i = 0u; i < pending; i++) {
        uint32_t head = vnet_next_head(q);
        enum virtio_net_fault f = VNET_BAD_HEAD;
        uint32_t n = 0u;
        uint64_t total = 0u;

        if (head < q->num) {
            f = vnet_chain(cfg_netdevs[s].partition, q, head, false, vnet_scratch[s], &n, &total, &tx_budget);
        }
        if ((f == VNET_OK) && ((total <= VIRTIO_NET_HDR_SIZE) || (total > max))) {
            f = VNET_BAD_LENGTH;
        }
        if (f != VNET_OK) {
            vnet_fail(s, f);
            break;
        }
        if (vnet_send(s, n, total)) {
            e->tx_frames++;
            sent++;
        } else {
            e->tx_dropped++;
        }
        q->last_avail++;
        vnet_push_used(q, head, 0u);
        done++;
    }
    if (done > 0u) {
        vnet_kick(s, q);
    }
    if (sent > 0u) {
        vnet_wake(s);
    }
}

/* ---- registers ---- */

/* The device-specific configuration (5.1.4), little-endian, as bytes. */
static void vnet_config(uint32_t dev, uint8_t cfg[VIRTIO_NET_CFG_SIZE])
{
    const struct cfg_netdev *c = &cfg_netdevs[dev];

    (void)memcpy(&cfg[VIRTIO_NET_CFG_MAC], c->mac, 6u);
    cfg[VIRTIO_NET_CFG_STATUS] = vnet_ends[dev].link_up ? (uint8_t)VIRTIO_NET_S_LINK_UP : 0u;
    cfg[VIRTIO_NET_CFG_STATUS + 1u] = 0u;
    cfg[VIRTIO_NET_CFG_MAX_PAIRS] = 1u;
    cfg[VIRTIO_NET_CFG_MAX_PAIRS + 1u] = 0u;
    cfg[VIRTIO_NET_CFG_MTU] = (uint8_t)(c->mtu & 0xffu);
    cfg[VIRTIO_NET_CFG_MTU + 1u] = (uint8_t)(c->mtu >> 8);
}

/* A read of the configuration space: any size inside it, zero beyond (4.2.2). */
static bool vnet_config_read(uint32_t dev, struct mmio_access *a)
{
    uint8_t cfg[VIRTIO_NET_CFG_SIZE];
    uint64_t off = a->offset - VIRTIO_MMIO_CONFIG;
    uint32_t i;

    if (a->write) {
        return true;  /* every field is read-only for the driver */
    }
    vnet_config(dev, cfg);
    a->value = 0u;
    for (i = 0u; i < a->size; i++) {
        if ((off + i) < VIRTIO_NET_CFG_SIZE) {
            a->value |= (uint64_t)cfg[off + i] << ((uint64_t)i * 8u);
        }
    }
    return true;
}

static struct virtio_net_queue *vnet_sel(struct virtio_net *e)
{
    return (e->queue_sel < VIRTIO_NET_NUM_QUEUES) ? &e->q[e->queue_sel] : NULL;
}

/* Set the low or high half of a ring address while the queue is not ready (4.2.2). */
static void vnet_set_addr(struct virtio_net_queue *q, uint64_t *field, bool high, uint32_t v)
{
    if ((q == NULL) || (q->ready != 0u)) {
        return;
    }
    if (high) {
        *field = (*field & 0xffffffffULL) | ((uint64_t)v << 32);
    } else {
        *field = (*field & ~0xffffffffULL) | v;
    }
}

/* A write to Status: 0 resets; FEATURES_OK only for an acceptable feature set (3.1.1). */
static void vnet_write_status(uint32_t dev, uint32_t v)
{
    struct virtio_net *e = &vnet_ends[dev];
    uint32_t s = v & 0xffu;

    if (s == 0u) {
        vnet_reset_locked(dev);
        return;
    }
    if (((s & VIRTIO_STATUS_FEATURES_OK) != 0u) && ((e->status & VIRTIO_STATUS_FEATURES_OK) == 0u)) {
        bool ok = ((e->drv_features & ~VIRTIO_NET_FEATURES) == 0u) &&
                  ((e->drv_features & (1ULL << VIRTIO_F_VERSION_1)) != 0u);

        if (!ok) {
            s &= ~VIRTIO_STATUS_FEATURES_OK;
        }
    }
    /* NEEDS_RESET is the device's to set and only a reset clears it. */
    e->status = (e->status & VIRTIO_STATUS_NEEDS_RESET) | (s & ~VIRTIO_STATUS_NEEDS_RESET);
}

static void vnet_write_queue_ready(uint32_t dev, struct virtio_net_queue *q, uint32_t v)
{
    if (q == NULL) {
        return;
    }
    if (v == 0u) {
        q->ready = 0u;
        return;
    }
    if (!vnet_queue_setup(dev, q)) {
        vnet_fail(dev, VNET_BAD_RING);
        return;
    }
    q->last_avail = 0u;
    q->used_idx = 0u;
    q->ready = 1u;
}

static void vnet_reg_write(uint32_t dev, uint64_t off, uint32_t v)
{
    struct virtio_net *e = &vnet_ends[dev];
    struct virtio_net_queue *q = vnet_sel(e);

    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        e->dev_features_sel = v;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (e->drv_features_sel == 0u) {
            e->drv_features = (e->drv_features & ~0xffffffffULL) | v;
        } else if (e->drv_features_sel == 1u) {
            e->drv_features = (e->drv_features & 0xffffffffULL) | ((uint64_t)v << 32);
        } else {
            /* no features beyond bit 63 */
        }
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        e->drv_features_sel = v;
        break;
    case VIRTIO_MMIO_QUEUE_SEL:
        e->queue_sel = v;
        break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if ((q != NULL) && (q->ready == 0u)) {
            q->num = v;
        }
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        vnet_write_queue_ready(dev, q, v);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        if (v == VIRTIO_NET_TXQ) {
            vnet_tx(dev);
        } else if (v == VIRTIO_NET_RXQ) {
            (void)vnet_rx(dev);  /* new buffers: frames waiting in the peer's slots go in now */
        } else {
            /* no such queue */
        }
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        e->isr &= ~v;
        vnet_update_irq(dev);
        break;
    case VIRTIO_MMIO_STATUS:
        vnet_write_status(dev, v);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        vnet_set_addr(q, (q != NULL) ? &q->desc : NULL, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        vnet_set_addr(q, (q != NULL) ? &q->avail : NULL, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, v);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        vnet_set_addr(q, (q != NULL) ? &q->used : NULL, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, v);
        break;
    default:
        break;  /* read-only or unimplemented: ignored */
    }
}

static uint32_t vnet_queue_read(const struct virtio_net_queue *q, uint64_t off, uint32_t max)
{
    if (q == NULL) {
        return 0u;
    }
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return max;
    case VIRTIO_MMIO_QUEUE_READY:
        return q->ready;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return (uint32_t)q->desc;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        return (uint32_t)(q->desc >> 32);
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        return (uint32_t)q->avail;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        return (uint32_t)(q->avail >> 32);
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        return (uint32_t)q->used;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return (uint32_t)(q->used >> 32);
    default:
        return 0u;
    }
}

static uint32_t vnet_reg_read(uint32_t dev, uint64_t off)
{
    const struct virtio_net *e = &vnet_ends[dev];

    switch (off) {
    case VIRTIO_MMIO_MAGIC:
        return VIRTIO_MMIO_MAGIC_VALUE;
    case VIRTIO_MMIO_VERSION:
        return 2u;
    case VIRTIO_MMIO_DEVICE_ID:
        return VIRTIO_ID_NET;
    case VIRTIO_MMIO_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR_SEPTUM;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        if (e->dev_features_sel == 0u) {
            return (uint32_t)VIRTIO_NET_FEATURES;
        }
        return (e->dev_features_sel == 1u) ? (uint32_t)(VIRTIO_NET_FEATURES >> 32) : 0u;
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return e->isr;
    case VIRTIO_MMIO_STATUS:
        return e->status;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return e->config_gen;
    default:
        return vnet_queue_read((e->queue_sel < VIRTIO_NET_NUM_QUEUES) ? &e->q[e->queue_sel] : NULL, off,
                               cfg_netdevs[dev].queue_size);
    }
}

bool virtio_net_mmio(uint32_t dev, struct mmio_access *a)
{
    struct arch_lock *lock;
    bool ok = true;

    if (dev >= vnet_count) {
        return false;
    }
    if (a->offset >= VIRTIO_MMIO_CONFIG) {
        if ((a->size > 4u) || ((a->offset & (a->size - 1u)) != 0u)) {
            return false;
        }
    } else if ((a->size != 4u) || ((a->offset & 3u) != 0u)) {
        return false;  /* registers are 32-bit (4.2.2) */
    } else {
        /* an aligned 32-bit register access */
    }
    lock = &vnet_locks[dev];
    arch_lock_acquire(lock);
    if (a->offset >= VIRTIO_MMIO_CONFIG) {
        ok = vnet_config_read(dev, a);
    } else if (a->write) {
        vnet_reg_write(dev, a->offset, (uint32_t)a->value);
        vnet_publish_open(dev);
    } else {
        a->value = vnet_reg_read(dev, a->offset);
    }
    arch_lock_release(lock);
    return ok;
}

void virtio_net_reset_partition(uint32_t p)
{
    uint32_t i;

    for (i = 0u; i < vnet_count; i++) {
        if (cfg_netdevs[i].partition == p) {
            arch_lock_acquire(&vnet_locks[i]);
            vnet_reset_locked(i);
            vnet_publish_open(i);
            arch_lock_release(&vnet_locks[i]);
        }
    }
}

bool virtio_net_receive(uint32_t p)
{
    bool raised = false;
    uint32_t i;

    /* Cleared before looking, after the caller's vGIC flush cleared the change flag: a frame a
     * sender publishes after this exchange sets the word again and finds the flag clear, so
     * it kicks (both sides sequentially consistent). */
    if (__atomic_exchange_n(&vnet_waiting[p], 0u, __ATOMIC_SEQ_CST) == 0u) {
        return false;
    }
    for (i = 0u; i < vnet_count; i++) {
        if (cfg_netdevs[i].partition == p) {
            arch_lock_acquire(&vnet_locks[i]);
            if (vnet_rx(i)) {
                raised = true;
            }
            arch_lock_release(&vnet_locks[i]);
        }
    }
    return raised;
}

void virtio_net_peer_changed(uint32_t p)
{
    uint32_t i;

    for (i = 0u; i < vnet_count; i++) {
        struct virtio_net *e = &vnet_ends[i];
        bool up;

        if (cfg_netdevs[cfg_netdevs[i].peer].partition != p) {
            continue;
        }
        /* End i is the other partition's: its lock, briefly (no copy into p happens here any more). */
        arch_lock_acquire(&vnet_locks[i]);
        up = vnet_peer_running(i);
        if (up != e->link_up) {
            e->link_up = up;
            e->config_gen++;
            if ((e->status & VIRTIO_STATUS_DRIVER_OK) != 0u) {
                e->isr |= VIRTIO_MMIO_INT_CONFIG;
                vnet_update_irq(i);
            }
        }
        arch_lock_release(&vnet_locks[i]);
    }
}

const struct virtio_net *virtio_net_get(uint32_t dev)
{
    return (dev < vnet_count) ? &vnet_ends[dev] : NULL;
}
