"""How long a test waits for something that should happen, before calling it lost.

Every wait returns as soon as its event happens, so a generous bound costs nothing on a quiet machine; it only
decides when a loaded one (a starting subprocess may get a few percent of a core) gives up. It is a guard against
a hang, never a speed assertion: speed is measured in `benchmarks/`.
"""

from __future__ import annotations

import os

PATIENCE = float(os.environ.get("CMBOT_TEST_PATIENCE", "300"))
