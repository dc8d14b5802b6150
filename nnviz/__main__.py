"""`python -m nnviz` is the same as the `nnviz` command: the app, or a headless subcommand."""

from nnviz.app import main

raise SystemExit(main())
