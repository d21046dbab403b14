"""``python3 -m ggemm fill ...``: fills the kernel cache (ggemm.cache)."""

import sys

from .cache import main

sys.exit(main())
