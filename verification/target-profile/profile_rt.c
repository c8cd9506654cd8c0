/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Freestanding LLVM profile runtime of the target coverage build (never part
 * of the production image: verification/verification.mk links it only into
 * build/.../septum-cov.elf). It replaces compiler-rt's profile library, which
 * needs libc, with the little the raw profile format asks for:
 *
 *  - the record layouts (__llvm_profile_data, the raw header) are taken from
 *    clang's own profile/InstrProfData.inc, so they cannot drift from the
 *    compiler that instrumented the kernel;
 *  - at "shutdown" the raw profile (format version INSTR_PROF_RAW_VERSION) is
 *    written through Arm semihosting (SYS_OPEN/SYS_WRITE/SYS_CLOSE) to the
 *    host file SEPTUM_COV_PROFILE, relative to QEMU's working directory, and
 *    QEMU is stopped with SYS_EXIT (exit code 0).
 *
 * Shutdown: the hypervisor never ends on its own, so the coverage build wraps
 * arch_trap_sync() and arch_trap_hvc() (ld.lld --wrap: the functions the vectors
 * call on every synchronous exit from a partition, HVCs taking the light step
 * through the second) and ends the run when a partition
 * says it is done (HVC SEPTUM_COV_DONE, below), or else at the first exit
 * after SEPTUM_COV_SECONDS seconds of the generic timer, i.e. after the
 * partitions have done their work for that long. QEMU's counter starts at 0
 * at machine reset.
 *
 * Built without instrumentation. Counters are plain (non-atomic) 64-bit
 * increments; a few concurrent losses between CPUs are irrelevant to which
 * decisions were covered.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef SEPTUM_COV_SECONDS
#define SEPTUM_COV_SECONDS 10u
#endif
#ifndef SEPTUM_COV_PROFILE
#define SEPTUM_COV_PROFILE "septum.profraw"
#endif

/* ---- record layouts from clang (compiler-rt's InstrProfiling.h does the same) ---- */
/* Included once plainly for the constants (magic, versions, alignment). */
#include "profile/InstrProfData.inc"

typedef void *IntPtrT;

enum ValueKind {
#define VALUE_PROF_KIND(Enumerator, Value, Descr) Enumerator = Value,
#include "profile/InstrProfData.inc"
};

typedef struct __attribute__((aligned(INSTR_PROF_DATA_ALIGNMENT))) __llvm_profile_data {
#define INSTR_PROF_DATA(Type, LLVMType, Name, Initializer) Type Name;
#include "profile/InstrProfData.inc"
} __llvm_profile_data;

typedef struct __llvm_profile_header {
#define INSTR_PROF_RAW_HEADER(Type, Name, Initializer) Type Name;
#include "profile/InstrProfData.inc"
} __llvm_profile_header;

/* Instrumented objects reference this to pull in a runtime; its value is unused. */
int INSTR_PROF_PROFILE_RUNTIME_VAR;
/*
 * Version word: format version plus variant flags. IR-level instrumentation emits
 * its own (strong) definition with flags; clang's front-end instrumentation, used
 * here, does not, so this weak one (compiler-rt's default) is the one linked.
 */
__attribute__((weak)) const uint64_t INSTR_PROF_RAW_VERSION_VAR = INSTR_PROF_RAW_VERSION;

/* Bounds of the profile sections (lld defines __start_/__stop_ for these names). */
extern const __llvm_profile_data __start___llvm_prf_data[];
extern const __llvm_profile_data __stop___llvm_prf_data[];
extern char __start___llvm_prf_cnts[];
extern char __stop___llvm_prf_cnts[];
extern char __start___llvm_prf_bits[] __attribute__((weak));
extern char __stop___llvm_prf_bits[] __attribute__((weak));
extern const char __start___llvm_prf_names[];
extern const char __stop___llvm_prf_names[];

/* ---- Arm semihosting (Arm DUI0471 / "Semihosting for AArch32 and AArch64") ---- */
#define SH_SYS_OPEN 0x01u
#define SH_SYS_CLOSE 0x02u
#define SH_SYS_WRITE 0x05u
#define SH_SYS_EXIT 0x18u
#define SH_MODE_WB 5u                   /* fopen mode "wb" */
#define SH_ADP_STOPPED_APPEXIT 0x20026u /* ADP_Stopped_ApplicationExit */

static uint64_t sh_call(uint64_t op, const void *arg)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)arg;

    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

static size_t rt_strlen(const char *s)
{
    size_t n = 0u;

    while (s[n] != '\0') {
        n++;
    }
    return n;
}

/* Write len bytes; returns 0 on success. SYS_WRITE returns the bytes NOT written. */
static int sh_write(uint64_t fd, const void *buf, uint64_t len)
{
    uint64_t args[3] = { fd, (uint64_t)(uintptr_t)buf, len };

    if (len == 0u) {
        return 0;
    }
    return (sh_call(SH_SYS_WRITE, args) == 0u) ? 0 : -1;
}

static int sh_pad(uint64_t fd, uint64_t n)
{
    static const uint8_t zeros[8];

    return sh_write(fd, zeros, n);
}

static void sh_exit(uint64_t code)
{
    uint64_t args[2] = { SH_ADP_STOPPED_APPEXIT, code };

    (void)sh_call(SH_SYS_EXIT, args);
}

/* compiler-rt's __llvm_profile_get_num_padding_bytes: pad to 8 bytes. */
static uint64_t pad8(uint64_t n)
{
    return 7u & (8u - (n % 8u));
}

/* Write the raw profile as compiler-rt's lprofWriteDataImpl does (no binary ids, no value data). */
static int septum_cov_write_profile(void)
{
    static const char name[] = SEPTUM_COV_PROFILE;
    const char *data_b = (const char *)__start___llvm_prf_data;
    const char *data_e = (const char *)__stop___llvm_prf_data;
    uint64_t data_size = (uint64_t)(data_e - data_b);
    uint64_t cnts_size = (uint64_t)(__stop___llvm_prf_cnts - __start___llvm_prf_cnts);
    uint64_t bits_size = (__start___llvm_prf_bits != NULL) ? (uint64_t)(__stop___llvm_prf_bits - __start___llvm_prf_bits) : 0u;
    uint64_t names_size = (uint64_t)(__stop___llvm_prf_names - __start___llvm_prf_names);
    __llvm_profile_header h = { 0 };
    uint64_t open_args[3] = { (uint64_t)(uintptr_t)name, SH_MODE_WB, rt_strlen(name) };
    uint64_t fd;
    int rc = 0;

    h.Magic = INSTR_PROF_RAW_MAGIC_64;
    h.Version = INSTR_PROF_RAW_VERSION_VAR;
    h.BinaryIdsSize = 0u;
    h.NumData = data_size / sizeof(__llvm_profile_data);
    h.PaddingBytesBeforeCounters = 0u;
    h.NumCounters = cnts_size / sizeof(uint64_t);
    h.PaddingBytesAfterCounters = pad8(cnts_size);
    h.NumBitmapBytes = bits_size;
    h.PaddingBytesAfterBitmapBytes = pad8(bits_size);
    h.NamesSize = names_size;
    h.CountersDelta = (uint64_t)(uintptr_t)__start___llvm_prf_cnts - (uint64_t)(uintptr_t)data_b;
    h.BitmapDelta = (bits_size != 0u) ? ((uint64_t)(uintptr_t)__start___llvm_prf_bits - (uint64_t)(uintptr_t)data_b) : 0u;
    h.NamesDelta = (uint64_t)(uintptr_t)__start___llvm_prf_names;
    h.NumVTables = 0u;
    h.VNamesSize = 0u;
    h.ValueKindLast = IPVK_Last;

    fd = sh_call(SH_SYS_OPEN, open_args);
    if (fd == (uint64_t)-1) {
        return -1;
    }
    rc |= sh_write(fd, &h, sizeof(h));
    rc |= sh_write(fd, data_b, data_size);
    rc |= sh_write(fd, __start___llvm_prf_cnts, cnts_size);
    rc |= sh_pad(fd, h.PaddingBytesAfterCounters);
    if (bits_size != 0u) {
        rc |= sh_write(fd, __start___llvm_prf_bits, bits_size);
    }
    rc |= sh_pad(fd, h.PaddingBytesAfterBitmapBytes);
    rc |= sh_write(fd, __start___llvm_prf_names, names_size);
    rc |= sh_pad(fd, pad8(names_size));
    (void)sh_call(SH_SYS_CLOSE, &fd);
    return rc;
}

/* ---- the shutdown trigger ---- */
struct arch_cpu;
uint64_t __real_arch_trap_sync(struct arch_cpu *c);
uint64_t __real_arch_trap_hvc(struct arch_cpu *c);
uint64_t __wrap_arch_trap_sync(struct arch_cpu *c);
uint64_t __wrap_arch_trap_hvc(struct arch_cpu *c);
uint64_t __real_arch_trap_dabt(struct arch_cpu *c);
uint64_t __wrap_arch_trap_dabt(struct arch_cpu *c);

static volatile uint32_t septum_cov_dumping;

/* Write the profile and end QEMU: one CPU does; any other one that gets here waits. */
static void septum_cov_stop_now(void)
{
    if (__atomic_exchange_n(&septum_cov_dumping, 1u, __ATOMIC_ACQUIRE) == 0u) {
        sh_exit((septum_cov_write_profile() == 0) ? 0u : 1u);
    }
    for (;;) {
        __asm__ volatile("wfe");
    }
}

static uint64_t read_cntpct(void)
{
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v));
    return v;
}

static uint64_t read_cntfrq(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

/*
 * A scenario that ends by itself asks for the end with an HVC of SEPTUM_COV_DONE
 * (an unknown Septum call, NOT_SUPPORTED in the production image), then keeps
 * exiting for a while (heartbeats): the run ends at the first exit one second
 * of the generic timer later, once the console has sent what was queued before.
 * struct arch_cpu starts with a pointer to the vCPU's registers, x0 first
 * (kernel/arch/aarch64/arch_cpu.h, kernel/include/vcpu.h).
 */
#define SEPTUM_COV_DONE 0xc600ffffu
#define ESR_EC_HVC64 0x16u

static volatile uint64_t septum_cov_done_at;

static uint64_t read_esr_el2(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, esr_el2" : "=r"(v));
    return v;
}

/* After an exit's work: end the run once a partition said it is done (one second later) or the time is up. */
static void septum_cov_after_exit(void)
{
    uint64_t now = read_cntpct();
    uint64_t done_at = septum_cov_done_at;

    if (((done_at != 0u) && (now >= done_at)) || (now >= (read_cntfrq() * (uint64_t)SEPTUM_COV_SECONDS))) {
        septum_cov_stop_now();
    }
}

/* HVC SEPTUM_COV_DONE from a partition: its work is done. */
static void septum_cov_seen_hvc(const struct arch_cpu *c)
{
    const uint64_t *x = *(uint64_t *const *)c;

    if (((uint32_t)x[0] == SEPTUM_COV_DONE) && (septum_cov_done_at == 0u)) {
        septum_cov_done_at = read_cntpct() + read_cntfrq();
    }
}

/*
 * The hypervisor's safe stops end the run too, after the profile is written: a
 * firmware DTB that differs from the board (fwcheck_dtb() false: boot.c parks the
 * boot CPU before any partition runs) and the stop of the whole system
 * (arch_stop_system(): a hypervisor exception at EL2 or a kernel assertion, after
 * the emergency line). Built with SEPTUM_COV_SECONDS 0, the run ends right after the
 * firmware check whatever its answer: the firmware-DTB runs (verification/target_dtbs.py)
 * measure the check alone, one boot per DTB.
 */
bool __real_fwcheck_dtb(uint64_t fw_dtb, const uint8_t *copy, uint32_t len);
bool __wrap_fwcheck_dtb(uint64_t fw_dtb, const uint8_t *copy, uint32_t len);
void __wrap_arch_stop_system(void);

bool __wrap_fwcheck_dtb(uint64_t fw_dtb, const uint8_t *copy, uint32_t len)
{
    bool ok = __real_fwcheck_dtb(fw_dtb, copy, len);

    if (!ok || (SEPTUM_COV_SECONDS == 0u)) {
        septum_cov_stop_now();
    }
    return ok;
}

void __wrap_arch_stop_system(void)
{
    septum_cov_stop_now();
}

uint64_t __wrap_arch_trap_sync(struct arch_cpu *c)
{
    uint64_t r;

    if (((read_esr_el2() >> 26) & 0x3fu) == ESR_EC_HVC64) {
        septum_cov_seen_hvc(c);
    }
    r = __real_arch_trap_sync(c);
    septum_cov_after_exit();
    return r;
}

/* The light step of an HVC exit (vectors.S: HVCs do not go through arch_trap_sync). */
uint64_t __wrap_arch_trap_hvc(struct arch_cpu *c)
{
    uint64_t r;

    septum_cov_seen_hvc(c);
    r = __real_arch_trap_hvc(c);
    septum_cov_after_exit();
    return r;
}

/* The light step of a data abort (vectors.S: MMIO does not go through arch_trap_sync when it emulates it). */
uint64_t __wrap_arch_trap_dabt(struct arch_cpu *c)
{
    uint64_t r = __real_arch_trap_dabt(c);

    septum_cov_after_exit();
    return r;
}
