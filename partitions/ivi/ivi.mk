# SPDX-License-Identifier: Apache-2.0
# The IVI partition's Linux image, assembled at build time (included by the
# top Makefile, which defines BUILD, CROSS and PYTHON).
#
#   make ivi-image     $(BUILD)/ivi/Image and $(BUILD)/ivi/initramfs.cpio.gz
#   make ivi-module    the septum_channel module, built against the Image's own headers
#   make ivi-refresh   resolve the Debian kernel and busybox against the archive again
#
# The kernel is Debian's linux-image-<abi>-cloud-arm64-unsigned, resolved from
# the archive on first use (IVI_KERNEL=default: the series of Debian's
# linux-image-cloud-arm64 metapackage; IVI_KERNEL=newest: the highest version
# of any series) and cached in $(BUILD)/ivi/debs; nothing downloaded is committed.
# The same version's linux-headers-<abi>-cloud-arm64 and -common are fetched and
# extracted under $(BUILD)/ivi/headers; the host's linux-kbuild-<series> provides
# their scripts. The channel driver (partitions/ivi/driver) is built against them,
# its vermagic checked against the Image, and packed into the initramfs with the
# IVI application, the driver's self-test and its doorbell benchmark (partitions/ivi/app).

# One cache for every build directory: descriptions name build/ivi/Image directly.
IVI_DIR := build/ivi
IVI_IMAGE := $(IVI_DIR)/Image
IVI_INITRAMFS := $(IVI_DIR)/initramfs.cpio.gz
IVI_KERNEL ?= default
IVI_APP_CFLAGS := -std=c11 -O2 -static -s -Wall -Wextra -Werror -Wl,--build-id=none \
	-Ipartitions/include -Ipartitions/ivi/include -Ipartitions/ivi/lib -Ikernel/include
IVI_HEADERS := $(IVI_DIR)/headers/.extracted
IVI_MODULE := $(IVI_DIR)/module/septum_channel.ko
IVI_MODULE_SRC := partitions/ivi/driver/septum_channel.c partitions/ivi/driver/Kbuild \
	partitions/ivi/include/septum_channel_uapi.h kernel/include/septum/chan_abi.h
IVI_LIB := partitions/ivi/lib/septum_channel.c
IVI_LIB_H := partitions/ivi/lib/septum_channel.h partitions/ivi/include/septum_channel_uapi.h \
	kernel/include/septum/chan_abi.h partitions/include/septum_seq.h partitions/include/nav_msg.h

.PHONY: ivi-image ivi-refresh ivi-module deps-ivi

deps-ivi:
	$(Q)tools/install-deps.sh ivi

# With the .debs cached this needs no network. The first run resolves and
# downloads; `make ivi-refresh` resolves again (and applies a new IVI_KERNEL).
$(IVI_IMAGE) $(IVI_DIR)/busybox $(IVI_HEADERS) &: partitions/ivi/fetch.py | deps-ivi
	$(Q)$(PYTHON) partitions/ivi/fetch.py -o $(IVI_DIR) --kernel $(IVI_KERNEL)
	$(Q)touch $(IVI_IMAGE) $(IVI_DIR)/busybox $(IVI_HEADERS)

ivi-refresh: | deps-ivi
	$(Q)$(PYTHON) partitions/ivi/fetch.py -o $(IVI_DIR) --kernel $(IVI_KERNEL) --refresh

$(IVI_DIR)/ivi_app: partitions/ivi/app/ivi_app.c $(IVI_LIB) $(IVI_LIB_H) | deps-ivi
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS)gcc $(IVI_APP_CFLAGS) $< $(IVI_LIB) -o $@

$(IVI_DIR)/septum_chan_test: partitions/ivi/app/septum_chan_test.c $(IVI_LIB) $(IVI_LIB_H) | deps-ivi
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS)gcc $(IVI_APP_CFLAGS) $< $(IVI_LIB) -o $@

$(IVI_DIR)/septum_chan_bench: partitions/ivi/app/septum_chan_bench.c $(IVI_LIB) $(IVI_LIB_H) | deps-ivi
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS)gcc $(IVI_APP_CFLAGS) $< $(IVI_LIB) -o $@

# Kbuild of an external module writes into its M= directory: build a copy
# there, with the two ABI headers it includes. Debug info is stripped so the
# initramfs does not depend on the build directory's path.
$(IVI_MODULE): $(IVI_MODULE_SRC) $(IVI_HEADERS) partitions/ivi/check_module.py | deps-ivi
	@echo "  KBUILD  $@"
	$(Q)rm -rf $(@D) && mkdir -p $(@D)/include/septum
	$(Q)cp partitions/ivi/driver/septum_channel.c partitions/ivi/driver/Kbuild $(@D)/
	$(Q)cp partitions/ivi/include/septum_channel_uapi.h $(@D)/include/
	$(Q)cp kernel/include/septum/chan_abi.h $(@D)/include/septum/
	$(Q)kdir=$$($(PYTHON) -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel"]["headers_dir"])' \
		$(IVI_DIR)/manifest.json) && \
	$(MAKE) -s --no-print-directory -C $(IVI_DIR)/$$kdir M=$(abspath $(@D)) ARCH=arm64 CROSS_COMPILE=$(CROSS) \
		KBUILD_BUILD_TIMESTAMP=0 modules >$(@D)/kbuild.log 2>&1 || { cat $(@D)/kbuild.log; exit 1; }
	$(Q)$(CROSS)strip --strip-debug $@
	$(Q)$(PYTHON) partitions/ivi/check_module.py $@ --image $(IVI_IMAGE) --manifest $(IVI_DIR)/manifest.json

ivi-module: $(IVI_MODULE)

# Link 'media': the "now playing" sender, and Debian's virtio-net drivers (modules in the cloud
# kernel, loaded by /init in this order).
IVI_NET_MODULES := virtio_ring virtio virtio_mmio failover net_failover virtio_net

$(IVI_DIR)/ivi_media: partitions/ivi/media/ivi_media.c | deps-ivi
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS)gcc $(IVI_APP_CFLAGS) $< -o $@

$(IVI_INITRAMFS): partitions/ivi/mkinitramfs.py partitions/ivi/init $(IVI_DIR)/busybox $(IVI_DIR)/ivi_app \
		$(IVI_DIR)/septum_chan_test $(IVI_DIR)/septum_chan_bench $(IVI_MODULE) $(IVI_DIR)/ivi_media $(IVI_IMAGE)
	$(Q)$(PYTHON) partitions/ivi/mkinitramfs.py --init partitions/ivi/init --busybox $(IVI_DIR)/busybox \
		--app $(IVI_DIR)/ivi_app --add usr/bin/septum_chan_test=$(IVI_DIR)/septum_chan_test \
		--add usr/bin/septum_chan_bench=$(IVI_DIR)/septum_chan_bench \
		--add lib/modules/septum_channel.ko=$(IVI_MODULE) --add usr/bin/ivi_media=$(IVI_DIR)/ivi_media \
		--manifest $(IVI_DIR)/manifest.json $(addprefix --module ,$(IVI_NET_MODULES)) -o $@

ivi-image: $(IVI_IMAGE) $(IVI_INITRAMFS)
