# SPDX-License-Identifier: Apache-2.0
"""E07xx: health policies and the schedule."""
