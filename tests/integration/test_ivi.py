# SPDX-License-Identifier: Apache-2.0
"""The IVI partition: Debian's unmodified arm64 Linux boots SMP beside the cluster, and its shell answers."""
import re
import time

import pytest

from conftest import build

CTRL_T = b"\x14"


@pytest.mark.req("SRS-BOOT-002")
@pytest.mark.req("SRS-ISO-001")
@pytest.mark.req("SRS-CON-002")
def test_linux_reaches_userspace_with_3_cpus_while_cluster_keeps_rendering(boot):
    image, _ = build()
    c = boot(image)
    c.expect(r"^\[cluster\] frame 0 ", timeout=30)
    i_linux, _ = c.expect(r"^\[ivi\] \[\s*0\.000000\] Booting Linux", timeout=60)
    i_up, _ = c.expect(r"^\[ivi\] IVI: userspace up$", timeout=180)
    c.expect(r"^\[ivi\] IVI: 3 CPUs online", timeout=30)
    # The cluster rendered all along: frames between Linux's first line and userspace, without a gap.
    during = [int(m.group(1)) for _, m in c.matching(r"^\[cluster\] frame (\d+) ", i_linux) if _ < i_up]
    assert len(during) >= 5, c.tail()
    assert during == list(range(during[0], during[0] + len(during))), c.tail()
    assert not c.matching(r"^\[septum\] partition .*(fault|halted|powered off)", 0), c.tail()


@pytest.mark.req("SRS-CHAN-001")
@pytest.mark.req("SRS-HEALTH-003")
def test_ivi_publishes_navigation_on_the_nav_channel_and_the_cluster_shows_it(boot):
    image, _ = build()
    c = boot(image)
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV unavailable \(IVI starting\)$", timeout=30)
    c.expect(r"^\[ivi\] IVI: publishing on channel 'nav'$", timeout=180)
    i, m = c.expect(r"^\[ivi\] IVI: nav (\S+ \d+ m)$", timeout=60)
    # The doorbell makes the cluster pick up what the IVI wrote into the shared region.
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV %s \| IVI up, 0 restarts$" % re.escape(m.group(1)),
             timeout=30, start=i)


@pytest.mark.req("SRS-CON-002")
@pytest.mark.req("SRS-CON-004")
@pytest.mark.req("SRS-VUART-003")
@pytest.mark.req("SRS-VUART-005")
@pytest.mark.req("SRS-NET-002")
def test_console_focus_switch_reaches_the_ivi_shell(boot):
    image, _ = build()
    c = boot(image)
    c.expect(r"^\[ivi\] IVI: userspace up$", timeout=180)
    i, _ = c.expect(r"^\[ivi\] .*ivi:/# ", timeout=60)
    # Focus starts on the cluster; Ctrl-T ? says so, Ctrl-T n moves it to the IVI.
    c.send(CTRL_T + b"?")
    c.expect(r"^\[septum\] console: focus 'cluster'", timeout=30, start=i)
    c.send(CTRL_T + b"n")
    c.expect(r"^\[septum\] console: input goes to 'ivi'", timeout=30, start=i)
    time.sleep(1)
    c.send(b"echo ivi-$((6*7))\r")
    c.expect(r"^\[ivi\] ivi-42$", timeout=60, start=i)
    # A pasted command of a few hundred bytes arrives whole (the vUART's FIFO holds 32).
    c.send(b"echo " + b"0123456789" * 30 + b" | wc -c\r")
    c.expect(r"^\[ivi\] 301$", timeout=60, start=i)
    # Link 'media' (virtio-net, Debian's own drivers): the IVI pings the cluster's endpoint, and the
    # cluster shows the "now playing" text the IVI sends it over UDP.
    c.expect(r"^\[ivi\] .*IVI: link media up, 10.42.0.1$", timeout=60)  # may follow the prompt
    j, _ = c.expect(r"^\[cluster\] frame \d+ .* \| MEDIA now playing: [A-Z][^|]+ - [^|]+ \| ", timeout=60)
    c.send(b"ping -c 3 10.42.0.2\r")
    c.expect(r"^\[ivi\] 3 packets transmitted, 3 packets received, 0% packet loss$", timeout=120, start=i)
    assert not c.matching(r"^\[septum\] partition .*link 'media'"), c.tail()


@pytest.mark.req("SRS-HEALTH-001")
@pytest.mark.req("SRS-HEALTH-003")
@pytest.mark.req("SRS-ISO-001")
def test_ivi_kernel_panic_restarts_the_ivi_alone_and_the_cluster_shows_it(boot):
    image, _ = build()
    c = boot(image)
    c.expect(r"^\[ivi\] IVI: userspace up$", timeout=180)
    i, _ = c.expect(r"^\[ivi\] .*ivi:/# ", timeout=60)
    c.expect(r"^\[cluster\] frame \d+ .* \| IVI up, 0 restarts$", timeout=30, start=i)
    c.send(CTRL_T + b"n")
    c.expect(r"^\[septum\] console: input goes to 'ivi'", timeout=30, start=i)
    time.sleep(1)
    c.send(b"echo c > /proc/sysrq-trigger\r")
    c.expect(r"^\[ivi\] .*Kernel panic", timeout=60, start=i)
    r, _ = c.expect(r"^\[septum\] partition 'ivi' asked for a reset \(PSCI SYSTEM_RESET\) \u2014 restarting "
                    r"\(restart 1, not a fault\)$",
                    timeout=60, start=i)
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV unavailable \(IVI starting\)$", timeout=30, start=r)
    c.expect(r"^\[septum\] partition 'ivi' restarted$", timeout=60, start=r)
    u, _ = c.expect(r"^\[ivi\] IVI: userspace up$", timeout=180, start=r)
    c.expect(r"^\[cluster\] frame \d+ .* \| IVI up, 1 restarts$", timeout=30, start=r)
    # The cluster never missed a frame through the crash and the restart.
    frames = [int(m.group(1)) for _, m in c.matching(r"^\[cluster\] frame (\d+) ")]
    assert frames == list(range(frames[0], frames[0] + len(frames))), c.tail()
    assert not c.matching(r"^\[septum\] partition 'cluster' (?!ready$)"), c.tail()


@pytest.mark.req("SRS-HEALTH-005")
@pytest.mark.req("SRS-HEALTH-007")
@pytest.mark.req("SRS-HEALTH-008")
@pytest.mark.req("SRS-HEALTH-009")
@pytest.mark.hard_timeout(2400)
def test_ivi_reboot_poweroff_console_start_and_bus_error_with_budgets_that_count_only_faults(boot):
    # One run, three Linux boots (each is slow under TCG): ready, reboot, poweroff + console start,
    # a Bus error given to Linux, then a fault restart that the budget still allows.
    image, _ = build("tests/integration/systems/ivi_control.yaml", "ivi_control")
    c = boot(image)
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV unavailable \(IVI starting\)$", timeout=60)
    u, _ = c.expect(r"^\[ivi\] IVI: userspace up$", timeout=400)
    # Ready when its application runs, not when its kernel was entered.
    r, _ = c.expect(r"^\[septum\] partition 'ivi' ready$", timeout=120)
    assert r > u, c.tail()
    c.expect(r"^\[cluster\] frame \d+ .* \| (NAV .* \| )?IVI up, 0 restarts$", timeout=60, start=r)
    i, _ = c.expect(r"^\[ivi\] .*ivi:/# ", timeout=120, start=u)
    c.send(CTRL_T + b"1")
    c.expect(r"^\[septum\] console: input goes to 'ivi'", timeout=30, start=i)
    time.sleep(1)

    # A plain reboot is a request: restart 1, not counted against max_restarts: 1.
    c.send(b"reboot\r")
    i, _ = c.expect(r"^\[ivi\] IVI: reboot$", timeout=60, start=i)
    i, _ = c.expect(r"^\[septum\] partition 'ivi' asked for a reset \(PSCI SYSTEM_RESET\) \u2014 restarting "
                    r"\(restart 1, not a fault\)$", timeout=120, start=i)
    i, _ = c.expect(r"^\[septum\] partition 'ivi' restarted$", timeout=120, start=i)
    i, _ = c.expect(r"^\[ivi\] IVI: userspace up$", timeout=400, start=i)
    c.expect(r"^\[septum\] partition 'ivi' ready$", timeout=120, start=i)
    i, _ = c.expect(r"^\[ivi\] .*ivi:/# ", timeout=120, start=i)
    time.sleep(1)

    # A plain poweroff halts it; focus goes back to the cluster; the console starts it again.
    c.send(b"poweroff\r")
    i, _ = c.expect(r"^\[ivi\] IVI: poweroff$", timeout=60, start=i)
    i, _ = c.expect(r"^\[septum\] partition 'ivi' powered off \(PSCI SYSTEM_OFF\)$", timeout=120, start=i)
    c.expect(r"^\[septum\] console: input goes to 'cluster'", timeout=30, start=i)
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV unavailable \(IVI down\)$", timeout=60, start=i)
    c.send(CTRL_T + b"l")
    c.expect(r"^\[septum\] ctl: 1 'ivi' halted, 1 restarts, 0 faults$", timeout=30, start=i)
    c.send(CTRL_T + b"s1")
    i, _ = c.expect(r"^\[septum\] ctl: console starts partition 'ivi'$", timeout=30, start=i)
    i, _ = c.expect(r"^\[septum\] partition 'ivi' restarted$", timeout=120, start=i)
    i, _ = c.expect(r"^\[ivi\] IVI: userspace up$", timeout=400, start=i)
    c.expect(r"^\[septum\] partition 'ivi' ready$", timeout=120, start=i)
    i, _ = c.expect(r"^\[ivi\] .*ivi:/# ", timeout=120, start=i)
    c.send(CTRL_T + b"1")
    c.expect(r"^\[septum\] console: input goes to 'ivi'", timeout=30, start=i)
    time.sleep(1)

    # A program reading outside the partition gets a Bus error; Linux and the IVI go on.
    c.send(b"devmem 0x48000000 32\r")
    i, _ = c.expect(r"^\[septum\] partition 'ivi' fault: data abort, translation fault level \d, read at IPA "
                    r"0x48000000 \(ESR 0x[0-9a-f]+\) \u2014 injected \(1 of 1\)$", timeout=60, start=i)
    i, _ = c.expect(r"^\[ivi\] .*Bus error", timeout=60, start=i)
    c.send(b"echo alive-$((6*7))\r")
    i, _ = c.expect(r"^\[ivi\] alive-42$", timeout=60, start=i)
    # The next one is over the injection budget: a fault restart, which max_restarts: 1 still allows
    # because neither the reboot nor the console's start used it.
    c.send(b"devmem 0x48000000 32\r")
    i, _ = c.expect(r"^\[septum\] partition 'ivi' fault: data abort, .* \u2014 restarting \(restart 2\)$",
                    timeout=60, start=i)
    c.expect(r"^\[septum\] partition 'ivi' restarted$", timeout=120, start=i)
    frames = [int(m.group(1)) for _, m in c.matching(r"^\[cluster\] frame (\d+) ")]
    assert frames == list(range(frames[0], frames[0] + len(frames))), c.tail()
    assert not c.matching(r"^\[septum\] partition 'cluster' (?!ready$)"), c.tail()
