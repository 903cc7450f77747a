"""pytest-xdist (`make test`, `-n auto`): tests that share an expensive fixture run in one process.

xdist's own `--dist loadgroup` (the `xdist_group` mark) silently stops grouping with pytest 9.2
(pytest-dev/pytest-xdist#1386: the node ids it rewrites are no longer used), and `load` sends
the tests round-robin, so both processes built every class- or module-scoped fixture. This
scheduler hands out single tests like `load`, except that the tests of each group below go to
one process together, one after the other: there the shared fixture is built once.
"""

from xdist.scheduler import LoadScopeScheduling

GROUPS = {
    # One seeded demo for both classes (tests/grants/seeded.py), about 18 s per seed.
    "tests/grants/test_seed_demo.py::TestSeededDemo": "seeded-demo",
    "tests/grants/notices/test_demo_notices.py::TestDemoNotices": "seeded-demo",
    "tests/grants/test_payment_orders_sepa.py::TestSeededDemoSepa": "seeded-demo",
    # Module-scoped notice PDFs, rendered once per process that runs the module.
    "tests/grants/notices/test_render.py": "notice-render",
    "tests/grants/notices/test_deterministic_bytes.py": "notice-bytes",
    "tests/test_url_sweep.py": "url-sweep",
    # The lists' data (33 applications with payments, proofs, reclaims), built once for the module.
    "tests/grants/test_work_lists.py": "work-lists",
}


def group_of(nodeid: str) -> str:
    for prefix, group in GROUPS.items():
        if nodeid.startswith(prefix + "::"):
            return group
    return nodeid


class GroupedLoadScheduling(LoadScopeScheduling):
    """Each test its own unit of work, except the groups above."""

    def _split_scope(self, nodeid: str) -> str:
        return group_of(nodeid)
