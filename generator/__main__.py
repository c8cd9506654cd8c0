# SPDX-License-Identifier: Apache-2.0
"""Entry point of `python3 -m generator`."""

import sys

from .cli import main

sys.exit(main())
