"""``python -m dinamika.cli``."""

import sys

from dinamika.cli import main

sys.exit(main())
