"""The REST API: one FastAPI app built by :func:`tripline.api.app.create_app`."""
