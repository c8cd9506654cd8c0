# SPDX-License-Identifier: Apache-2.0
"""E05xx: channels: peers exist, at least two, someone may write."""
