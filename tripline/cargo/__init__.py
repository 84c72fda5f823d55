"""[cargo] Manifests and an explained container-targeting queue.

Library entry points: :func:`tripline.cargo.readers.read_manifest`, the services of
:mod:`tripline.cargo.run` (:func:`~tripline.cargo.run.load_manifest`,
:func:`~tripline.cargo.run.run_target`, ...), :func:`tripline.cargo.engine.target_file`,
:func:`tripline.cargo.demo.generate`.
"""
