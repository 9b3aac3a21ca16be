"""The old name of `invoice_graph.http.metrics`: delete this file once scheduler.py and
tests/unit/test_request_labels.py import the module from `invoice_graph.http` (their owners move them).

The old name is the very same module object, so patching an attribute through it still works.
"""

import sys

from invoice_graph.http import metrics
from invoice_graph.http.metrics import *  # noqa: F403 (the type checker reads the names from here)

sys.modules[__name__] = metrics
