"""The ``tripline`` command line: thin Typer edges over the capabilities."""
