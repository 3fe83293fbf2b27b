"""`python -m f1_lakehouse.lib.openf1.replay`: the same as `f1-lakehouse openf1-replay`."""

import sys

from f1_lakehouse.lib.openf1.replay.server import main

sys.exit(main(sys.argv[1:]))
