#!/usr/bin/env python3
"""Entry point: `python run_audit.py PATHS...` (same as the `claims-audit` console script)."""

import sys

from audit.launch import main

if __name__ == "__main__":
    sys.exit(main())
