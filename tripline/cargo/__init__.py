"""[cargo] Manifests and an explained container-targeting queue.

Library entry points: :func:`tripline.cargo.readers.read_manifest`,
:func:`tripline.cargo.run.load_manifest`, :func:`tripline.cargo.engine.target_file`,
:func:`tripline.cargo.demo.generate`.
"""
