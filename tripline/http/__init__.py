"""What the HTTP edges share: request dependencies (caller, runtime, database, workspace, own
exchange node, upload storing) in :mod:`tripline.http.deps`, and the one mapping of
:class:`~tripline.errors.TriplineError` to HTTP statuses and the error body in
:mod:`tripline.http.errors`. ``tripline.api`` (routers) and ``tripline.web`` (console pages)
import from here; neither imports the other, and nothing here imports either."""
