"""``python -m diarize_plugin.cli``: the ``diarize`` command without the console script."""

import sys

from . import main

sys.exit(main())
