"""Allows `python -m audit`, the same entry as run_audit.py and the console script."""

import sys

from audit.launch import main

sys.exit(main())
