"""The old name of `invoice_graph.http.request_log`: delete this file once tests/unit/test_request_labels.py
import the module from `invoice_graph.http` (their owners move them).

The old name is the very same module object, so patching an attribute through it still works.
"""

import sys

from invoice_graph.http import request_log
from invoice_graph.http.request_log import *  # noqa: F403 (the type checker reads the names from here)

sys.modules[__name__] = request_log
