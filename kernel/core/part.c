/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partitions and vCPUs: run-time state beside the generated tables, the
 * guest-physical range check that guards every hypercall argument, image
 * loading and the halt policy.
 */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "lib.h"
#include "health.h"
#include "psci.h"
#include "trap.h"
#include "vcpu.h"
#include "vdev.h"
#include "vgic.h"

static struct vcpu vcpus[CFG_NUM_VCPUS];
static struct partition parts[CFG_NUM_PARTITIONS];
/* CFG_NUM_BLOBS as an object: an empty table then compiles without warnings. */
static const uint32_t part_num_blobs = CFG_NUM_BLOBS;
/* Guards the vCPU states of each partition (PSCI calls come from any of its vCPUs). */
static struct arch_lock part_locks[CFG_NUM_PARTITIONS];

struct vcpu *vcpu_get(uint32_t id)
{
    KASSERT(id < CFG_NUM_VCPUS);
    return &vcpus[id];
}

struct partition *part_get(uint32_t p)
{
    KASSERT(p < CFG_NUM_PARTITIONS);
    return &parts[p];
}

void part_init_all(void)
{
    /* Set by the first call: the kernel's only one (boot_primary, the cold boot); the host's tests call it again. */
    static bool part_inited;
    uint32_t i;

    /* The first call finds vcpus and parts as the boot cleared .bss, before any other use of them:
     * not cleared twice (issue 11, "no double zeroing": about 390 instructions of the boot). */
    if (part_inited) {
        (void)memset(vcpus, 0, sizeof(vcpus));
        (void)memset(parts, 0, sizeof(parts));
    }
    part_inited = true;
    for (i = 0u; i < CFG_NUM_PARTITIONS; i++) {
        parts[i].checksum = *cfg_partitions[i].digest;
    }
    for (i = 0u; i < CFG_NUM_VCPUS; i++) {
        vcpus[i].id = i;
        vcpus[i].partition = cfg_vcpus[i].partition;
        vcpus[i].state = VCPU_OFF;
    }
}

/* True if [ipa, ipa+len) lies inside region r; len > 0 and no wrap-around checked by caller. */
/*@ requires \valid_read(r);
    assigns \nothing;
    ensures \result <==> (r->ipa <= ipa && ipa + len <= r->ipa + r->size);
*/
static bool part_region_contains(const struct cfg_region *r, uint64_t ipa, uint64_t len)
{
    if (ipa < r->ipa) {
        return false;
    }
    /* ipa >= r->ipa here, so the subtraction cannot wrap. */
    return (len <= r->size) && ((ipa - r->ipa) <= (r->size - len));
}

/*
 * ACSL contract, proved by Frama-C WP with run-time error checks (make proofs):
 * an accepted range lies inside one region of partition p that grants perm, and
 * *pa is its translation; a refused range leaves *pa alone. The tables are assumed
 * as the generator guarantees them (regions of p in bounds, no PA wrap-around).
 */
/*@ predicate part_tables_ok(integer p) =
      cfg_partitions[p].first_region + cfg_partitions[p].num_regions <= CFG_NUM_REGIONS &&
      \forall integer i; 0 <= i < CFG_NUM_REGIONS ==> cfg_regions[i].pa + cfg_regions[i].size <= UINT64_MAX + 1;
    predicate part_grants(integer p, integer i, integer ipa, integer len, integer perm, integer pa) =
      cfg_partitions[p].first_region <= i < cfg_partitions[p].first_region + cfg_partitions[p].num_regions &&
      cfg_regions[i].ipa <= ipa && ipa + len <= cfg_regions[i].ipa + cfg_regions[i].size &&
      (cfg_regions[i].perm & perm) == perm && pa == cfg_regions[i].pa + (ipa - cfg_regions[i].ipa);
*/
/*@ requires \valid_read(cfg_partitions + (0 .. CFG_NUM_PARTITIONS - 1));
    requires \valid_read(cfg_regions + (0 .. CFG_NUM_REGIONS - 1));
    requires p < CFG_NUM_PARTITIONS ==> part_tables_ok(p);
    requires \valid(pa);
    assigns *pa;
    ensures \result ==> p < CFG_NUM_PARTITIONS && 0 < len && ipa + len <= UINT64_MAX + 1;
    ensures \result ==> \exists integer i; part_grants(p, i, ipa, len, perm, *pa);
    ensures !\result ==> *pa == \old(*pa);
*/
bool part_ipa_range_to_pa(uint32_t p, uint64_t ipa, uint64_t len, uint32_t perm, uint64_t *pa)
{
    const struct cfg_partition *cp;
    uint32_t i;

    if ((p >= CFG_NUM_PARTITIONS) || (len == 0u)) {
        return false;
    }
    if (ipa > (UINT64_MAX - len)) {
        return false;
    }
    cp = &cfg_partitions[p];
    /*@ loop invariant 0 <= i <= cp->num_regions;
        loop assigns i;
        loop variant cp->num_regions - i;
    */
    for (i = 0u; i < cp->num_regions; i++) {
        const struct cfg_region *r = &cfg_regions[cp->first_region + i];

        if (!part_region_contains(r, ipa, len)) {
            continue;
        }
        if ((r->perm & perm) != perm) {
            return false;
        }
        *pa = r->pa + (ipa - r->ipa);
        /*@ assert part_grants(p, cp->first_region + i, ipa, len, perm, *pa); */
        return true;
    }
    return false;
}

/* Copy [src, end) to guest-physical ipa of partition p; false if it does not fit a writable region. */
static bool part_copy_in(uint32_t p, const char *what, const uint8_t *src, const uint8_t *end, uint64_t ipa)
{
    ptrdiff_t len = end - src;
    uint64_t size = (uint64_t)len;
    uint64_t pa;

    if (!part_ipa_range_to_pa(p, ipa, size, CFG_PERM_W, &pa)) {
        console_hyp_printf("partition '%s': %s of %lu bytes does not fit at IPA 0x%lx", cfg_partitions[p].name, what,
                           (unsigned long)size, (unsigned long)ipa);
        return false;
    }
    (void)memcpy(arch_phys_to_virt(pa), src, (size_t)size);
    arch_sync_guest_image(pa, size);
    return true;
}

/* Copy p's boot image and blobs into its memory; false (said why) if one does not fit. */
static bool part_copy_all(uint32_t p)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    uint32_t i;

    if (!part_copy_in(p, "image", cp->image, cp->image_end, cp->load_ipa)) {
        return false;
    }
    for (i = 0u; i < part_num_blobs; i++) {
        const struct cfg_blob *b = &cfg_blobs[i];

        if ((b->partition == p) && !part_copy_in(p, b->what, b->start, b->end, b->load_ipa)) {
            return false;
        }
    }
    return true;
}

/* Checksum of [ipa, ipa+len) of p as loaded, chained on h; *ok cleared if it is not p's memory. */
static uint64_t part_loaded_sum(uint32_t p, uint64_t h, uint64_t ipa, uint64_t len, bool *ok)
{
    uint64_t pa;

    if (!part_ipa_range_to_pa(p, ipa, len, CFG_PERM_R, &pa)) {
        *ok = false;
        return h;
    }
    return lib_checksum(h, arch_phys_to_virt(pa), (size_t)len);
}

/* Does what was just loaded into p match the digest the build took of its images (cfg_partitions[p].digest)? */
static bool part_verify_loaded(uint32_t p)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    bool ok = true;
    ptrdiff_t len = cp->image_end - cp->image;
    uint64_t h = part_loaded_sum(p, 0u, cp->load_ipa, (uint64_t)len, &ok);
    uint32_t i;

    for (i = 0u; i < part_num_blobs; i++) {
        const struct cfg_blob *b = &cfg_blobs[i];

        if (b->partition == p) {
            len = b->end - b->start;
            h = part_loaded_sum(p, h, b->load_ipa, (uint64_t)len, &ok);
        }
    }
    return ok && (h == parts[p].checksum);
}

bool part_load(uint32_t p)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    struct vcpu *v = &vcpus[cp->first_vcpu];
    bool reload = parts[p].loaded;
    uint32_t dropped;

    if (!part_copy_all(p)) {
        return false;
    }
    parts[p].loaded = true;
    /*
     * Only a reload (a restart) is checked, where it landed, against the digest the build
     * took of the images (tools/image-digest): a read-only copy corrupted while the system
     * ran (a stray DMA, a bit flip) or a bad copy both show. The cold boot checks nothing:
     * its images are the bytes the boot loader just placed, the digest was taken of those
     * same files, and checking the loader's copy is the loader's job (U-Boot's FIT hashes,
     * a secure boot chain); reading them twice more would cost every boot about as much as
     * the copy (17,600 instructions for a 20 KiB bare-metal program, 27 MB for the IVI).
     */
    if (reload && !part_verify_loaded(p)) {
        console_hyp_printf("partition '%s': read-only image copy corrupted (checksum of the reload) " CONSOLE_EMDASH
                           " halted",
                           cp->name);
        return false;
    }
    vdev_reset(p);
    dropped = console_part_discard(p);
    if (dropped != 0u) {
        console_hyp_printf("partition '%s': unfinished console line of the previous run dropped (%u bytes)", cp->name,
                           (unsigned)dropped);
    }
    (void)memset(&v->regs, 0, sizeof(v->regs));
    v->regs.pc = cp->entry_ipa;
    v->regs.x[0] = cp->boot_x0;
    /* EL1h with D, A, I and F masked: the state the Linux boot protocol asks for. */
    v->regs.pstate = SPSR_EL1H_DAIF;
    arch_lock_acquire(&part_locks[p]);
    v->state = VCPU_RUNNING;
    v->idle = false;
    parts[p].state = PART_STATE_STARTING;
    arch_lock_release(&part_locks[p]);
    health_heartbeat(p);
    health_notify(p);
    return true;
}

bool part_set_ready(uint32_t p)
{
    bool changed;

    arch_lock_acquire(&part_locks[p]);
    changed = (parts[p].state == PART_STATE_STARTING);
    if (changed) {
        parts[p].state = PART_STATE_RUNNING;
    }
    arch_lock_release(&part_locks[p]);
    return changed;
}

bool part_start(uint32_t p)
{
    bool start;

    arch_lock_acquire(&part_locks[p]);
    start = (parts[p].state == PART_STATE_HALTED);
    if (start) {
        /* Its vCPUs are halted and out of the guest: vCPU 0's CPU runs the reset sequence. */
        parts[p].state = PART_STATE_RESTARTING;
    }
    arch_lock_release(&part_locks[p]);
    if (start) {
        arch_send_event();
    }
    return start;
}

enum part_state part_state_get(uint32_t p)
{
    enum part_state s;

    arch_lock_acquire(&part_locks[p]);
    s = parts[p].state;
    arch_lock_release(&part_locks[p]);
    return s;
}

/* Stop every vCPU of p, leaving the partition in state, and get them out of the guest. */
static void part_stop(uint32_t p, enum part_state state)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    uint32_t self = arch_cpu_index();
    uint32_t i;

    arch_lock_acquire(&part_locks[p]);
    parts[p].state = state;
    for (i = 0u; i < cp->num_vcpus; i++) {
        vcpus[cp->first_vcpu + i].state = VCPU_HALTED;
    }
    arch_lock_release(&part_locks[p]);
    /* A stopped partition's devices must not keep interrupting anyone. */
    irq_silence_partition(p);
    for (i = 0u; i < cp->num_vcpus; i++) {
        uint32_t pcpu = cfg_vcpus[cp->first_vcpu + i].pcpu;

        if (pcpu != self) {
            arch_gic_send_sgi(pcpu, ARCH_SGI_KICK);
        }
    }
    arch_send_event();
}

void part_halt(uint32_t p)
{
    part_stop(p, PART_STATE_HALTED);
    console_focus_leave(p);
}

void part_restart(uint32_t p)
{
    part_stop(p, PART_STATE_RESTARTING);
}

void vcpu_set_idle(struct vcpu *v)
{
    arch_lock_acquire(&part_locks[v->partition]);
    v->idle = true;
    arch_lock_release(&part_locks[v->partition]);
}

void vcpu_clear_idle(struct vcpu *v)
{
    arch_lock_acquire(&part_locks[v->partition]);
    v->idle = false;
    arch_lock_release(&part_locks[v->partition]);
}

/* True when p is restarting and every one of its vCPUs has left the guest. */
static bool part_restart_ready(uint32_t p)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    bool ready;
    uint32_t i;

    arch_lock_acquire(&part_locks[p]);
    ready = (parts[p].state == PART_STATE_RESTARTING);
    for (i = 0u; i < cp->num_vcpus; i++) {
        ready = ready && vcpus[cp->first_vcpu + i].idle;
    }
    arch_lock_release(&part_locks[p]);
    return ready;
}

/*
 * Nothing of the previous run survives: zero every writable region, then
 * clean it to the point of coherency so that no dirty line of the
 * hypervisor's cacheable alias is written back over what a caches-off guest
 * writes later.
 */
static void part_scrub(uint32_t p)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    uint32_t i;

    for (i = 0u; i < cp->num_regions; i++) {
        const struct cfg_region *r = &cfg_regions[cp->first_region + i];

        if ((r->perm & CFG_PERM_W) != 0u) {
            arch_zero(r->pa, r->size);
        }
    }
    for (i = 0u; i < cp->num_regions; i++) {
        const struct cfg_region *r = &cfg_regions[cp->first_region + i];

        if ((r->perm & CFG_PERM_W) != 0u) {
            arch_dcache_clean_inval(r->pa, r->size);
        }
    }
}

/*
 * The reset sequence, on vCPU 0's CPU once every vCPU of p has stopped (each
 * stopped CPU has quiesced its own timers and list registers): deactivate the
 * hardware interrupts p held and restore their routing and configuration,
 * scrub and clean its memory, reload and verify its images, reset its
 * devices, start vCPU 0 (part_load does the last four).
 */
static bool part_reset(uint32_t p)
{
    const struct cfg_partition *cp = &cfg_partitions[p];
    uint32_t i;

    vgic_handlers.release(p);
    part_scrub(p);
    for (i = 0u; i < cp->num_vcpus; i++) {
        vcpus[cp->first_vcpu + i].state = VCPU_OFF;
    }
    if (!part_load(p)) {
        part_halt(p);
        return false;
    }
    console_hyp_printf("partition '%s' restarted", cp->name);
    return true;
}

bool part_restart_step(struct vcpu *v)
{
    uint32_t p = v->partition;

    if ((vcpu_index(v) != 0u) || !part_restart_ready(p)) {
        return false;
    }
    return part_reset(p);
}

uint32_t vcpu_index(const struct vcpu *v)
{
    return cfg_vcpus[v->id].index;
}

int64_t vcpu_power_on(struct vcpu *t, uint64_t entry, uint64_t context)
{
    int64_t rc = PSCI_SUCCESS;

    arch_lock_acquire(&part_locks[t->partition]);
    switch (t->state) {
    case VCPU_OFF:
        (void)memset(&t->regs, 0, sizeof(t->regs));
        t->regs.pc = entry;
        t->regs.x[0] = context;
        t->regs.pstate = SPSR_EL1H_DAIF;
        t->state = VCPU_ON_PENDING;
        break;
    case VCPU_ON_PENDING:
    case VCPU_RUNNING:
        /* Once a CPU_ON has returned SUCCESS its target is ON (DEN0022 5.6: a concurrent
         * CPU_ON sees ALREADY_ON, as under KVM and Xen). */
        rc = PSCI_ALREADY_ON;
        break;
    default:
        /* Halted with its partition: DENIED is not a CPU_ON return code (DEN0022 5.6.2). */
        rc = PSCI_INTERNAL_FAILURE;
        break;
    }
    arch_lock_release(&part_locks[t->partition]);
    if (rc == PSCI_SUCCESS) {
        arch_send_event();
    }
    return rc;
}

void vcpu_power_off(struct vcpu *v)
{
    arch_lock_acquire(&part_locks[v->partition]);
    if (v->state == VCPU_RUNNING) {
        v->state = VCPU_OFF;
    }
    arch_lock_release(&part_locks[v->partition]);
}

int64_t vcpu_affinity_state(const struct vcpu *t)
{
    switch (vcpu_state_get(t)) {
    case VCPU_RUNNING:
        return PSCI_AFF_ON;
    case VCPU_ON_PENDING:
        return PSCI_AFF_ON_PENDING;
    default:
        return PSCI_AFF_OFF;
    }
}

bool vcpu_take_start(struct vcpu *v)
{
    bool start;

    arch_lock_acquire(&part_locks[v->partition]);
    start = (v->state == VCPU_ON_PENDING);
    if (start) {
        v->state = VCPU_RUNNING;
        v->idle = false;
    }
    arch_lock_release(&part_locks[v->partition]);
    return start;
}

