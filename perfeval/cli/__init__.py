"""The ``perfeval`` command line: thin typer commands over library functions."""
