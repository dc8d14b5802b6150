"""The shell: the main window that composes every part, its menus and actions, launch, recovery, the start page."""
