"""``python -m kg.cli``: the same as ``kg``."""

import sys

from kg.cli.main import main

sys.exit(main())
