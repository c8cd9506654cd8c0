# SPDX-License-Identifier: Apache-2.0
"""Septum's description compiler: system.yaml + board.dts -> gen/.

Pipeline (one module each): yamlload (YAML with line/column) -> schema (JSON
Schema, E01xx) -> board (board.dts via dtc + pylibfdt) -> model (typed
description) -> checks (semantic rules, one function per rule) -> plan (the
resolved layout and page tables) -> emit (jinja2 templates into OUTDIR).
Templates read only the plan.
"""

__all__ = ["REPO_ROOT"]

import pathlib

#: The repository root: the directory that contains generator/ and boards/.
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
