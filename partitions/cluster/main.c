/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Instrument cluster: simulates vehicle signals on a deterministic drive
 * cycle and renders one frame per period to its console. A frame that starts
 * late is counted, never skipped silently.
 */
#include "nav_msg.h"
#include "partition.h"
#include "septum.h"
#include "septum_seq.h"
#include "sp_net.h"

/* The IVI partition, if this system lets the cluster watch it (health subscribers). */
#ifdef SP_WATCH_IVI
#define CLUSTER_IVI SP_WATCH_IVI
#define CLUSTER_NOTIFY_INTID SP_HEALTH_NOTIFY_INTID
#else
#define CLUSTER_IVI 0xffffffffu
#define CLUSTER_NOTIFY_INTID 0u
#endif

/** Frames per second. */
#define CLUSTER_FPS 10u
/** Length of the repeating drive cycle, in frames. */
#define CYCLE_FRAMES (60u * CLUSTER_FPS)

/** Vehicle signals shown in one frame. */
struct signals {
    uint32_t speed_kmh;
    uint32_t rpm;
    uint32_t gear;
};

/* Speed over the drive cycle: accelerate 20 s, cruise 20 s, brake 15 s, stand 5 s. */
static uint32_t cycle_speed(uint32_t f)
{
    uint32_t pos = f % CYCLE_FRAMES;

    if (pos < 200u) {
        return pos / 2u;
    }
    if (pos < 400u) {
        return 100u;
    }
    if (pos < 550u) {
        return 100u - (((pos - 400u) * 2u) / 3u);
    }
    return 0u;
}

static struct signals simulate(uint32_t f)
{
    static const uint32_t gear_top_kmh[] = { 0u, 20u, 40u, 60u, 80u, 250u };
    struct signals s;
    uint32_t g = 0u;

    s.speed_kmh = cycle_speed(f);
    if (s.speed_kmh > 0u) {
        g = 1u;
        while ((g < 5u) && (s.speed_kmh > gear_top_kmh[g])) {
            g++;
        }
    }
    s.gear = g;
    s.rpm = (g == 0u) ? 800u : (800u + ((s.speed_kmh - gear_top_kmh[g - 1u]) * 2400u) / 20u);
    if (s.rpm > 4000u) {
        s.rpm = 4000u;
    }
    return s;
}

/* The nav channel from the IVI, if this system has one. */
#ifdef SP_CHAN_NAV_BASE
#define CLUSTER_NAV_BASE SP_CHAN_NAV_BASE
#define CLUSTER_NAV_CTL SP_CHAN_NAV_CTL
#define CLUSTER_NAV_INTID SP_CHAN_NAV_INTID
#define CLUSTER_NAV_IVI_BIT (1u << SP_CHAN_NAV_PEER_IVI)
#else
#define CLUSTER_NAV_BASE 0u
#define CLUSTER_NAV_CTL 0u
#define CLUSTER_NAV_INTID 0u
#define CLUSTER_NAV_IVI_BIT 0u
#endif

/* Set by the nav doorbell: a new message may be there. */
static volatile uint32_t nav_changed;
/* The last complete message, "" when none since the IVI (re)started. */
static char nav_text[NAV_TEXT_MAX];
/* Sequence number of nav_text: a new one is acknowledged once. */
static uint32_t nav_seq;

/* Set by the health notification: the IVI's state must be read again. */
static volatile uint32_t ivi_changed = 1u;

static void on_irq(uint32_t intid)
{
    if (intid == CLUSTER_NOTIFY_INTID) {
        ivi_changed = 1u;
    }
    if ((CLUSTER_NAV_INTID != 0u) && (intid == CLUSTER_NAV_INTID)) {
        /* Reading clears. The IVI is the only writer; a state change means "look again" too. */
        uint32_t pending = sp_chan_pending(CLUSTER_NAV_CTL);

        if ((pending & SEPTUM_CHAN_PENDING_STATE) != 0u) {
            ivi_changed = 1u;
        }
        if ((pending & CLUSTER_NAV_IVI_BIT) != 0u) {
            nav_changed = 1u;
        }
    }
}

/* Copy the channel's message if it is complete (septum_seq.h); acknowledge a new one to the IVI. */
static void nav_read(void)
{
    const struct nav_msg *m = (const struct nav_msg *)(uintptr_t)CLUSTER_NAV_BASE;
    char copy[sizeof(nav_text)];
    uint32_t seq = septum_seq_read_begin(&m->seq);

    septum_seq_copy(copy, m->text, sizeof(copy));
    if (septum_seq_read_retry(&m->seq, seq)) {
        return;
    }
    nav_changed = 0u;
    copy[sizeof(copy) - 1u] = '\0';
    septum_seq_copy(nav_text, copy, sizeof(copy));
    if (seq != nav_seq) {
        nav_seq = seq;
        sp_chan_notify(CLUSTER_NAV_CTL, CLUSTER_NAV_IVI_BIT);
    }
}

/* What the cluster shows about the IVI: navigation comes from it, so say when it is down. */
static void ivi_status(char *buf, size_t size)
{
    static uint32_t state = SEPTUM_STATE_RUNNING;
    static uint64_t restarts;
    struct sp_hvc_result r;

    if (CLUSTER_IVI == 0xffffffffu) {
        buf[0] = '\0';
        return;
    }
    if (ivi_changed != 0u) {
        ivi_changed = 0u;
        r = sp_hvc(SEPTUM_HVC_PARTITION_STATE, CLUSTER_IVI, 0u, 0u);
        state = (r.x0 >= 0) ? (uint32_t)r.x0 : SEPTUM_STATE_HALTED;
        restarts = r.x1;
        /* Whatever the IVI said before a state change is stale now. */
        nav_text[0] = '\0';
    }
    if ((CLUSTER_NAV_BASE != 0u) && (nav_changed != 0u) && (state == SEPTUM_STATE_RUNNING)) {
        nav_read();
    }
    if ((state == SEPTUM_STATE_RUNNING) && (nav_text[0] != '\0')) {
        (void)sp_snprintf(buf, size, " | NAV %s | IVI up, %lu restarts", nav_text, (unsigned long)restarts);
    } else if (state == SEPTUM_STATE_RUNNING) {
        (void)sp_snprintf(buf, size, " | IVI up, %lu restarts", (unsigned long)restarts);
    } else {
        (void)sp_snprintf(buf, size, " | NAV unavailable (IVI %s)",
                          (state == SEPTUM_STATE_HALTED) ? "down" : "starting");
    }
}

#ifdef CLUSTER_CRASH_KEY
/* PL011 TRM (DDI 0183) 3.3: data register, flag register and its RX-FIFO-empty bit. */
#define CLUSTER_PL011_DR 0x000u
#define CLUSTER_PL011_FR 0x018u
#define CLUSTER_PL011_FR_RXFE (1u << 4)
/*
 * Test builds only (tests/partitions/cluster_crash): CLUSTER_CRASH_KEY typed on
 * the cluster's console makes it read CLUSTER_CRASH_IPA, which it does not own,
 * so that a test can have the health monitor restart it.
 */
static void cluster_test_hook(void)
{
    uint32_t c;

    if ((sp_mmio_read32(SP_VUART_BASE + CLUSTER_PL011_FR) & CLUSTER_PL011_FR_RXFE) != 0u) {
        return;
    }
    c = sp_mmio_read32(SP_VUART_BASE + CLUSTER_PL011_DR) & 0xffu;
    if (c == CLUSTER_CRASH_KEY) {
        sp_printf("cluster: fault requested on the console (test build)\n");
        (void)sp_mmio_read32(CLUSTER_CRASH_IPA);
    }
}
#else
static void cluster_test_hook(void)
{
}
#endif

/* The link to the IVI, if this system has one: 10.42.0.2, "now playing" text on UDP port 5005. */
#ifdef SP_LINK_MEDIA_BASE
#define CLUSTER_LINK_BASE SP_LINK_MEDIA_BASE
#else
#define CLUSTER_LINK_BASE 0u
#endif
#define CLUSTER_MEDIA_PORT 5005u

static struct sp_net media_net;
static int media_ok = -1;
/* The last media text received, printable ASCII only. */
static char media_text[48];

static void on_media(const uint8_t *payload, size_t len, const uint8_t src_ip[4])
{
    size_t i;
    size_t k = 0u;

    (void)src_ip;
    for (i = 0u; (i < len) && (k < (sizeof(media_text) - 1u)); i++) {
        if ((payload[i] >= 0x20u) && (payload[i] < 0x7fu)) {
            media_text[k++] = (char)payload[i];
        }
    }
    media_text[k] = '\0';
}

/* Poll the media link and describe it for the frame line. */
static void media_status(char *buf, size_t size)
{
    buf[0] = '\0';
    if (media_ok != 0) {
        return;
    }
    sp_net_poll(&media_net);
    if (!sp_net_link_up(&media_net)) {
        media_text[0] = '\0';
        (void)sp_snprintf(buf, size, " | MEDIA link down");
    } else if (media_text[0] != '\0') {
        (void)sp_snprintf(buf, size, " | MEDIA %s", media_text);
    } else {
        /* nothing yet */
    }
}

int main(void)
{
    uint64_t hz = sp_counter_hz();
    uint64_t period = hz / CLUSTER_FPS;
    uint64_t start = sp_counter();
    uint32_t late = 0u;
    uint32_t frame;
    struct sp_hvc_result v = sp_hvc(SEPTUM_HVC_VERSION, 0u, 0u, 0u);

    char ivi[112];
    char media[64];

    sp_printf("cluster up: Septum ABI %ld.%ld, %lu Hz counter, %u frames/s\n", (long)(v.x0 >> 16),
              (long)(v.x0 & 0xffff), (unsigned long)hz, CLUSTER_FPS);
    if (CLUSTER_IVI != 0xffffffffu) {
        /* Health notifications about the IVI arrive as an interrupt. */
        sp_gic_init_dist();
        sp_gic_init_cpu(on_irq);
        sp_irq_enable(CLUSTER_NOTIFY_INTID);
        if (CLUSTER_NAV_INTID != 0u) {
            sp_irq_enable(CLUSTER_NAV_INTID);
        }
        sp_irq_unmask();
    }
    if (CLUSTER_LINK_BASE != 0u) {
        static const uint8_t ip[4] = { 10u, 42u, 0u, 2u };

        media_ok = sp_net_init(&media_net, CLUSTER_LINK_BASE, ip, CLUSTER_MEDIA_PORT, on_media);
        sp_printf("link media: %s, 10.42.0.2, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u\n",
                  (media_ok == 0) ? "up" : "no device", media_net.mac[0], media_net.mac[1], media_net.mac[2],
                  media_net.mac[3], media_net.mac[4], media_net.mac[5], media_net.mtu);
    }
    for (frame = 0u;; frame++) {
        uint64_t deadline = start + ((uint64_t)frame * period);
        uint64_t now = sp_counter();
        struct signals s;
        uint64_t lag;

        if (now > deadline + period) {
            late++;
        }
        sp_wait_until(deadline);
        /* How late this frame started, in ns: its jitter (freedom from interference is measured with it). */
        lag = ((sp_counter() - deadline) * 1000000000u) / hz;
        /* One heartbeat per frame: the watchdog (health policy) catches a stuck cluster. */
        (void)sp_hvc(SEPTUM_HVC_HEARTBEAT, 0u, 0u, 0u);
        s = simulate(frame);
        ivi_status(ivi, sizeof(ivi));
        media_status(media, sizeof(media));
        if ((CLUSTER_IVI == 0xffffffffu) && (CLUSTER_LINK_BASE == 0u)) {
            /* Without IVI and link (the measurement systems) the line has room for the lag; with them it
             * would pass the console's 160 characters and be cut. */
            sp_printf("frame %u t=%u.%us speed %u km/h rpm %u gear %u late %u lag %lu ns\n", frame, frame / CLUSTER_FPS,
                      frame % CLUSTER_FPS, s.speed_kmh, s.rpm, s.gear, late, (unsigned long)lag);
        } else {
            sp_printf("frame %u t=%u.%us speed %u km/h rpm %u gear %u late %u%s%s\n", frame, frame / CLUSTER_FPS,
                      frame % CLUSTER_FPS, s.speed_kmh, s.rpm, s.gear, late, media, ivi);
        }
        cluster_test_hook();
    }
    return 0;
}
