"""`python -m reader.cli`: the same as the `byline` command."""

import sys

from reader.cli import main

sys.exit(main())
