"""``python -m symback.cli``: the same as the ``symback`` command."""
from symback.cli import main

raise SystemExit(main())
