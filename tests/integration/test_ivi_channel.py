# SPDX-License-Identifier: Apache-2.0
"""Channels from Linux, in one boot: the septum_channel driver gives /dev/septum/<name>, its
self-test passes every case (error paths included), the IVI application publishes through it
and the cluster shows the route, and a cluster restart forced by the test reaches the IVI as a
peer-state change, after which the route is on the cluster again."""
import re

import pytest

from conftest import build

# Every case septum_chan_test (partitions/ivi/app) must report as PASS.
CASES = [
    "device_node_exists", "info_describes_the_channel", "peer_state_shows_self_running", "peer_ioctl_names_self",
    "peer_index_out_of_range_is_einval", "mmap_whole_region_rw", "mmap_beyond_region_is_einval",
    "mmap_offset_past_region_is_einval", "mmap_private_is_einval", "notify_self_is_einval",
    "write_notify_self_is_einval", "notify_non_peer_is_einval", "notify_state_bit_is_einval",
    "notify_nobody_is_einval", "write_of_2_bytes_is_einval", "unknown_ioctl_is_enotty", "foreign_ioctl_is_enotty",
    "read_into_2_bytes_is_einval", "nonblocking_read_with_nothing_pending_is_eagain", "poll_is_writable_not_readable",
    "library_finds_running_cluster", "library_notify_rejects_self_and_strangers",
    "doorbell_round_trip_cluster_acknowledges", "wait_with_zero_timeout_returns_0",
    "notify_storm_is_throttled_with_eagain", "notify_after_a_pause_is_delivered", "ro_info_says_read_only",
    "ro_writable_mapping_is_eacces", "ro_readonly_mapping_works", "ro_mprotect_to_writable_is_eacces",
    "read_after_unbind_is_enodev", "notify_after_unbind_is_enodev", "info_after_unbind_is_enodev",
    "device_node_gone_after_unbind", "rebind_brings_the_device_back",
]


@pytest.mark.hard_timeout(900)
@pytest.mark.req("SRS-LINUX-001")
@pytest.mark.req("SRS-LINUX-002")
@pytest.mark.req("SRS-CHAN-015")
@pytest.mark.req("SRS-CHAN-001")
def test_linux_channel_driver_errors_publishing_and_cluster_restart(boot):
    image, _ = build("tests/integration/systems/ivi_channel.yaml", "ivi_channel")
    c = boot(image)
    # When the driver binds, the IVI itself is still 'starting' (the self-test, standing in for the
    # application, says READY just after), so only the cluster (peer 0) shows as running.
    c.expect(r"^\[ivi\] .*septum_channel 4c000000\.septum-channel: channel 'nav': /dev/septum/nav, 65536 bytes rw, "
             r"peer 1 of 2, peers running 0x1, doorbell yes$", timeout=400)
    c.expect(r"^\[ivi\] .*IVI: septum_channel loaded: /dev/septum/diag /dev/septum/nav$", timeout=60)

    # The self-test: every case, and nothing failed.
    s, m = c.expect(r"^\[ivi\] septum_chan_test: (\d+) passed, (\d+) failed$", timeout=240)
    passed = {x.group(1) for _, x in c.matching(r"^\[ivi\] septum_chan_test: PASS (\w+)$")}
    failed = [x.group(0) for _, x in c.matching(r"^\[ivi\] septum_chan_test: FAIL .*$")]
    assert not failed, "\n".join(failed) + "\n" + c.tail()
    assert sorted(set(CASES) - passed) == [], c.tail()
    assert m.group(2) == "0" and int(m.group(1)) == len(CASES), c.tail()

    # The application publishes through the driver; the cluster shows it and acknowledges.
    c.expect(r"^\[ivi\] .*IVI: publishing on channel 'nav'$", timeout=60, start=s)
    i, m = c.expect(r"^\[ivi\] .*IVI: nav (\S+ \d+ m)$", timeout=60, start=s)
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV %s \| IVI up" % re.escape(m.group(1)), timeout=60, start=i)
    a, _ = c.expect(r"^\[ivi\] .*IVI: cluster acknowledged '[^']+' \(\d+ acknowledgements\)$", timeout=60, start=i)

    # The test makes the cluster fault ('!' on its console, which has focus); its policy restarts it.
    c.send(b"!")
    f, _ = c.expect(r"^\[septum\] partition 'cluster' fault: data abort, .* read at IPA 0x0 .* restarting "
                    r"\(restart \d+\)$", timeout=60, start=a)
    r, _ = c.expect(r"^\[septum\] partition 'cluster' restarted$", timeout=60, start=f)
    # The IVI hears of it on the nav doorbell (state-change bit) and publishes again at once ...
    p, m = c.expect(r"^\[ivi\] .*IVI: peer 'cluster' is running: republishing '(\S+ \d+ m)'$", timeout=60, start=f)
    # ... so the restarted cluster shows that very line again, and acknowledges it.
    c.expect(r"^\[cluster\] frame \d+ .* \| NAV %s \| IVI up" % re.escape(m.group(1)), timeout=60, start=r)
    c.expect(r"^\[ivi\] .*IVI: cluster acknowledged '%s'" % re.escape(m.group(1)), timeout=60, start=p)
    # The IVI itself was never disturbed, and its kernel never complained.
    assert not c.matching(r"^\[septum\] partition 'ivi' (?!ready$)"), c.tail()
    assert not c.matching(r"^\[ivi\] .*(Oops|BUG:|Call trace|WARNING:|Unable to handle)"), c.tail()
