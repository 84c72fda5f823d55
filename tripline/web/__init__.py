"""The web console: server-rendered Jinja2 pages with htmx (vendored), working without JavaScript."""
