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
@pytest.mark.req("SRS-VUART-003")
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
    r, _ = c.expect(r"^\[septum\] partition 'ivi' reset: PSCI SYSTEM_RESET \u2014 restarting \(restart 1\)$",
                    timeout=60, start=i)
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV unavailable \(IVI starting\)$", timeout=30, start=r)
    c.expect(r"^\[septum\] partition 'ivi' restarted$", timeout=60, start=r)
    u, _ = c.expect(r"^\[ivi\] IVI: userspace up$", timeout=180, start=r)
    c.expect(r"^\[cluster\] frame \d+ .* \| IVI up, 1 restarts$", timeout=30, start=r)
    # The cluster never missed a frame through the crash and the restart.
    frames = [int(m.group(1)) for _, m in c.matching(r"^\[cluster\] frame (\d+) ")]
    assert frames == list(range(frames[0], frames[0] + len(frames))), c.tail()
    assert not c.matching(r"^\[septum\] partition 'cluster'"), c.tail()
