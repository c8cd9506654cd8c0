# SPDX-License-Identifier: Apache-2.0
"""pytest plugin of the evidence build (loaded with `-p pytest_req`, PYTHONPATH=verification).

Records the requirement ids of each test's @pytest.mark.req markers (parametrised
cases included) as the JUnit property "req", so the traceability matrix reads
requirement ids and results from one file; also records the test's source file and
line as the property "source". With SEPTUM_REQ_COLLECT=PATH it also
writes {nodeid: [ids]} of every collected test to PATH (used with --collect-only by
`make test-evidence-quick`).
"""
import json
import os


def pytest_configure(config):
    config.addinivalue_line("markers", "req(id): the software requirement (verification/requirements.yaml) a test verifies")


def pytest_collection_modifyitems(session, config, items):
    collected = {}
    for item in items:
        ids = sorted({str(a) for m in item.iter_markers("req") for a in m.args})
        if ids:
            item.user_properties.append(("req", " ".join(ids)))
        # where the test is defined, for the matrix's link to its source line
        path, lineno = item.location[0], item.location[1]
        item.user_properties.append(("source", f"{path}:{(lineno or 0) + 1}"))
        collected[item.nodeid] = ids
    path = os.environ.get("SEPTUM_REQ_COLLECT")
    if path:
        old = {}
        if os.path.exists(path):
            with open(path) as f:
                old = json.load(f)
        old.update(collected)
        with open(path, "w") as f:
            json.dump(old, f, indent=1, sort_keys=True)
