"""Everything that does the work, without Qt: usable from the CLI, the tests and the GUI."""
