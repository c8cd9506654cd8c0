# SPDX-License-Identifier: Apache-2.0
# The IVI partition's Linux image, assembled at build time (included by the
# top Makefile, which defines BUILD, CROSS and PYTHON).
#
#   make ivi-image     $(BUILD)/ivi/Image and $(BUILD)/ivi/initramfs.cpio.gz
#   make ivi-refresh   resolve the Debian kernel and busybox against the archive again
#
# The kernel is Debian's linux-image-<abi>-cloud-arm64-unsigned, resolved from
# the archive on first use (IVI_KERNEL=default: the series of Debian's
# linux-image-cloud-arm64 metapackage; IVI_KERNEL=newest: the highest version
# of any series) and cached in $(BUILD)/ivi/debs; nothing downloaded is committed.

# One cache for every build directory: descriptions name build/ivi/Image directly.
IVI_DIR := build/ivi
IVI_IMAGE := $(IVI_DIR)/Image
IVI_INITRAMFS := $(IVI_DIR)/initramfs.cpio.gz
IVI_KERNEL ?= default
IVI_APP_CFLAGS := -std=c11 -O2 -static -s -Wall -Wextra -Werror -Wl,--build-id=none

.PHONY: ivi-image ivi-refresh deps-ivi

deps-ivi:
	$(Q)tools/install-deps.sh ivi

# With the .debs cached this needs no network. The first run resolves and
# downloads; `make ivi-refresh` resolves again (and applies a new IVI_KERNEL).
$(IVI_IMAGE) $(IVI_DIR)/busybox &: partitions/ivi/fetch.py | deps-ivi
	$(Q)$(PYTHON) partitions/ivi/fetch.py -o $(IVI_DIR) --kernel $(IVI_KERNEL)
	$(Q)touch $(IVI_IMAGE) $(IVI_DIR)/busybox

ivi-refresh: | deps-ivi
	$(Q)$(PYTHON) partitions/ivi/fetch.py -o $(IVI_DIR) --kernel $(IVI_KERNEL) --refresh

$(IVI_DIR)/ivi_app: partitions/ivi/app/ivi_app.c | deps-ivi
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS)gcc $(IVI_APP_CFLAGS) $< -o $@

# Link 'media': the "now playing" sender, and Debian's virtio-net drivers (modules in the cloud
# kernel, loaded by /init in this order).
IVI_NET_MODULES := virtio_ring virtio virtio_mmio failover net_failover virtio_net

$(IVI_DIR)/ivi_media: partitions/ivi/media/ivi_media.c | deps-ivi
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CROSS)gcc $(IVI_APP_CFLAGS) $< -o $@

$(IVI_INITRAMFS): partitions/ivi/mkinitramfs.py partitions/ivi/init $(IVI_DIR)/busybox $(IVI_DIR)/ivi_app \
		$(IVI_DIR)/ivi_media $(IVI_IMAGE)
	$(Q)$(PYTHON) partitions/ivi/mkinitramfs.py --init partitions/ivi/init --busybox $(IVI_DIR)/busybox \
		--app $(IVI_DIR)/ivi_app --file usr/bin/ivi_media=$(IVI_DIR)/ivi_media \
		--manifest $(IVI_DIR)/manifest.json $(addprefix --module ,$(IVI_NET_MODULES)) -o $@

ivi-image: $(IVI_IMAGE) $(IVI_INITRAMFS)
