"""Parsers that turn the bundled control-list files into :class:`~tripline.controls.model.ControlEntry`."""
